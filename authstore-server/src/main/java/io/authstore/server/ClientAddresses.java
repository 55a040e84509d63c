package io.authstore.server;

import inet.ipaddr.AddressStringParameters.RangeParameters;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.IPAddressStringParameters;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client a request's per-address rate limit counts against.
 *
 * <p>Without trusted proxies it is the TCP peer. Behind a load balancer every peer is the balancer,
 * so every client would share its one bucket. With the balancer's addresses trusted, the client is
 * the right-most {@code X-Forwarded-For} entry that is not a trusted proxy: each proxy appends the
 * address it saw, so the entries left of the first untrusted one were written by the client itself
 * and are not believed. An entry that is not an IP address ends the walk at the trusted proxy that
 * passed it on, and so does running out of entries or reaching {@value #MAX_HOPS} of them. A
 * request from an untrusted peer is counted by that peer, whatever its headers say.
 *
 * <p>IPv6 clients are counted per /{@value #IPV6_PREFIX_LENGTH}: one host usually holds a whole
 * /64, and would otherwise get a fresh bucket from each of its addresses. An IPv4-mapped IPv6
 * address counts as its IPv4 address.
 *
 * <p>Immutable and thread-safe.
 */
final class ClientAddresses {
  /** The IPv6 prefix clients are counted by. */
  static final int IPV6_PREFIX_LENGTH = 64;

  /** The most {@code X-Forwarded-For} entries read, from the right: proxy chains are short. */
  static final int MAX_HOPS = 16;

  /**
   * The shortest prefix a trusted block may have: a wider one ({@code 0.0.0.0/0}) would believe the
   * header from nearly anyone, and any client could pick its bucket.
   */
  static final int MIN_TRUSTED_PREFIX_LENGTH = 8;

  /** The same for IPv6, whose smallest allocations to one network are /32s. */
  static final int MIN_TRUSTED_IPV6_PREFIX_LENGTH = 32;

  /** The most trusted proxy entries accepted. */
  static final int MAX_TRUSTED = 256;

  static final String FORWARDED_FOR = "X-Forwarded-For";

  /** One address, in the usual notations only: no ranges, masks, wildcards or inet_aton forms. */
  private static final IPAddressStringParameters ADDRESS = parameters(false);

  /** One address or a CIDR block. */
  private static final IPAddressStringParameters ADDRESS_OR_BLOCK = parameters(true);

  private static final Logger log = LoggerFactory.getLogger(ClientAddresses.class);

  private final List<IPAddress> trusted;
  private final List<String> entries;

  /** Whether the one warning about forwarded requests without trusted proxies was logged. */
  private volatile boolean warnedUntrustedForwarding;

  private ClientAddresses(List<IPAddress> trusted, List<String> entries) {
    this.trusted = trusted;
    this.entries = entries;
  }

  /** No trusted proxy: every request counts against its TCP peer. */
  static ClientAddresses none() {
    return new ClientAddresses(List.of(), List.of());
  }

  /**
   * Trusts the proxies at these addresses and CIDR blocks ({@code 10.0.0.7}, {@code 10.0.0.0/8},
   * {@code fd00:0:0:1::/64}).
   *
   * @throws IllegalArgumentException naming the entry that is not an address or block, or a block
   *     written with host bits (10.1.2.3/8 would trust all of 10.0.0.0/8)
   */
  static ClientAddresses trusting(List<String> proxies) {
    if (proxies.isEmpty()) {
      return none();
    }
    if (proxies.size() > MAX_TRUSTED) {
      throw new IllegalArgumentException(
          "at most " + MAX_TRUSTED + " trusted proxies, not " + proxies.size());
    }
    List<IPAddress> trusted = new ArrayList<>(proxies.size());
    List<String> entries = new ArrayList<>(proxies.size());
    for (String raw : proxies) {
      String entry = raw.strip();
      IPAddress address = new IPAddressString(entry, ADDRESS_OR_BLOCK).getAddress();
      if (address == null) {
        throw new IllegalArgumentException(
            "a trusted proxy must be an IP address or CIDR block: " + Http.shorten(entry));
      }
      if (address.getNetworkPrefixLength() != null && !address.isPrefixBlock()) {
        throw new IllegalArgumentException(
            "a trusted proxy block must have no bits set past its prefix: "
                + entry
                + " would trust "
                + address.toPrefixBlock().toCanonicalString());
      }
      IPAddress block = normal(address);
      Integer prefix = block.getNetworkPrefixLength();
      int floor = block.isIPv6() ? MIN_TRUSTED_IPV6_PREFIX_LENGTH : MIN_TRUSTED_PREFIX_LENGTH;
      if (prefix != null && prefix < floor) {
        throw new IllegalArgumentException(
            "a trusted proxy block must be /"
                + floor
                + " or narrower: "
                + entry
                + " would let nearly any client choose its own address; trust the balancers'"
                + " addresses");
      }
      trusted.add(block);
      entries.add(entry);
    }
    return new ClientAddresses(List.copyOf(trusted), List.copyOf(entries));
  }

  /** The entries as configured; empty when no proxy is trusted. */
  List<String> entries() {
    return entries;
  }

  /**
   * The rate-limit key of a request: the client's IPv4 address or IPv6 /64 block, in canonical
   * form.
   *
   * @param peer the TCP peer's address, as the server reports it (Jetty writes IPv6 in brackets)
   * @param forwardedFor the request's {@code X-Forwarded-For} fields, in order
   */
  String clientOf(String peer, Enumeration<String> forwardedFor) {
    if (trusted.isEmpty()
        && !warnedUntrustedForwarding
        && forwardedFor != null
        && forwardedFor.hasMoreElements()) {
      warnedUntrustedForwarding = true;
      log.warn(
          "requests arrive with X-Forwarded-For, but no proxy is trusted: the per-address rate"
              + " limit counts each request's peer, so clients behind one load balancer share its"
              + " budget; set --trusted-proxies to the balancers' addresses, or raise"
              + " --rate-limit-per-address (said once)");
    }
    if (trusted.isEmpty() && peer.indexOf(':') < 0) {
      return peer; // IPv4, and nothing to walk: the common case costs no parsing
    }
    IPAddress client = parse(withoutPort(peer));
    if (client == null) {
      return peer;
    }
    if (isTrusted(client) && forwardedFor != null) {
      List<String> hops = hops(forwardedFor);
      for (int i = hops.size() - 1; i >= 0 && isTrusted(client); i--) {
        IPAddress hop = parse(withoutPort(hops.get(i)));
        if (hop == null) {
          break;
        }
        client = hop;
      }
    }
    return key(client);
  }

  private boolean isTrusted(IPAddress address) {
    for (IPAddress proxy : trusted) {
      if (proxy.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** The right-most {@value #MAX_HOPS} entries of the fields, left to right. */
  private static List<String> hops(Enumeration<String> fields) {
    List<String> all = new ArrayList<>();
    for (String field : Collections.list(fields)) {
      for (String entry : field.split(",", -1)) {
        all.add(entry.strip());
      }
    }
    return all.subList(Math.max(0, all.size() - MAX_HOPS), all.size());
  }

  /** {@code [2001:db8::1]:443} → {@code 2001:db8::1}; {@code 192.0.2.1:443} → {@code 192.0.2.1}. */
  private static String withoutPort(String entry) {
    if (entry.startsWith("[")) {
      int close = entry.indexOf(']');
      return close < 0 ? entry : entry.substring(1, close);
    }
    int colon = entry.indexOf(':');
    return colon >= 0 && entry.indexOf(':', colon + 1) < 0 ? entry.substring(0, colon) : entry;
  }

  private static IPAddress parse(String text) {
    IPAddress address = new IPAddressString(text, ADDRESS).getAddress();
    return address == null ? null : normal(address);
  }

  /** IPv4-mapped IPv6 as IPv4; no IPv6 zone. */
  private static IPAddress normal(IPAddress address) {
    if (address.isIPv6()) {
      if (address.toIPv6().isIPv4Mapped()) {
        return address.toIPv6().getEmbeddedIPv4Address();
      }
      return address.toIPv6().removeZone();
    }
    return address;
  }

  private static String key(IPAddress client) {
    return client.isIPv6()
        ? client.toPrefixBlock(IPV6_PREFIX_LENGTH).toCanonicalString()
        : client.toCanonicalString();
  }

  private static IPAddressStringParameters parameters(boolean blocks) {
    IPAddressStringParameters.Builder b =
        new IPAddressStringParameters.Builder()
            .allowEmpty(false)
            .allowAll(false)
            .allowSingleSegment(false)
            .allowPrefix(blocks)
            .allowMask(false)
            .allowWildcardedSeparator(false)
            .allow_inet_aton(false)
            .setRangeOptions(RangeParameters.NO_RANGE);
    b.getIPv4AddressParametersBuilder().allowLeadingZeros(false);
    return b.toParams();
  }
}
