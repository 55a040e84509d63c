package io.authstore.redis;

import io.authstore.testkit.Redis;
import io.authstore.testkit.RedisCluster;
import io.authstore.testkit.RedisProcess;
import java.time.Duration;

/**
 * One standalone Redis and one Cluster per test JVM, each with one shared connection, for the
 * contract runs: starting a cluster per test class would dominate the suite's time. {@link #flush}
 * empties a target before each store is created, as the contracts require. The test kit stops the
 * processes when the JVM exits.
 */
enum SharedRedis {
  STANDALONE,
  CLUSTER;

  private RedisProcess process;
  private RedisCluster cluster;
  private RedisConnection connection;

  synchronized RedisConnection connection() {
    if (connection == null) {
      RedisConnectionConfig.Builder config =
          RedisConnectionConfig.builder().commandTimeout(Duration.ofSeconds(5));
      if (this == STANDALONE) {
        process = RedisProcess.start();
        config.standalone("127.0.0.1", process.port());
      } else {
        cluster = RedisCluster.start();
        config.cluster(
            cluster.all().stream()
                .map(p -> new RedisConnectionConfig.HostAndPort("127.0.0.1", p.port()))
                .toList());
      }
      connection = RedisConnection.open(config.build());
    }
    return connection;
  }

  /** Deletes every key: on Cluster, on every master. */
  synchronized void flush() {
    connection();
    if (this == STANDALONE) {
      Redis.call(process.port(), c -> c.flushall());
    } else {
      for (RedisProcess master : cluster.masters()) {
        Redis.call(master.port(), c -> c.flushall());
      }
    }
  }
}
