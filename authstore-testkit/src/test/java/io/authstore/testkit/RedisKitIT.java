package io.authstore.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RedisKitIT {

  @Test
  void standalone_startsAnswersAndStopsWithItsDirectory() {
    RedisProcess redis = RedisProcess.start();
    try (redis) {
      assertThat(Redis.<String>call(redis.port(), c -> c.set("k", "v"))).isEqualTo("OK");
      assertThat(Redis.<String>call(redis.port(), c -> c.get("k"))).isEqualTo("v");
    }
    assertThat(redis.isAlive()).isFalse();
    assertThat(redis.dir()).doesNotExist();
  }

  @Test
  void embeddedBinary_runsWhereNoRedisServerIsOnThePath() {
    String before = System.getProperty(RedisBinary.PROPERTY);
    System.setProperty(RedisBinary.PROPERTY, "embedded");
    try (RedisProcess redis = RedisProcess.start()) {
      assertThat(Redis.<String>call(redis.port(), c -> c.info("server")))
          .contains("redis_version:6.2");
    } finally {
      if (before == null) {
        System.clearProperty(RedisBinary.PROPERTY);
      } else {
        System.setProperty(RedisBinary.PROPERTY, before);
      }
    }
  }

  @Test
  void kill_thenRestart_keepsThePortAndLosesUnpersistedData() {
    try (RedisProcess redis = RedisProcess.start()) {
      int port = redis.port();
      Redis.call(port, c -> c.set("k", "v"));
      redis.kill();
      assertThat(Redis.ping(port)).isFalse();
      redis.restart();
      assertThat(redis.port()).isEqualTo(port);
      assertThat(Redis.<String>call(port, c -> c.get("k"))).isNull();
    }
  }

  @Test
  void restart_withAppendOnly_keepsData() {
    try (RedisProcess redis =
        RedisProcess.start("--appendonly", "yes", "--appendfsync", "always")) {
      Redis.call(redis.port(), c -> c.set("k", "v"));
      redis.kill();
      redis.restart();
      assertThat(Redis.<String>call(redis.port(), c -> c.get("k"))).isEqualTo("v");
    }
  }

  @Test
  void pause_stopsAnswering_andResumeAnswersAgain() {
    try (RedisProcess redis = RedisProcess.start()) {
      redis.pause();
      assertThat(Redis.ping(redis.port())).isFalse();
      redis.resume();
      assertThat(Redis.ping(redis.port())).isTrue();
    }
  }

  @Test
  void cluster_formsWithThreeMastersEachOwningSlotsAndAReplica() {
    try (RedisCluster cluster = RedisCluster.start()) {
      String nodes = Redis.call(cluster.masters().get(0).port(), c -> c.clusterNodes());
      assertThat(nodes.lines().filter(l -> l.contains("master"))).hasSize(3);
      assertThat(nodes.lines().filter(l -> l.contains("slave"))).hasSize(3);
      IntStream.range(0, 3)
          .forEach(
              i ->
                  assertThat(
                          Redis.<String>call(
                              cluster.replicas().get(i).port(), c -> c.info("replication")))
                      .contains("master_port:" + cluster.masters().get(i).port()));
    }
  }

  @Test
  void sentinelGroup_knowsTheMaster() {
    try (RedisSentinelGroup group = RedisSentinelGroup.start()) {
      int sentinel = group.sentinels().get(0).port();
      var address =
          Redis.call(
              sentinel,
              c ->
                  c.dispatch(
                      io.lettuce.core.protocol.CommandType.SENTINEL,
                      new io.lettuce.core.output.ValueListOutput<>(
                          io.lettuce.core.codec.StringCodec.UTF8),
                      new io.lettuce.core.protocol.CommandArgs<>(
                              io.lettuce.core.codec.StringCodec.UTF8)
                          .add("get-master-addr-by-name")
                          .add(RedisSentinelGroup.MASTER_NAME)));
      assertThat(address).containsExactly("127.0.0.1", Integer.toString(group.master().port()));
    }
  }
}
