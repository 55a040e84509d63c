package io.authstore.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.authstore.revocation.RevocationOptions;
import io.authstore.testkit.RedisProcess;
import io.authstore.ticket.TicketOptions;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A Redis that is still starting refuses connections for a moment: the attempts at start wait
 * between them, so the connection is made once it listens, instead of every attempt failing within
 * milliseconds and the memory fallback being taken for good.
 *
 * <p>Run: {@code ./mvnw -B -o verify -pl authstore-redis -Dit.test='RedisConnectAttemptsIT'
 * -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false}
 */
class RedisConnectAttemptsIT {

  /** How long after the start begins Redis is started on its port. */
  private static final long REDIS_STARTS_AFTER_MILLIS = 300;

  private static RedisBackend open(RedisConnectionConfig config) {
    return RedisBackend.open(
        config,
        RevocationOptions.defaults(),
        TicketOptions.defaults(),
        RedisBackend.FallbackPolicy.MEMORY);
  }

  @Test
  void redisListeningOnlyAfterTheFirstAttempt_isConnectedTo_notFallenBackFrom() throws Exception {
    try (RedisProcess redis = RedisProcess.start()) {
      // Four attempts wait 0.5 s + 1 s + 1 s: Redis, started 0.3 s in, has more than 2 s to listen
      // on a slow machine. Without waits, the four refused attempts end within milliseconds of
      // each other, long before it is started.
      RedisConnectionConfig config =
          RedisConnectionConfig.builder()
              .standalone("127.0.0.1", redis.port())
              .connectAttempts(4)
              .build();
      // Lettuce and Netty load on the first connection, which on a slow machine can take longer
      // than the pause below: without this, a slow first attempt alone would outlast it, and the
      // test would pass without waits between attempts.
      try (RedisBackend warm = open(config)) {
        assertThat(warm.storage()).isEqualTo(RedisBackend.Storage.REDIS);
      }
      redis.kill(); // the port now refuses connections

      ExecutorService starter = Executors.newSingleThreadExecutor();
      try {
        Future<RedisBackend> opening = starter.submit(() -> open(config));
        Thread.sleep(REDIS_STARTS_AFTER_MILLIS);
        redis.restart(); // same port; returns once it answers PING

        // A bound against a hang only, far above any wait the attempts make.
        try (RedisBackend backend = opening.get(2, TimeUnit.MINUTES)) {
          assertThat(backend.storage()).isEqualTo(RedisBackend.Storage.REDIS);
          Instant expiresAt = Instant.now().plusSeconds(600);
          backend.revocationStore().revoke("iss", "jti-1", expiresAt);
          assertThat(backend.revocationStore().isRevoked("iss", "jti-1")).isTrue();
        }
      } finally {
        starter.shutdownNow();
      }
    }
  }
}
