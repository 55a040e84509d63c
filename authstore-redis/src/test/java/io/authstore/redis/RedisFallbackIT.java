package io.authstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.authstore.StoreUnavailableException;
import io.authstore.revocation.InMemoryRevocationStore;
import io.authstore.revocation.RevocationOptions;
import io.authstore.testkit.RedisProcess;
import io.authstore.ticket.TicketOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisFallbackIT {

  private static RedisConnectionConfig unreachable() {
    RedisProcess redis = RedisProcess.start();
    int port = redis.port();
    redis.close(); // nothing listens there any more
    return RedisConnectionConfig.builder()
        .standalone("127.0.0.1", port)
        .connectTimeout(Duration.ofMillis(500))
        .connectAttempts(2)
        .build();
  }

  @Test
  void unreachableAtStart_withoutFallback_failsAsUnavailable() {
    RedisConnectionConfig config = unreachable();
    assertThatThrownBy(
            () ->
                RedisBackend.open(
                    config,
                    RevocationOptions.defaults(),
                    TicketOptions.defaults(),
                    RedisBackend.FallbackPolicy.FAIL))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("after 2 attempts");
  }

  @Test
  void unreachableAtStart_withMemoryFallback_reportsIt_andServesFromMemory() {
    try (RedisBackend backend =
        RedisBackend.open(
            unreachable(),
            RevocationOptions.defaults(),
            TicketOptions.defaults(),
            RedisBackend.FallbackPolicy.MEMORY)) {
      assertThat(backend.storage()).isEqualTo(RedisBackend.Storage.MEMORY_FALLBACK);
      assertThat(backend.isRedisHealthy()).isFalse();
      assertThat(backend.revocationStore()).isInstanceOf(InMemoryRevocationStore.class);
      assertThat(
              backend.ticketStore().consume(backend.ticketStore().issue("a").ticket()).isConsumed())
          .isTrue();
    }
  }

  @Test
  void reachableAtStart_withMemoryFallback_usesRedis() {
    try (RedisProcess redis = RedisProcess.start();
        RedisBackend backend =
            RedisBackend.open(
                RedisConnectionConfig.builder().standalone("127.0.0.1", redis.port()).build(),
                RevocationOptions.defaults(),
                TicketOptions.defaults(),
                RedisBackend.FallbackPolicy.MEMORY)) {
      assertThat(backend.storage()).isEqualTo(RedisBackend.Storage.REDIS);
      assertThat(backend.isRedisHealthy()).isTrue();
    }
  }
}
