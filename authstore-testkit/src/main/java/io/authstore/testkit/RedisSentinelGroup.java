package io.authstore.testkit;

import io.lettuce.core.RedisURI;
import java.util.ArrayList;
import java.util.List;

/**
 * A master, one replica and three Sentinels watching them under the name {@value #MASTER_NAME}, all
 * real processes. Sentinels declare the master down after 1 s, so a killed master is replaced
 * within a few seconds.
 *
 * <p>Not thread-safe. {@link #close()} stops every process.
 */
public final class RedisSentinelGroup implements AutoCloseable {
  /** The name Sentinels know the master by. */
  public static final String MASTER_NAME = "authstore";

  private final RedisProcess master;
  private final RedisProcess replica;
  private final List<RedisProcess> sentinels;

  private RedisSentinelGroup(RedisProcess master, RedisProcess replica, List<RedisProcess> s) {
    this.master = master;
    this.replica = replica;
    this.sentinels = s;
  }

  /**
   * @return the running group, once the replica is in sync and every Sentinel knows the master
   */
  public static RedisSentinelGroup start() {
    List<RedisProcess> started = new ArrayList<>();
    try {
      RedisProcess master = RedisProcess.start();
      started.add(master);
      RedisProcess replica =
          RedisProcess.start("--replicaof", "127.0.0.1", Integer.toString(master.port()));
      started.add(replica);
      RedisCluster.await(
          () ->
              Redis.call(replica.port(), c -> c.info("replication"))
                  .contains("master_link_status:up"),
          "replica to sync");
      List<RedisProcess> sentinels = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        RedisProcess s =
            RedisProcess.start(
                List.of(
                    "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + master.port() + " 2",
                    "sentinel down-after-milliseconds " + MASTER_NAME + " 1000",
                    "sentinel failover-timeout " + MASTER_NAME + " 5000",
                    "sentinel parallel-syncs " + MASTER_NAME + " 1"),
                true);
        started.add(s);
        sentinels.add(s);
      }
      return new RedisSentinelGroup(master, replica, sentinels);
    } catch (RuntimeException e) {
      started.forEach(RedisProcess::close);
      throw e;
    }
  }

  /**
   * @return the process started as master
   */
  public RedisProcess master() {
    return master;
  }

  /**
   * @return the process started as replica
   */
  public RedisProcess replica() {
    return replica;
  }

  /**
   * @return the three Sentinels
   */
  public List<RedisProcess> sentinels() {
    return sentinels;
  }

  /**
   * @return a {@code redis-sentinel://} URI naming every Sentinel and the master name
   */
  public String uri() {
    StringBuilder sb = new StringBuilder("redis-sentinel://");
    for (int i = 0; i < sentinels.size(); i++) {
      sb.append(i == 0 ? "" : ",").append("127.0.0.1:").append(sentinels.get(i).port());
    }
    return sb.append("#").append(MASTER_NAME).toString();
  }

  /**
   * @return a Lettuce Sentinel URI for the group
   */
  public RedisURI redisUri() {
    return RedisURI.create(uri());
  }

  @Override
  public void close() {
    sentinels.forEach(RedisProcess::close);
    replica.close();
    master.close();
  }
}
