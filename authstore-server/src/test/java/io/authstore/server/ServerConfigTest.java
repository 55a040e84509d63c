package io.authstore.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link ServerConfig.Builder#build()}'s checks, with the messages that carry the bad value. */
class ServerConfigTest {
  @Test
  void freshness_keepsTheFeedLengthSetBefore() {
    ServerConfig c =
        ServerConfig.builder()
            .replication(
                io.authstore.redis.ReplicationOptions.builder().feedMaxLength(1_234).build())
            .freshness(
                java.time.Duration.ofSeconds(2),
                io.authstore.redis.ReplicationOptions.StalenessPolicy.SERVE_STALE)
            .build();

    assertThat(c.replication().feedMaxLength()).isEqualTo(1_234);
    assertThat(c.replication().maxStaleness()).isEqualTo(java.time.Duration.ofSeconds(2));
    assertThat(c.replication().policy())
        .isEqualTo(io.authstore.redis.ReplicationOptions.StalenessPolicy.SERVE_STALE);
  }

  @Test
  void rateLimitPerKey_aboveTheBound_isRefused_namingTheBoundAndTheValue() {
    assertThatThrownBy(() -> ServerConfig.builder().rateLimitPerKey(Integer.MAX_VALUE).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rate limit per key")
        .hasMessageContaining("1000000000")
        .hasMessageContaining("2147483647");
  }

  @Test
  void rateLimitPerAddress_aboveTheBound_isRefused_namingTheBoundAndTheValue() {
    assertThatThrownBy(
            () ->
                ServerConfig.builder().rateLimitPerAddress(ServerConfig.MAX_RATE_LIMIT + 1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rate limit per address")
        .hasMessageContaining("1000000000")
        .hasMessageContaining("1000000001");
  }

  @Test
  void rateLimits_atTheBound_areAccepted() {
    ServerConfig c =
        ServerConfig.builder()
            .rateLimitPerKey(ServerConfig.MAX_RATE_LIMIT)
            .rateLimitPerAddress(ServerConfig.MAX_RATE_LIMIT)
            .build();

    assertThat(c.rateLimitPerKey()).isEqualTo(1_000_000_000);
    assertThat(c.rateLimitPerAddress()).isEqualTo(1_000_000_000);
  }

  @Test
  void bind_aNameThatDoesNotResolve_isRefused_namingIt() {
    // RFC 6761: no name under .invalid ever resolves.
    assertThatThrownBy(() -> ServerConfig.builder().bind("no-such-host.invalid").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bind address")
        .hasMessageContaining("no-such-host.invalid");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.0.0.0", "127.0.0.1", "::", "::1", "localhost"})
  void bind_anAddressOrAResolvableName_isAccepted(String bind) {
    assertThat(ServerConfig.builder().bind(bind).build().bind()).isEqualTo(bind);
  }
}
