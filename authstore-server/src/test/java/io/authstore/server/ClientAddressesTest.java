package io.authstore.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClientAddressesTest {
  private static final ClientAddresses BEHIND_PROXIES =
      ClientAddresses.trusting(List.of("10.0.0.0/8", "192.168.1.1", "fd00::/48"));

  /** One X-Forwarded-For field per '|'-separated part; '-' for none. */
  private static String client(ClientAddresses c, String peer, String fields) {
    List<String> list = new ArrayList<>();
    if (!fields.equals("-")) {
      Collections.addAll(list, fields.split("\\|", -1));
    }
    return c.clientOf(peer, Collections.enumeration(list));
  }

  @ParameterizedTest(name = "peer {0}, X-Forwarded-For [{1}] -> {2}")
  @CsvSource(
      delimiter = ';',
      value = {
        // No proxy trusted: the header is never believed.
        "203.0.113.9; 198.51.100.1; 203.0.113.9",
        "10.0.0.5; 198.51.100.1; 10.0.0.5",
        "203.0.113.9; -; 203.0.113.9",
        // IPv6 counts per /64, IPv4-mapped as IPv4, in canonical form.
        "2001:db8:1:2:3:4:5:6; -; 2001:db8:1:2::/64",
        "2001:DB8:1:2::ff; -; 2001:db8:1:2::/64",
        // As Jetty reports an IPv6 peer: in brackets, uncompressed.
        "[2001:db8:1:2:0:0:0:1]; -; 2001:db8:1:2::/64",
        "[0:0:0:0:0:0:0:1]; -; ::/64",
        "0:0:0:0:0:0:0:1; -; ::/64",
        "::ffff:203.0.113.9; -; 203.0.113.9",
      })
  void withoutTrustedProxies_theClientIsThePeer(String peer, String fields, String expected) {
    assertThat(client(ClientAddresses.none(), peer, fields)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "peer {0}, X-Forwarded-For [{1}] -> {2}")
  @CsvSource(
      delimiter = ';',
      value = {
        // The proxy appended the address it saw.
        "10.0.0.5; 203.0.113.9; 203.0.113.9",
        // What the client wrote itself, left of that, is not believed.
        "10.0.0.5; 198.51.100.66, 203.0.113.9; 203.0.113.9",
        "10.0.0.5; 198.51.100.66|203.0.113.9; 203.0.113.9",
        // A chain of trusted proxies is walked through.
        "10.0.0.5; 203.0.113.9, 192.168.1.1, 10.9.9.9; 203.0.113.9",
        "fd00::1; 203.0.113.9, 10.0.0.7; 203.0.113.9",
        "[fd00:0:0:0:0:0:0:1]; 203.0.113.9; 203.0.113.9",
        // Every hop trusted: the left-most one is the client.
        "10.0.0.5; 10.0.0.9, 10.0.0.8; 10.0.0.9",
        // Ports and brackets, as some balancers write them.
        "10.0.0.5; 203.0.113.9:4711; 203.0.113.9",
        "10.0.0.5; [2001:db8:aa:bb::1]:443; 2001:db8:aa:bb::/64",
        "10.0.0.5; 2001:db8:aa:bb::1; 2001:db8:aa:bb::/64",
        "10.0.0.5; ::ffff:203.0.113.9; 203.0.113.9",
        // An entry that is not an address stops the walk at the proxy that passed it on.
        "10.0.0.5; unknown; 10.0.0.5",
        "10.0.0.5; 203.0.113.9, _hidden, 10.0.0.8; 10.0.0.8",
        "10.0.0.5; ''; 10.0.0.5",
        "10.0.0.5; 1.2.3; 10.0.0.5",
        "10.0.0.5; 10.0.0.0/8; 10.0.0.5",
        // No header, or a peer that is not trusted: the peer.
        "10.0.0.5; -; 10.0.0.5",
        "203.0.113.9; 198.51.100.1; 203.0.113.9",
        "192.168.1.2; 198.51.100.1; 192.168.1.2",
      })
  void behindTrustedProxies_theClientIsTheRightMostUntrustedHop(
      String peer, String fields, String expected) {
    assertThat(client(BEHIND_PROXIES, peer, fields.equals("''") ? "" : fields)).isEqualTo(expected);
  }

  @Test
  void onlyTheLastHopsAreRead_soALongForgedChainCannotReachFurther() {
    StringBuilder header = new StringBuilder("203.0.113.9");
    for (int i = 0; i < ClientAddresses.MAX_HOPS; i++) {
      header.append(", 10.0.0.").append(i + 1);
    }

    // The right-most MAX_HOPS entries are all trusted; the client left of them is not read.
    assertThat(client(BEHIND_PROXIES, "10.0.0.200", header.toString())).isEqualTo("10.0.0.1");
  }

  @Test
  void twoAddressesOfOneIpv6Slash64_shareAKey_andTheNextSlash64DoesNot() {
    ClientAddresses c = ClientAddresses.none();

    assertThat(client(c, "2001:db8:0:1::1", "-")).isEqualTo(client(c, "2001:db8:0:1:ffff::9", "-"));
    assertThat(client(c, "2001:db8:0:1::1", "-")).isNotEqualTo(client(c, "2001:db8:0:2::1", "-"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      value = {
        "lb.internal; must be an IP address or CIDR block: lb.internal",
        "10.0.0.1-10.0.0.9; must be an IP address or CIDR block",
        "10.0.0.*; must be an IP address or CIDR block",
        "10.0.0.0/33; must be an IP address or CIDR block",
        "*; must be an IP address or CIDR block",
        "10.1.2.3/8; 10.1.2.3/8 would trust 10.0.0.0/8",
        "fd00::1/48; fd00::1/48 would trust fd00::/48",
        "0.0.0.0/0; must be /8 or narrower: 0.0.0.0/0",
        "::/0; must be /32 or narrower",
        "2a00::/8; must be /32 or narrower: 2a00::/8",
        "128.0.0.0/1; must be /8 or narrower",
        "::ffff:0:0/96; must be /8 or narrower",
      })
  void aTrustedEntryThatIsNotAnAddressOrAnExactBlock_isRefusedByName(String entry, String message) {
    assertThatThrownBy(() -> ClientAddresses.trusting(List.of("10.0.0.1", entry)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void entriesAreKeptStripped() {
    assertThat(ClientAddresses.trusting(List.of(" 10.0.0.0/8 ", "fd00::/48")).entries())
        .containsExactly("10.0.0.0/8", "fd00::/48");
  }

  @Test
  void moreTrustedEntriesThanTheBound_areRefused() {
    List<String> many = new ArrayList<>();
    for (int i = 0; i <= ClientAddresses.MAX_TRUSTED; i++) {
      many.add("10.0." + (i / 250) + "." + (i % 250));
    }

    assertThatThrownBy(() -> ClientAddresses.trusting(many))
        .hasMessageContaining("at most " + ClientAddresses.MAX_TRUSTED);
  }
}
