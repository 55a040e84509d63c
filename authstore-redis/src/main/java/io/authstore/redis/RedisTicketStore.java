package io.authstore.redis;

import io.authstore.CapacityExceededException;
import io.authstore.StoreListener;
import io.authstore.internal.Arguments;
import io.authstore.internal.TicketCodec;
import io.authstore.ticket.ConsumeResult;
import io.authstore.ticket.IssuedTicket;
import io.authstore.ticket.TicketInfo;
import io.authstore.ticket.TicketOptions;
import io.authstore.ticket.TicketStats;
import io.authstore.ticket.TicketStore;
import io.lettuce.core.ScriptOutputType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link TicketStore} on Redis (standalone, Sentinel or Cluster): consume is atomic across every
 * instance that shares the Redis and key prefix.
 *
 * <h2>Storage details</h2>
 *
 * Every key shares the hash tag {@code {tickets}}, so on Cluster they live in one slot and every
 * operation is one atomic script:
 *
 * <ul>
 *   <li>{@code <prefix>{tickets}:t:<digest>}: a hash per ticket, {@code <digest>} the base64url
 *       SHA-256 of the ticket (the ticket itself is never stored): {@code s} subject, {@code i}
 *       issued-at and {@code e} expires-at (epoch ms), {@code u} 1 once consumed, {@code a:<name>}
 *       per attribute. TTL: the ticket's remaining life plus one second of slack for clock
 *       differences; a consumed ticket stays as a tombstone until then.
 *   <li>{@code <prefix>{tickets}:active} and {@code :used}: sorted sets of digests by expiry, the
 *       source of the active and used counts and of the global cap.
 *   <li>{@code <prefix>{tickets}:subject:<subject>}: sorted set of the subject's active digests,
 *       for the per-subject cap and {@link #revokeSubject}.
 *   <li>{@code <prefix>{tickets}:totals}: hash of running totals ({@code issued}, {@code consumed},
 *       {@code reused}); the one key without a TTL, of fixed size.
 * </ul>
 *
 * The sorted sets carry a TTL as long as their longest-lived member (plus the slack). Expired
 * members are dropped when a cap seems reached (so the common issue path stays short), by each
 * consume (the used set), and by {@link #stats()} and {@link #purgeExpired()}; every count is taken
 * after dropping them, so caps and counts are exact.
 *
 * <h2>The global cap on Cluster</h2>
 *
 * Because every ticket key is in one slot, the issue script counts the active set and adds to it in
 * one atomic step: the global cap and the per-subject cap are exact on Cluster as on a single
 * server, with no cross-slot coordination. The price is that ticket traffic is served by one master
 * (and its replicas for failover): at the source's cap of 1,000 active tickets that is a small
 * load. Revocations, the high-volume list, are spread over every master.
 *
 * <h2>Cost</h2>
 *
 * {@link #issue}, {@link #consume}, {@link #revokeSubject}, {@link #stats()}, {@link
 * #purgeExpired()}: one {@code EVALSHA} each, one round trip; plus {@code WAIT} after consume if
 * configured. A malformed ticket is refused without a round trip.
 *
 * <p>Thread-safe.
 */
public final class RedisTicketStore implements TicketStore {
  private static final int HASH_PREFIX_CHARS = 12;
  private static final LuaScript ISSUE = LuaScript.load("ticket-issue");
  private static final LuaScript CONSUME = LuaScript.load("ticket-consume");
  private static final LuaScript REVOKE_SUBJECT = LuaScript.load("ticket-revoke-subject");
  private static final LuaScript STATS = LuaScript.load("ticket-stats");
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final RedisConnection redis;
  private final boolean ownsConnection;
  private final TicketOptions options;
  private final Clock clock;
  private final StoreListener listener;
  private final TicketCodec codec = TicketCodec.create();
  private final String ticketPrefix;
  private final String activeKey;
  private final String usedKey;
  private final String subjectPrefix;
  private final String totalsKey;
  private volatile boolean closed;

  RedisTicketStore(RedisConnection redis, boolean ownsConnection, TicketOptions options) {
    this.redis = redis;
    this.ownsConnection = ownsConnection;
    this.options = options;
    this.clock = options.clock();
    this.listener = options.listener();
    String base = redis.config().keyPrefix() + "{tickets}:";
    this.ticketPrefix = base + "t:";
    this.activeKey = base + "active";
    this.usedKey = base + "used";
    this.subjectPrefix = base + "subject:";
    this.totalsKey = base + "totals";
  }

  /**
   * Connects to Redis and returns a store that owns the connection.
   *
   * @param config where Redis is
   * @param options TTLs, caps, bounds, clock and listener
   * @return the store
   * @throws io.authstore.StoreUnavailableException if Redis cannot be reached
   */
  public static RedisTicketStore connect(RedisConnectionConfig config, TicketOptions options) {
    Objects.requireNonNull(options, "options");
    return new RedisTicketStore(RedisConnection.open(config), true, options);
  }

  @Override
  public IssuedTicket issue(String subject, Map<String, String> attributes, Duration ttl) {
    Duration effectiveTtl = options.checkIssue(subject, attributes, ttl);
    checkOpen();
    String ticket = codec.newTicket();
    String digest = B64.encodeToString(TicketCodec.digest(ticket));
    long now = clock.millis();
    long ttlMillis = effectiveTtl.toMillis();
    long expiresAt = now + ttlMillis;
    List<String> args = new ArrayList<>(8 + attributes.size() * 2);
    args.add(Long.toString(now));
    args.add(Long.toString(expiresAt));
    args.add(Integer.toString(options.maxActive()));
    args.add(Integer.toString(options.maxActivePerSubject()));
    args.add(digest);
    args.add(subject);
    args.add(Long.toString(now));
    args.add(Long.toString(ttlMillis + RedisConnection.TTL_SLACK_MILLIS));
    attributes.forEach(
        (name, value) -> {
          args.add("a:" + name);
          args.add(value);
        });
    Long outcome =
        redis.eval(
            ISSUE,
            ScriptOutputType.INTEGER,
            new String[] {
              ticketPrefix + digest, activeKey, usedKey, subjectPrefix + subject, totalsKey
            },
            args.toArray(String[]::new));
    if (outcome == 1) {
      listener.capacityExceeded(CapacityExceededException.Scope.GLOBAL);
      throw new CapacityExceededException(
          CapacityExceededException.Scope.GLOBAL, options.maxActive());
    }
    if (outcome == 2) {
      listener.capacityExceeded(CapacityExceededException.Scope.SUBJECT);
      throw new CapacityExceededException(
          CapacityExceededException.Scope.SUBJECT, options.maxActivePerSubject());
    }
    listener.ticketIssued();
    return new IssuedTicket(ticket, Instant.ofEpochMilli(expiresAt));
  }

  @Override
  public ConsumeResult consume(String ticket) {
    Objects.requireNonNull(ticket, "ticket must not be null");
    checkOpen();
    if (!TicketCodec.isWellFormed(ticket)) {
      listener.ticketRejected();
      return ConsumeResult.unknownOrExpired();
    }
    byte[] raw = TicketCodec.digest(ticket);
    String digest = B64.encodeToString(raw);
    List<Object> reply =
        redis.eval(
            CONSUME,
            ScriptOutputType.MULTI,
            new String[] {ticketPrefix + digest, activeKey, usedKey, totalsKey},
            Long.toString(clock.millis()),
            digest,
            subjectPrefix,
            Long.toString(RedisConnection.TTL_SLACK_MILLIS));
    long outcome = (Long) reply.get(0);
    if (outcome == 0) {
      listener.ticketRejected();
      return ConsumeResult.unknownOrExpired();
    }
    if (outcome == 2) {
      listener.ticketReused(TicketCodec.hexPrefix(raw, HASH_PREFIX_CHARS));
      return ConsumeResult.reused();
    }
    redis.awaitReplication("consume");
    listener.ticketConsumed();
    return ConsumeResult.consumed(toInfo(reply.get(1)));
  }

  private static TicketInfo toInfo(Object fields) {
    List<?> flat = (List<?>) fields;
    String subject = null;
    long issuedAt = 0;
    long expiresAt = 0;
    Map<String, String> attributes = new HashMap<>();
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      String name = String.valueOf(flat.get(i));
      String value = String.valueOf(flat.get(i + 1));
      switch (name) {
        case "s" -> subject = value;
        case "i" -> issuedAt = Long.parseLong(value);
        case "e" -> expiresAt = Long.parseLong(value);
        default -> {
          if (name.startsWith("a:")) {
            attributes.put(name.substring(2), value);
          }
        }
      }
    }
    return new TicketInfo(
        subject, attributes, Instant.ofEpochMilli(issuedAt), Instant.ofEpochMilli(expiresAt));
  }

  @Override
  public int revokeSubject(String subject) {
    Arguments.requireText("subject", subject, options.maxSubjectLength());
    checkOpen();
    Long removed =
        redis.eval(
            REVOKE_SUBJECT,
            ScriptOutputType.INTEGER,
            new String[] {subjectPrefix + subject, activeKey},
            Long.toString(clock.millis()),
            ticketPrefix);
    return removed.intValue();
  }

  @Override
  public TicketStats stats() {
    List<Object> r = runStats();
    return new TicketStats(
        (Long) r.get(1),
        (Long) r.get(2),
        (Long) r.get(3),
        (Long) r.get(4),
        (Long) r.get(5),
        options.maxActive());
  }

  @Override
  public int purgeExpired() {
    int removed = ((Long) runStats().get(0)).intValue();
    if (removed > 0) {
      listener.expiredReclaimed(removed);
    }
    return removed;
  }

  private List<Object> runStats() {
    checkOpen();
    return redis.eval(
        STATS,
        ScriptOutputType.MULTI,
        new String[] {activeKey, usedKey, totalsKey},
        Long.toString(clock.millis()));
  }

  @Override
  public void close() {
    closed = true;
    if (ownsConnection) {
      redis.close();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("store is closed");
    }
  }
}
