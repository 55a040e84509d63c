package io.authstore.testkit;

import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A Redis Cluster of real processes: 3 masters with one replica each, formed with {@code CLUSTER
 * MEET}, {@code ADDSLOTS} and {@code REPLICATE} (no {@code redis-cli} needed). Node timeout is 2 s,
 * so a killed master is replaced by its replica within a few seconds.
 *
 * <p>Not thread-safe. {@link #close()} stops every node.
 */
public final class RedisCluster implements AutoCloseable {
  private static final int SLOTS = 16384;
  private static final Duration FORM_TIMEOUT = Duration.ofSeconds(60);

  private final List<RedisProcess> masters;
  private final List<RedisProcess> replicas;

  private RedisCluster(List<RedisProcess> masters, List<RedisProcess> replicas) {
    this.masters = masters;
    this.replicas = replicas;
  }

  /**
   * Starts and forms the cluster, returning once every node reports {@code cluster_state:ok} and
   * knows all six nodes.
   *
   * @return the running cluster
   */
  public static RedisCluster start() {
    List<RedisProcess> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < 6; i++) {
        nodes.add(
            RedisProcess.start(
                "--cluster-enabled",
                "yes",
                "--cluster-config-file",
                "nodes-" + i + "-" + System.nanoTime() + ".conf",
                "--cluster-node-timeout",
                "2000"));
      }
      RedisCluster cluster = new RedisCluster(nodes.subList(0, 3), nodes.subList(3, 6));
      cluster.form();
      return cluster;
    } catch (RuntimeException e) {
      nodes.forEach(RedisProcess::close);
      throw e;
    }
  }

  private void form() {
    List<RedisProcess> all = all();
    int first = all.get(0).port();
    for (RedisProcess node : all.subList(1, all.size())) {
      Redis.call(first, c -> c.clusterMeet("127.0.0.1", node.port()));
    }
    for (int i = 0; i < 3; i++) {
      int from = i * SLOTS / 3;
      int to = (i + 1) * SLOTS / 3;
      int[] slots = IntStream.range(from, to).toArray();
      Redis.call(masters.get(i).port(), c -> c.clusterAddSlots(slots));
    }
    await(() -> all.stream().allMatch(n -> knownNodes(n) == 6), "all nodes to meet");
    for (int i = 0; i < 3; i++) {
      String masterId = Redis.call(masters.get(i).port(), c -> c.clusterMyId());
      Redis.call(replicas.get(i).port(), c -> c.clusterReplicate(masterId));
    }
    await(
        () ->
            all.stream()
                .allMatch(
                    n -> Redis.call(n.port(), c -> c.clusterInfo()).contains("cluster_state:ok")),
        "cluster_state:ok on every node");
    await(
        () ->
            replicas.stream()
                .allMatch(
                    r ->
                        Redis.call(r.port(), c -> c.info("replication"))
                            .contains("master_link_status:up")),
        "every replica to sync");
  }

  private static long knownNodes(RedisProcess node) {
    return Redis.call(node.port(), c -> c.clusterNodes()).lines().filter(l -> !l.isBlank()).count();
  }

  /**
   * Waits until every node that runs agrees the cluster is healthy again, e.g. after a failover.
   */
  public void awaitHealthy() {
    await(
        () ->
            all().stream()
                .filter(RedisProcess::isAlive)
                .allMatch(
                    n ->
                        Redis.ping(n.port())
                            && Redis.call(n.port(), c -> c.clusterInfo())
                                .contains("cluster_state:ok")),
        "cluster_state:ok after a change");
  }

  /**
   * @return the three nodes started as masters (a failover may have demoted one)
   */
  public List<RedisProcess> masters() {
    return masters;
  }

  /**
   * @return the three nodes started as replicas, replica {@code i} of master {@code i}
   */
  public List<RedisProcess> replicas() {
    return replicas;
  }

  /**
   * @return every node, masters first
   */
  public List<RedisProcess> all() {
    List<RedisProcess> all = new ArrayList<>(masters);
    all.addAll(replicas);
    return all;
  }

  /**
   * @return seed URIs for a cluster client: every node
   */
  public List<RedisURI> seeds() {
    return all().stream().map(RedisProcess::redisUri).toList();
  }

  @Override
  public void close() {
    all().forEach(RedisProcess::close);
  }

  static void await(java.util.function.BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + FORM_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException e) {
        // a node may refuse while it changes role; ask again
      }
      RedisProcess.sleep(100);
    }
    throw new IllegalStateException("timed out waiting for " + what);
  }
}
