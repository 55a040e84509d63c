package io.authstore.redis;

import io.authstore.testkit.Redis;
import io.authstore.testkit.RedisBinary;
import io.authstore.testkit.RedisCluster;
import io.authstore.testkit.RedisProcess;
import java.time.Duration;
import java.util.List;

/**
 * One standalone Redis and one Cluster per test JVM, each with one shared connection, for the
 * contract runs: starting a cluster per test class would dominate the suite's time. {@link #flush}
 * empties a target before each store is created, as the contracts require. The test kit stops the
 * processes when the JVM exits.
 */
enum SharedRedis {
  /** A standalone server: {@code redis-server} from the PATH when there is one. */
  STANDALONE,
  /**
   * A standalone server run from the binary shipped in {@code embedded-redis} (Redis 6.2), what a
   * machine without {@code redis-server} on its PATH gets: the oldest Redis authstore supports.
   */
  EMBEDDED,
  /** A 3-master, 3-replica Cluster. */
  CLUSTER;

  private RedisProcess process;
  private RedisCluster cluster;
  private RedisConnection connection;
  private RedisConnectionConfig config;

  synchronized RedisConnection connection() {
    if (connection == null) {
      RedisConnectionConfig.Builder config =
          RedisConnectionConfig.builder().commandTimeout(Duration.ofSeconds(5));
      if (this != CLUSTER) {
        process =
            this == STANDALONE
                ? RedisProcess.start()
                : RedisProcess.start(RedisBinary.embedded(), List.of());
        config.standalone("127.0.0.1", process.port());
      } else {
        cluster = RedisCluster.start();
        config.cluster(
            cluster.all().stream()
                .map(p -> new RedisConnectionConfig.HostAndPort("127.0.0.1", p.port()))
                .toList());
      }
      this.config = config.build();
      connection = RedisConnection.open(this.config);
    }
    return connection;
  }

  /** How to reach this target, for stores that open their own connections. */
  synchronized RedisConnectionConfig config() {
    connection();
    return config;
  }

  /** Deletes every key: on Cluster, on every master. */
  synchronized void flush() {
    connection();
    if (this != CLUSTER) {
      Redis.call(process.port(), c -> c.flushall());
    } else {
      for (RedisProcess master : cluster.masters()) {
        Redis.call(master.port(), c -> c.flushall());
      }
    }
  }
}
