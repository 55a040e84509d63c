package io.authstore.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.authstore.StoreUnavailableException;
import io.authstore.revocation.RevocationOptions;
import io.authstore.revocation.RevocationStore;
import io.authstore.testkit.Redis;
import io.authstore.testkit.RedisCluster;
import io.authstore.testkit.RedisProcess;
import io.authstore.ticket.TicketOptions;
import io.authstore.ticket.TicketStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Redis Cluster: spread of revocation shards, and recovery after a master fails over. */
class RedisClusterIT {
  private static final String PREFIX = "clusterit:";
  private static RedisCluster cluster;

  @BeforeAll
  static void startCluster() {
    cluster = RedisCluster.start();
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  private static void flush() {
    for (RedisProcess node : cluster.all()) {
      if (node.isAlive()) {
        try {
          Redis.call(node.port(), c -> c.flushall());
        } catch (RuntimeException e) {
          // a replica refuses writes: its master's flush reaches it
        }
      }
    }
  }

  private static RedisBackend open() {
    flush();
    return openWithoutFlush(
        TicketOptions.builder().maxActive(10_000).maxActivePerSubject(10_000).build());
  }

  private static RedisBackend openWithoutFlush(TicketOptions ticketOptions) {
    return RedisBackend.open(
        RedisConnectionConfig.builder()
            .cluster(
                cluster.all().stream()
                    .map(p -> new RedisConnectionConfig.HostAndPort("127.0.0.1", p.port()))
                    .toList())
            .commandTimeout(Duration.ofSeconds(1))
            .keyPrefix(PREFIX)
            .build(),
        RevocationOptions.defaults(),
        ticketOptions,
        RedisBackend.FallbackPolicy.FAIL);
  }

  @Test
  void globalTicketCap_twoInstancesIssuingConcurrently_exactlyTheCapSucceeds() throws Exception {
    int cap = 200;
    flush();
    TicketOptions options = TicketOptions.builder().maxActive(cap).maxActivePerSubject(cap).build();
    try (RedisBackend a = openWithoutFlush(options);
        RedisBackend b = openWithoutFlush(options)) {
      java.util.concurrent.atomic.AtomicInteger issued =
          new java.util.concurrent.atomic.AtomicInteger();
      java.util.concurrent.atomic.AtomicInteger refused =
          new java.util.concurrent.atomic.AtomicInteger();
      java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
      java.util.List<Thread> threads = new java.util.ArrayList<>();
      for (int t = 0; t < 16; t++) {
        TicketStore store = (t % 2 == 0 ? a : b).ticketStore();
        int id = t;
        Thread thread =
            new Thread(
                () -> {
                  try {
                    start.await();
                    for (int i = 0; i < 50; i++) {
                      try {
                        store.issue("user-" + id + "-" + i);
                        issued.incrementAndGet();
                      } catch (io.authstore.CapacityExceededException e) {
                        refused.incrementAndGet();
                      }
                    }
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
        threads.add(thread);
        thread.start();
      }
      start.countDown();
      for (Thread thread : threads) {
        thread.join(120_000);
      }
      assertThat(issued.get()).isEqualTo(cap);
      assertThat(refused.get()).isEqualTo(16 * 50 - cap);
      assertThat(a.ticketStore().stats().active()).isEqualTo(cap);
    }
  }

  @Test
  void revocations_spreadOverEveryMaster() {
    try (RedisBackend backend = open()) {
      RevocationStore store = backend.revocationStore();
      for (int i = 0; i < 500; i++) {
        store.revoke("iss", "spread-" + i, Instant.now().plusSeconds(600));
      }
      for (RedisProcess master : cluster.masters()) {
        List<String> keys = Redis.call(master.port(), c -> c.keys(PREFIX + "rev:*"));
        assertThat(keys).as("revocation shards on master %d", master.port()).isNotEmpty();
      }
      for (int i = 0; i < 500; i++) {
        assertThat(store.isRevoked("iss", "spread-" + i)).isTrue();
      }
      assertThat(store.size()).isEqualTo(500);
    }
  }

  @Test
  void masterFailover_afterRecovery_noRedirectOrCrossSlotErrorReachesTheCaller() {
    try (RedisBackend backend = open()) {
      RevocationStore revocations = backend.revocationStore();
      TicketStore tickets = backend.ticketStore();
      for (int i = 0; i < 100; i++) {
        revocations.revoke("iss", "pre-" + i, Instant.now().plusSeconds(600));
      }
      // Fail over the master that holds the tickets' slot, and so some revocation shards too.
      int ticketSlot = io.lettuce.core.cluster.SlotHash.getSlot("tickets");
      RedisProcess victim = cluster.masters().get(ticketSlot * 3 / 16384);
      // Let every replica have the writes: a failover loses what was not replicated, which is
      // the durability option's subject, not this test's.
      for (RedisProcess master : cluster.masters()) {
        Redis.call(master.port(), c -> c.waitForReplication(1, 5_000));
      }
      victim.kill();
      cluster.awaitHealthy();

      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptionsInstanceOf(StoreUnavailableException.class)
          .untilAsserted(
              () -> {
                assertThat(tickets.consume(tickets.issue("alice").ticket()).isConsumed()).isTrue();
                for (int i = 0; i < 100; i++) {
                  assertThat(revocations.isRevoked("iss", "pre-" + i)).isTrue();
                }
              });
      // Recovered: from now on, every call of every kind succeeds.
      for (int i = 0; i < 300; i++) {
        revocations.revoke("iss", "post-" + i, Instant.now().plusSeconds(600));
        assertThat(revocations.isRevoked("iss", "post-" + i, "sub-" + i, Instant.now())).isTrue();
        assertThat(tickets.consume(tickets.issue("user-" + i).ticket()).isConsumed()).isTrue();
      }
      revocations.revokeSubject("iss", "bob", Instant.now());
      assertThat(revocations.size()).isEqualTo(400);
      // A ticket issued during the retries above may have lost its consume: count only ours.
      long activeBefore = tickets.stats().active();
      tickets.consume(tickets.issue("carol").ticket());
      assertThat(tickets.stats().active()).isEqualTo(activeBefore);
    } finally {
      for (RedisProcess node : cluster.all()) {
        if (!node.isAlive()) {
          node.restart(); // rejoins as a replica; leave the cluster whole for other tests
        }
      }
      cluster.awaitHealthy();
    }
  }
}
