package io.authstore.bench;

import io.authstore.redis.RedisConnectionConfig;
import io.authstore.redis.ReplicaLoader;
import io.authstore.redis.ReplicatedRevocationStore;
import io.authstore.redis.ReplicationOptions;
import io.authstore.revocation.InMemoryRevocationStore;
import io.authstore.revocation.RevocationOptions;
import io.authstore.testkit.RedisProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.redisson.Redisson;
import org.redisson.api.RSetCache;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * One revocation check in Redis mode, with the same fresh probes as {@link
 * RevocationCheckBenchmark}: the replicated store's local view against the in-memory store (its
 * ceiling), a Lettuce {@code GET} per check (the source design) and Redisson's {@code
 * RSetCache.contains}, all on a real {@code redis-server} started by the test kit.
 *
 * <p>The local stores hold the 1,000,000 revoked jtis (the replicated one bootstraps them from
 * Redis). The remote peers hold only the revoked jtis the probe pool uses: a remote lookup costs a
 * round trip whatever the set's size.
 *
 * <pre>
 * ./mvnw -q -pl authstore-bench -am package -DskipTests
 * java -jar authstore-bench/target/benchmarks.jar 'ReplicatedCheckBenchmark' -p hitRate=0.01 \
 *     -f 2 -wi 3 -w 2s -i 5 -r 2s
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ReplicatedCheckBenchmark {
  static final String ISSUER = "https://issuer.example";

  /** The store under test. */
  @State(Scope.Benchmark)
  public static class Target {
    @Param({"inMemory", "replicated", "redisGet", "redissonSetCache"})
    String impl;

    RedisProcess redis;
    Predicate<String> check;
    AutoCloseable resource;

    @Setup(Level.Trial)
    public void start(RevocationCheckBenchmark.Probes probes) throws Exception {
      long exp = Instant.now().plus(Duration.ofDays(1)).toEpochMilli();
      switch (impl) {
        case "inMemory" -> {
          InMemoryRevocationStore store = InMemoryRevocationStore.create();
          for (int i = 0; i < Jtis.REVOKED; i++) {
            store.revoke(ISSUER, Jtis.revoked(i), Instant.ofEpochMilli(exp));
          }
          check = jti -> store.isRevoked(ISSUER, jti);
          resource = store;
        }
        case "replicated" -> {
          redis = RedisProcess.start();
          ReplicaLoader.load(redis.uri(), ISSUER, Jtis::revoked, Jtis.REVOKED, exp);
          ReplicatedRevocationStore store =
              ReplicatedRevocationStore.connect(
                  RedisConnectionConfig.builder().standalone("127.0.0.1", redis.port()).build(),
                  RevocationOptions.defaults(),
                  ReplicationOptions.defaults());
          if (!store.awaitReady(Duration.ofMinutes(2))) {
            throw new IllegalStateException("view not ready: " + store.state());
          }
          check = jti -> store.isRevoked(ISSUER, jti);
          resource = store;
        }
        case "redisGet" -> {
          redis = RedisProcess.start();
          RedisClient client = RedisClient.create(redis.uri());
          StatefulRedisConnection<String, String> connection = client.connect();
          RedisCommands<String, String> sync = connection.sync();
          Map<String, String> batch = new HashMap<>();
          for (int k = 0; k < RevocationCheckBenchmark.POOL; k++) {
            if (probes.hit[k]) {
              batch.put("rev:" + probes.probe(k), Long.toString(exp));
            }
            if (batch.size() == 1000
                || (k == RevocationCheckBenchmark.POOL - 1 && !batch.isEmpty())) {
              sync.mset(batch);
              batch.clear();
            }
          }
          check =
              jti -> {
                String v = sync.get("rev:" + jti);
                return v != null && Long.parseLong(v) > System.currentTimeMillis();
              };
          resource =
              () -> {
                connection.close();
                client.shutdown();
              };
        }
        case "redissonSetCache" -> {
          redis = RedisProcess.start();
          Config config = new Config();
          config.useSingleServer().setAddress(redis.uri());
          RedissonClient redisson = Redisson.create(config);
          RSetCache<String> set = redisson.getSetCache("revoked");
          for (int k = 0; k < RevocationCheckBenchmark.POOL; k++) {
            if (probes.hit[k]) {
              set.add(probes.probe(k), 1, TimeUnit.DAYS);
            }
          }
          check = set::contains;
          resource = redisson::shutdown;
        }
        default -> throw new IllegalArgumentException(impl);
      }
      for (int k = 0; k < 1000; k++) {
        if (check.test(probes.probe(k)) != probes.hit[k]) {
          throw new IllegalStateException(impl + " answers wrongly for probe " + k);
        }
      }
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
      resource.close();
      if (redis != null) {
        redis.close();
      }
    }
  }

  /** One check of a fresh probe. */
  @Benchmark
  @Threads(1)
  public boolean isRevoked(
      Target target,
      RevocationCheckBenchmark.Probes probes,
      RevocationCheckBenchmark.Cursor cursor) {
    return target.check.test(probes.probe(cursor.next++));
  }
}
