package io.authstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.authstore.StoreUnavailableException;
import io.authstore.revocation.RevocationOptions;
import io.authstore.revocation.RevocationStore;
import io.authstore.testkit.RedisProcess;
import io.authstore.ticket.ConsumeResult;
import io.authstore.ticket.IssuedTicket;
import io.authstore.ticket.TicketOptions;
import io.authstore.ticket.TicketStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis killed, paused and restarted under a store: failures are {@link StoreUnavailableException}
 * within the command timeout, never hangs, and the same store objects work again once Redis is
 * back.
 */
class RedisStoreFaultIT {
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);
  // The bound the issue sets on how long a failing call may take.
  private static final Duration FAILURE_BOUND = COMMAND_TIMEOUT.plusMillis(500);

  private RedisProcess redis;
  private RedisBackend backend;

  @BeforeEach
  void start() {
    redis = RedisProcess.start();
    RedisConnectionConfig config =
        RedisConnectionConfig.builder()
            .standalone("127.0.0.1", redis.port())
            .commandTimeout(COMMAND_TIMEOUT)
            .connectTimeout(Duration.ofSeconds(1))
            .build();
    backend =
        RedisBackend.open(
            config,
            RevocationOptions.defaults(),
            TicketOptions.builder().maxActive(100_000).maxActivePerSubject(100_000).build(),
            RedisBackend.FallbackPolicy.FAIL);
  }

  @AfterEach
  void stop() {
    backend.close();
    redis.close();
  }

  @Test
  void redisKilledMidRun_everyCallFailsFastAsUnavailable_andRestartRecoversTheSameStores()
      throws Exception {
    RevocationStore revocations = backend.revocationStore();
    TicketStore tickets = backend.ticketStore();
    revocations.revoke("iss", "before-kill", Instant.now().plusSeconds(3600));
    IssuedTicket issued = tickets.issue("alice");

    redis.kill();

    List<Callable<Object>> calls =
        List.of(
            () -> revocations.isRevoked("iss", "before-kill"),
            () -> {
              revocations.revoke("iss", "during-kill", Instant.now().plusSeconds(3600));
              return null;
            },
            () -> tickets.issue("alice"),
            () -> tickets.consume(issued.ticket()),
            tickets::stats,
            revocations::size);
    // Eight threads calling concurrently: none may hang, every call fails in the bound.
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Duration>> timings = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        Callable<Object> call = calls.get(i % calls.size());
        timings.add(pool.submit(() -> timeFailure(call)));
      }
      for (Future<Duration> t : timings) {
        assertThat(t.get(30, TimeUnit.SECONDS)).isLessThanOrEqualTo(FAILURE_BOUND);
      }
    } finally {
      pool.shutdownNow();
    }

    redis.restart(); // empty: no persistence
    Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .ignoreExceptionsInstanceOf(StoreUnavailableException.class)
        .untilAsserted(
            () -> assertThat(tickets.consume(tickets.issue("bob").ticket()).isConsumed()).isTrue());
    revocations.revoke("iss", "after-restart", Instant.now().plusSeconds(3600));
    assertThat(revocations.isRevoked("iss", "after-restart")).isTrue();
    assertThat(backend.isRedisHealthy()).isTrue();
  }

  @Test
  void redisPaused_callsTimeOutAsUnavailable_andResumeRecovers() throws Exception {
    RevocationStore revocations = backend.revocationStore();
    TicketStore tickets = backend.ticketStore();
    redis.pause();
    try {
      assertFailsInBound(() -> revocations.isRevoked("iss", "jti"));
      assertFailsInBound(() -> tickets.issue("alice"));
      assertThat(backend.isRedisHealthy()).isFalse();
    } finally {
      redis.resume();
    }
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptionsInstanceOf(StoreUnavailableException.class)
        .untilAsserted(() -> assertThat(revocations.isRevoked("iss", "jti")).isFalse());
    ConsumeResult result = tickets.consume(tickets.issue("alice").ticket());
    assertThat(result.isConsumed()).isTrue();
  }

  private static void assertFailsInBound(Callable<Object> call) throws Exception {
    assertThat(timeFailure(call)).isLessThanOrEqualTo(FAILURE_BOUND);
  }

  private static Duration timeFailure(Callable<Object> call) {
    long start = System.nanoTime();
    Consumer<Object> none = o -> {};
    assertThatThrownBy(() -> none.accept(call.call()))
        .isInstanceOf(StoreUnavailableException.class);
    return Duration.ofNanos(System.nanoTime() - start);
  }
}
