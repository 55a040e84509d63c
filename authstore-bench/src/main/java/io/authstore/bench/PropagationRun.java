package io.authstore.bench;

import io.authstore.redis.RedisConnectionConfig;
import io.authstore.redis.ReplicaLoader;
import io.authstore.redis.ReplicatedRevocationStore;
import io.authstore.redis.ReplicationOptions;
import io.authstore.revocation.RevocationOptions;
import io.authstore.testkit.RedisProcess;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * Two measurements of the replicated revocation view on a real {@code redis-server} (test kit):
 *
 * <ol>
 *   <li><b>Propagation.</b> Instance A revokes 10,000 jtis one after another; for each, the time
 *       from A's acknowledged revoke to the moment instance B (its own connections, same Redis)
 *       answers {@code isRevoked} true, read by a thread spinning on B. Percentiles in µs.
 *   <li><b>Bootstrap.</b> 1,000,000 revocations loaded into Redis; the time from {@code connect} to
 *       a ready view, and the heap the view holds per entry (used heap after full GCs).
 * </ol>
 *
 * <pre>
 * ./mvnw -q -pl authstore-bench -am package -DskipTests
 * java -XX:+UseSerialGC -Xmx2g -cp authstore-bench/target/benchmarks.jar io.authstore.bench.PropagationRun
 * </pre>
 */
public final class PropagationRun {
  private static final int REVOCATIONS = 10_000;
  private static final String ISSUER = ReplicatedCheckBenchmark.ISSUER;

  private PropagationRun() {}

  public static void main(String[] args) throws Exception {
    try (RedisProcess redis = RedisProcess.start()) {
      propagation(redis);
    }
    try (RedisProcess redis = RedisProcess.start()) {
      bootstrap(redis);
    }
  }

  private static ReplicatedRevocationStore connect(RedisProcess redis) {
    ReplicatedRevocationStore store =
        ReplicatedRevocationStore.connect(
            RedisConnectionConfig.builder().standalone("127.0.0.1", redis.port()).build(),
            RevocationOptions.defaults(),
            ReplicationOptions.defaults());
    if (!store.awaitReady(Duration.ofMinutes(2))) {
      throw new IllegalStateException("not ready");
    }
    return store;
  }

  private static void propagation(RedisProcess redis) throws Exception {
    try (ReplicatedRevocationStore a = connect(redis);
        ReplicatedRevocationStore b = connect(redis)) {
      Instant exp = Instant.now().plus(Duration.ofHours(1));
      // Warm-up: JIT both paths before measuring.
      for (int i = 0; i < 2_000; i++) {
        a.revoke(ISSUER, "warm-" + i, exp);
        while (!b.isRevoked(ISSUER, "warm-" + i)) {
          Thread.onSpinWait();
        }
      }
      long[] micros = new long[REVOCATIONS];
      for (int i = 0; i < REVOCATIONS; i++) {
        String jti = "jti-" + i;
        a.revoke(ISSUER, jti, exp);
        long acked = System.nanoTime();
        while (!b.isRevoked(ISSUER, jti)) {
          Thread.onSpinWait();
        }
        micros[i] = Math.max(0, System.nanoTime() - acked) / 1_000;
      }
      Arrays.sort(micros);
      System.out.printf(
          "propagation over %d revocations (µs from A's ack to visible on B): p50=%d p90=%d p99=%d"
              + " p99.9=%d max=%d%n",
          REVOCATIONS,
          micros[REVOCATIONS / 2],
          micros[REVOCATIONS * 9 / 10],
          micros[REVOCATIONS * 99 / 100],
          micros[REVOCATIONS * 999 / 1000],
          micros[REVOCATIONS - 1]);
    }
  }

  private static void bootstrap(RedisProcess redis) throws Exception {
    long exp = Instant.now().plus(Duration.ofDays(1)).toEpochMilli();
    ReplicaLoader.load(redis.uri(), ISSUER, Jtis::revoked, Jtis.REVOKED, exp);
    // A first view, dropped, so that class loading and JIT are not in the timed one.
    connect(redis).close();
    long before = usedAfterGc();
    long start = System.nanoTime();
    ReplicatedRevocationStore store = connect(redis);
    long millis = (System.nanoTime() - start) / 1_000_000;
    long after = usedAfterGc();
    if (store.size() != Jtis.REVOKED || !store.isRevoked(ISSUER, Jtis.revoked(12345))) {
      throw new IllegalStateException("incomplete view: " + store.size());
    }
    System.out.printf(
        "bootstrap of %d revocations: %d ms to ready; view heap %.1f bytes/entry%n",
        Jtis.REVOKED, millis, (after - before) / (double) Jtis.REVOKED);
    store.close();
  }

  private static long usedAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
