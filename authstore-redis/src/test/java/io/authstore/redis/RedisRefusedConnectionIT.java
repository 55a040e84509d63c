package io.authstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.authstore.AuthstoreException;
import io.authstore.StoreUnavailableException;
import io.authstore.revocation.RevocationOptions;
import io.authstore.testkit.Redis;
import io.authstore.testkit.RedisProcess;
import io.authstore.ticket.TicketOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Redis that answers but refuses the connection is a configuration to fix: the start fails at
 * once, whatever the fallback policy, and never falls back to memory as it does for an outage.
 */
class RedisRefusedConnectionIT {
  private static final String PASSWORD = "the-right-redis-password-0123456789";
  private static RedisProcess redis;

  @BeforeAll
  static void start() {
    redis = RedisProcess.start();
    // Set after the start: the test kit checks readiness without a password.
    Redis.call(redis.port(), c -> c.configSet("requirepass", PASSWORD));
  }

  @AfterAll
  static void stop() {
    if (redis != null) {
      redis.close();
    }
  }

  private static RedisBackend open(RedisConnectionConfig.Builder config) {
    return RedisBackend.open(
        config.build(),
        RevocationOptions.defaults(),
        TicketOptions.defaults(),
        RedisBackend.FallbackPolicy.MEMORY);
  }

  private static RedisConnectionConfig.Builder standalone() {
    return RedisConnectionConfig.builder().standalone("127.0.0.1", redis.port());
  }

  @Test
  void wrongPassword_failsTheStart_withRedisReason_andNoFallback() {
    String wrong = "a-wrong-redis-password-9876543210";

    assertThatThrownBy(() -> open(standalone().password(wrong)))
        .isInstanceOf(AuthstoreException.class)
        .isNotInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("WRONGPASS")
        .hasMessageNotContaining(wrong)
        .hasMessageNotContaining(PASSWORD);
  }

  @Test
  void noPassword_failsTheStart_withRedisReason_andNoFallback() {
    assertThatThrownBy(() -> open(standalone()))
        .isInstanceOf(AuthstoreException.class)
        .isNotInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("NOAUTH");
  }

  @Test
  void databaseOutOfRange_failsTheStart() {
    assertThatThrownBy(() -> open(standalone().password(PASSWORD).database(99)))
        .isInstanceOf(AuthstoreException.class)
        .isNotInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("DB index");
  }

  @Test
  void theRightPassword_connects() {
    try (RedisBackend backend = open(standalone().password(PASSWORD))) {
      assertThat(backend.storage()).isEqualTo(RedisBackend.Storage.REDIS);
      assertThat(backend.revocationStore().size()).isZero();
    }
  }
}
