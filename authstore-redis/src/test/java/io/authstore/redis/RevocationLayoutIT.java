package io.authstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.authstore.revocation.RevocationOptions;
import io.authstore.testkit.Redis;
import io.authstore.testkit.RedisProcess;
import io.authstore.ticket.TicketOptions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The direct and the replicated revocation layouts share no key: the first claims a key prefix, and
 * the other is refused on it, so two instances that differ cannot miss each other's revocations.
 */
class RevocationLayoutIT {
  private static RedisProcess redis;

  @BeforeAll
  static void startRedis() {
    redis = RedisProcess.start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @BeforeEach
  void flush() {
    Redis.call(redis.port(), c -> c.flushall());
  }

  private static RedisConnectionConfig config(String prefix) {
    return RedisConnectionConfig.builder()
        .standalone("127.0.0.1", redis.port())
        .keyPrefix(prefix)
        .build();
  }

  private static ReplicatedRevocationStore replicated(String prefix) {
    return ReplicatedRevocationStore.connect(
        config(prefix), RevocationOptions.defaults(), ReplicationOptions.defaults());
  }

  @Test
  void directFirst_refusesReplicated_andTheOtherWayRound() {
    try (RedisRevocationStore direct =
        RedisRevocationStore.connect(config("a:"), RevocationOptions.defaults())) {
      direct.revoke("iss", "jti-1", Instant.now().plus(Duration.ofHours(1)));
      assertThatIllegalStateException()
          .isThrownBy(() -> replicated("a:"))
          .withMessageContaining("holds revocations in the direct layout")
          .withMessageContaining("a:revocation-layout")
          .withMessageContaining("same revocation mode");
    }

    try (ReplicatedRevocationStore view = replicated("b:")) {
      try (RedisBackend backend = backend("b:")) {
        assertThatIllegalStateException()
            .isThrownBy(backend::claimRevocationLayout)
            .withMessageContaining("holds revocations in the replicated layout");
      }
      assertThatIllegalStateException()
          .isThrownBy(
              () -> RedisRevocationStore.connect(config("b:"), RevocationOptions.defaults()))
          .withMessageContaining("holds revocations in the replicated layout");
    }
  }

  @Test
  void sameLayout_againAndOnAnotherPrefix_isAccepted() {
    try (RedisBackend first = backend("a:");
        RedisBackend second = backend("a:")) {
      first.claimRevocationLayout();
      second.claimRevocationLayout();
    }
    try (ReplicatedRevocationStore one = replicated("b:");
        ReplicatedRevocationStore two = replicated("b:")) {
      assertThat(one.awaitReady(Duration.ofSeconds(10))).isTrue();
      assertThat(two.awaitReady(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(marker("a:revocation-layout")).isEqualTo("direct");
    assertThat(marker("b:revocation-layout")).isEqualTo("replicated");
  }

  @Test
  void markerDeleted_letsTheOtherLayoutClaimThePrefix() {
    try (RedisBackend backend = backend("a:")) {
      backend.claimRevocationLayout();
    }
    Redis.call(redis.port(), c -> c.del("a:revocation-layout"));
    try (ReplicatedRevocationStore view = replicated("a:")) {
      assertThat(marker("a:revocation-layout")).isEqualTo("replicated");
    }
  }

  @Test
  void redisRefusingWritesAtStart_skipsTheCheck_andTheStoreStillStarts() {
    // No replica, so every write is refused with NOREPLICAS, an outage of the moment.
    Redis.call(redis.port(), c -> c.configSet("min-replicas-to-write", "1"));
    try (RedisRevocationStore direct =
            RedisRevocationStore.connect(config("a:"), RevocationOptions.defaults());
        RedisBackend backend = backend("b:")) {
      backend.claimRevocationLayout();
      assertThat(direct.isRevoked("iss", "jti-1")).isFalse();
    } finally {
      Redis.call(redis.port(), c -> c.configSet("min-replicas-to-write", "0"));
    }
    assertThat(marker("a:revocation-layout")).isNull();
    assertThat(marker("b:revocation-layout")).isNull();
  }

  private static String marker(String key) {
    return Redis.call(redis.port(), c -> c.get(key));
  }

  private static RedisBackend backend(String prefix) {
    return RedisBackend.open(
        config(prefix),
        RevocationOptions.defaults(),
        TicketOptions.defaults(),
        RedisBackend.FallbackPolicy.FAIL);
  }
}
