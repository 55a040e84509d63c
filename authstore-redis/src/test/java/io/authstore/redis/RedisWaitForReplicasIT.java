package io.authstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.authstore.StoreUnavailableException;
import io.authstore.revocation.RevocationOptions;
import io.authstore.testkit.Redis;
import io.authstore.testkit.RedisProcess;
import io.authstore.ticket.ConsumeResult.Outcome;
import io.authstore.ticket.TicketOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RedisConnectionConfig.Builder#waitForReplicas}: every revoke, consume and revoke of a
 * subject's tickets waits for the replica, and fails when the replica does not acknowledge in time,
 * although the master applied the write.
 */
class RedisWaitForReplicasIT {
  /** Long enough for a replica on a busy machine, short of the 3 s command timeout. */
  private static final Duration GENEROUS_WAIT = Duration.ofMillis(2500);

  /** What a paused replica is given before each waiting write fails. */
  private static final Duration SHORT_WAIT = Duration.ofMillis(300);

  private RedisProcess master;
  private RedisProcess replica;
  private RedisTicketStore tickets;
  private RedisRevocationStore revocations;

  @BeforeEach
  void start() {
    master = RedisProcess.start();
    replica = RedisProcess.start("--replicaof", "127.0.0.1", Integer.toString(master.port()));
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> Redis.call(master.port(), c -> c.info("replication")).contains("state=online"));
  }

  private void connect(Duration wait) {
    connect(RedisConnectionConfig.DEFAULT_COMMAND_TIMEOUT, wait);
  }

  private void connect(Duration commandTimeout, Duration wait) {
    RedisConnectionConfig config =
        RedisConnectionConfig.builder()
            .standalone("127.0.0.1", master.port())
            .commandTimeout(commandTimeout)
            .waitForReplicas(1, wait)
            .build();
    tickets = RedisTicketStore.connect(config, TicketOptions.defaults());
    revocations = RedisRevocationStore.connect(config, RevocationOptions.defaults());
  }

  @AfterEach
  void stop() {
    replica.resume();
    if (tickets != null) {
      tickets.close();
      revocations.close();
    }
    replica.close();
    master.close();
  }

  private long replicaZcard(String key) {
    return Redis.call(replica.port(), c -> c.zcard(key));
  }

  @Test
  void withAReplicaThatKeepsUp_everyWaitingWriteSucceeds_andTheReplicaHasItWhenTheCallReturns() {
    connect(GENEROUS_WAIT);
    String ticket = tickets.issue("alice").ticket();
    assertThat(tickets.consume(ticket).outcome()).isEqualTo(Outcome.CONSUMED);
    assertThat(replicaZcard("authstore:{tickets}:used")).isEqualTo(1);

    tickets.issue("bob");
    assertThat(tickets.revokeSubject("bob")).isEqualTo(1);
    assertThat(replicaZcard("authstore:{tickets}:subject:bob")).isZero();

    revocations.revoke("iss", "jti-1", Instant.now().plus(Duration.ofMinutes(5)));
    assertThat(revocations.isRevoked("iss", "jti-1")).isTrue();
  }

  @Test
  void manyMoreWaitingWritesThanPooledConnections_oneAfterAnother_allSucceed_onReusedConnections() {
    connect(GENEROUS_WAIT);
    int writes = 3 * RedisConnection.MAX_WAITING_WRITES;
    Instant expires = Instant.now().plus(Duration.ofMinutes(5));

    for (int i = 0; i < writes; i++) {
      revocations.revoke("iss", "seq-" + i, expires);
    }

    // Each write gave its pooled connection back: one serves them all, none was made per write.
    assertThat(revocations.isRevoked("iss", "seq-" + (writes - 1))).isTrue();
    long connects =
        Long.parseLong(
            Redis.call(master.port(), c -> c.info("stats"))
                .lines()
                .filter(l -> l.startsWith("total_connections_received:"))
                .findFirst()
                .orElseThrow()
                .split(":")[1]
                .strip());
    assertThat(connects).as("connections the master received").isLessThan(writes);
  }

  @Test
  void withThePausedReplica_eachWaitingWriteFails_afterTheMasterAppliedIt() {
    connect(SHORT_WAIT);
    String ticket = tickets.issue("alice").ticket();
    tickets.issue("bob");
    replica.pause();

    assertThatThrownBy(() -> tickets.consume(ticket))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("0 of 1 replicas");
    assertThatThrownBy(() -> tickets.revokeSubject("bob"))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("0 of 1 replicas");
    Instant expires = Instant.now().plus(Duration.ofMinutes(5));
    assertThatThrownBy(() -> revocations.revoke("iss", "jti-1", expires))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("0 of 1 replicas");

    // The master has every write: a retried consume is a reuse, bob's ticket is gone, the token
    // revoked.
    assertThat(tickets.consume(ticket).outcome()).isEqualTo(Outcome.REUSED);
    long bobOnMaster = Redis.call(master.port(), c -> c.zcard("authstore:{tickets}:subject:bob"));
    assertThat(bobOnMaster).isZero();
    assertThat(revocations.isRevoked("iss", "jti-1")).isTrue();
  }

  @Test
  void writesWaitingForAPausedReplica_holdUpNothingElse() throws Exception {
    connect(Duration.ofMillis(1000));
    List<String> issued = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      issued.add(tickets.issue("alice").ticket());
    }
    replica.pause();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      // Four consumes each wait a second for the replica. On one shared connection they would
      // queue, and anything sent after them would wait four seconds, past the 3 s command timeout.
      List<Future<?>> waiting = new ArrayList<>();
      for (String ticket : issued) {
        waiting.add(pool.submit(() -> tickets.consume(ticket)));
      }
      Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> Redis.call(master.port(), c -> c.zcard("authstore:{tickets}:used")) == 4);

      assertThat(tickets.issue("bob").ticket()).isNotEmpty();
      assertThat(revocations.isRevoked("iss", "jti-1")).isFalse();
      for (Future<?> f : waiting) {
        assertThatThrownBy(f::get)
            .hasCauseInstanceOf(StoreUnavailableException.class)
            .hasMessageContaining("0 of 1 replicas");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void moreWaitingWritesThanPooledConnections_failAsUnavailable_neverWithAnotherException()
      throws Exception {
    connect(Duration.ofSeconds(1), Duration.ofMillis(900));
    replica.pause();
    int writers = 3 * RedisConnection.MAX_WAITING_WRITES;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      // Each write holds a pooled connection for the WAIT (up to 900 ms); a borrower waits at
      // most nine tenths of the 1 s command timeout, so the later writers cannot get one.
      Instant expires = Instant.now().plus(Duration.ofMinutes(5));
      List<Future<?>> writes = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        String jti = "jti-" + i;
        writes.add(pool.submit(() -> revocations.revoke("iss", jti, expires)));
      }
      int noConnection = 0;
      for (Future<?> f : writes) {
        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(f::get);
        assertThat(failure).hasCauseInstanceOf(StoreUnavailableException.class);
        if (failure.getCause().getMessage().contains("no connection in time for a write")) {
          noConnection++;
        }
      }
      assertThat(noConnection).as("writes that found no pooled connection").isPositive();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aWriteThatWaitsForAPooledConnectionAndThenForReplicas_failsWithinOneCommandTimeout()
      throws Exception {
    Duration commandTimeout = Duration.ofSeconds(2);
    connect(commandTimeout, Duration.ofMillis(1900));
    replica.pause();
    int writers = 2 * RedisConnection.MAX_WAITING_WRITES;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      // The second half waits about 1.9 s for a connection the first half holds through its
      // WAIT; were the wait for the connection, the write and the WAIT each given the whole
      // command timeout, they would fail after about 3.8 s.
      Instant expires = Instant.now().plus(Duration.ofMinutes(5));
      List<Future<Duration>> writes = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        String jti = "jti-" + i;
        writes.add(
            pool.submit(
                () -> {
                  long t0 = System.nanoTime();
                  assertThatThrownBy(() -> revocations.revoke("iss", jti, expires))
                      .isInstanceOf(StoreUnavailableException.class);
                  return Duration.ofNanos(System.nanoTime() - t0);
                }));
      }
      for (Future<Duration> f : writes) {
        assertThat(f.get()).isLessThanOrEqualTo(commandTimeout.plusMillis(500));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * A write that waited long for its pooled connection is not sent with no time left for its reply
   * (Redis could apply it and the caller see a timeout: a retried consume would then count as a
   * reuse). Every failure says which it was: not sent, nothing written; or written, and too few
   * replicas acknowledged (or their count came too late). The store agrees with each.
   */
  @Test
  void aWriteThatWaitedForItsConnection_isNotSentWithoutTimeForItsReply_andEachFailureSaysWhich()
      throws Exception {
    connect(Duration.ofSeconds(2), Duration.ofMillis(1950));
    replica.pause();
    int writers = 2 * RedisConnection.MAX_WAITING_WRITES;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    Map<String, String> failures = new ConcurrentHashMap<>();
    try {
      // The first half holds every pooled connection through a WAIT of 1.95 s; the second half's
      // wait for one ends at 1.8 s (nine tenths of the command timeout), before any is returned.
      Instant expires = Instant.now().plus(Duration.ofMinutes(5));
      List<Future<?>> writes = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        String jti = "jti-" + i;
        writes.add(
            pool.submit(
                () ->
                    failures.put(
                        jti,
                        catchThrowableOfType(
                                StoreUnavailableException.class,
                                () -> revocations.revoke("iss", jti, expires))
                            .getMessage())));
      }
      for (Future<?> f : writes) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
      replica.resume();
    }

    assertThat(failures).hasSize(writers);
    assertThat(failures.values())
        .as("some writes never got a connection in time")
        .anyMatch(m -> m.contains("nothing was written"))
        .as("some were written and waited for the replica")
        .anyMatch(m -> m.contains("was written, but"));
    failures.forEach(
        (jti, message) -> {
          boolean notSent = message.contains("nothing was written");
          boolean written = message.contains("was written, but");
          assertThat(notSent || written)
              .as("a failure that says whether the write was applied: %s", message)
              .isTrue();
          assertThat(revocations.isRevoked("iss", jti)).as(message).isEqualTo(!notSent);
        });
  }
}
