package io.authstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.authstore.StoreUnavailableException;
import io.authstore.revocation.RevocationOptions;
import io.authstore.testkit.MutableClock;
import io.authstore.testkit.Redis;
import io.authstore.testkit.RedisProcess;
import io.authstore.testkit.RedisSentinelGroup;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The replicated view across instances and through Redis failures: propagation, bootstrap under
 * concurrent writes, restarts with and without data, FLUSHALL, a trimmed feed, staleness policies
 * and local expiry. Every instance is a {@link ReplicatedRevocationStore} with its own connections
 * on a real {@code redis-server}.
 */
class ReplicationIT {
  private static final String ISS = "https://issuer.example";
  private static final Duration BOUND = Duration.ofSeconds(20);

  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    Exception first = null;
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private RedisProcess redis(String... args) {
    RedisProcess redis = RedisProcess.start(args);
    resources.add(redis);
    return redis;
  }

  private ReplicatedRevocationStore instance(
      RedisProcess redis, RevocationOptions options, ReplicationOptions replication) {
    return instance(
        RedisConnectionConfig.builder()
            .standalone("127.0.0.1", redis.port())
            .commandTimeout(Duration.ofSeconds(1))
            .build(),
        options,
        replication);
  }

  private ReplicatedRevocationStore instance(
      RedisConnectionConfig config, RevocationOptions options, ReplicationOptions replication) {
    ReplicatedRevocationStore store =
        ReplicatedRevocationStore.connect(config, options, replication);
    // Closed before the Redis processes (resources close in reverse order of creation).
    resources.add(store);
    assertThat(store.awaitReady(BOUND)).as("view ready").isTrue();
    return store;
  }

  private ReplicatedRevocationStore instance(RedisProcess redis) {
    return instance(redis, RevocationOptions.defaults(), ReplicationOptions.defaults());
  }

  private static ConditionFactory within() {
    return Awaitility.await()
        .atMost(BOUND)
        .pollInterval(Duration.ofMillis(20))
        .ignoreExceptionsInstanceOf(StoreUnavailableException.class);
  }

  private static Instant inAnHour() {
    return Instant.now().plus(Duration.ofHours(1));
  }

  @Test
  void revokeAcknowledgedOnA_isVisibleOnB() {
    RedisProcess redis = redis();
    ReplicatedRevocationStore a = instance(redis);
    ReplicatedRevocationStore b = instance(redis);

    a.revoke(ISS, "jti-1", inAnHour());
    a.revokeSubject(ISS, "alice", Instant.now());

    assertThat(a.isRevoked(ISS, "jti-1")).as("read your own write").isTrue();
    within().until(() -> b.isRevoked(ISS, "jti-1"));
    within()
        .until(
            () -> b.isRevoked(ISS, "other", "alice", Instant.now().minus(Duration.ofMinutes(1))));
    assertThat(b.isRevoked(ISS, "jti-2")).isFalse();
    assertThat(b.state()).isEqualTo(ReplicatedRevocationStore.State.READY);
  }

  @Test
  void bootstrapRacingConcurrentRevokes_missesNothing() throws Exception {
    RedisProcess redis = redis();
    ReplicatedRevocationStore writer = instance(redis);
    for (int i = 0; i < 20_000; i++) {
      writer.revoke(ISS, "pre-" + i, inAnHour());
    }
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger written = new AtomicInteger();
    Thread concurrent =
        new Thread(
            () -> {
              while (writing.get()) {
                writer.revoke(ISS, "during-" + written.get(), inAnHour());
                written.incrementAndGet();
              }
            });
    concurrent.start();
    List<ReplicatedRevocationStore> late = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      late.add(instance(redis)); // each bootstraps while revokes keep arriving
    }
    writing.set(false);
    concurrent.join();

    assertThat(written.get()).isPositive();
    for (ReplicatedRevocationStore store : late) {
      within()
          .untilAsserted(
              () -> {
                for (int i = 0; i < written.get(); i++) {
                  assertThat(store.isRevoked(ISS, "during-" + i)).as("during-%d", i).isTrue();
                }
              });
      for (int i = 0; i < 20_000; i++) {
        assertThat(store.isRevoked(ISS, "pre-" + i)).isTrue();
      }
      assertThat(store.size()).isEqualTo(20_000L + written.get());
    }
  }

  @Test
  void redisKilledAndRestartedWithItsData_everyRevocationIsEnforcedAgain() {
    RedisProcess redis = redis("--appendonly", "yes", "--appendfsync", "always");
    ReplicatedRevocationStore a = instance(redis);
    ReplicatedRevocationStore b = instance(redis);
    a.revoke(ISS, "before", inAnHour());
    within().until(() -> b.isRevoked(ISS, "before"));

    redis.kill();
    redis.restart();

    within().until(() -> a.isRevoked(ISS, "before") && b.isRevoked(ISS, "before"));
    within().untilAsserted(() -> a.revoke(ISS, "after", inAnHour()));
    within().until(() -> b.isRevoked(ISS, "after"));
    ReplicatedRevocationStore fresh = instance(redis);
    assertThat(fresh.isRevoked(ISS, "before")).isTrue();
    assertThat(fresh.isRevoked(ISS, "after")).isTrue();
  }

  @Test
  void redisRestartedEmpty_instancesWriteTheirEntriesBack_andAFreshInstanceSeesThemAll() {
    RedisProcess redis = redis();
    ReplicatedRevocationStore a = instance(redis);
    ReplicatedRevocationStore b = instance(redis);
    for (int i = 0; i < 500; i++) {
      a.revoke(ISS, "jti-" + i, inAnHour());
    }
    a.revokeSubject(ISS, "alice", Instant.now());
    within().until(() -> b.size() == 500);

    redis.kill();
    redis.restart(); // no persistence: empty

    within()
        .until(
            () ->
                Redis.<Long>call(redis.port(), c -> c.zcard("authstore:{revocations}:jti")) == 500);
    ReplicatedRevocationStore fresh = instance(redis);
    for (int i = 0; i < 500; i++) {
      assertThat(fresh.isRevoked(ISS, "jti-" + i)).isTrue();
      assertThat(b.isRevoked(ISS, "jti-" + i)).isTrue();
    }
    within().until(() -> fresh.isRevoked(ISS, "x", "alice", Instant.now().minusSeconds(60)));
  }

  @Test
  void flushAll_instancesWriteTheirEntriesBack_andNewRevocationsStillPropagate() {
    RedisProcess redis = redis();
    ReplicatedRevocationStore a = instance(redis);
    ReplicatedRevocationStore b = instance(redis);
    a.revoke(ISS, "before-flush", inAnHour());
    within().until(() -> b.isRevoked(ISS, "before-flush"));

    Redis.call(redis.port(), c -> c.flushall());
    // Written at once, while b is most likely blocked reading the feed: b must still see that
    // Redis lost data (the sequence starts again) and write its entries back.
    a.revoke(ISS, "right-after-flush", inAnHour());

    within()
        .until(
            () ->
                Redis.<Double>call(
                        redis.port(),
                        c ->
                            c.zscore(
                                "authstore:{revocations}:jti",
                                ReplicatedRevocationStore.jtiMember(ISS, "before-flush")))
                    != null);
    a.revoke(ISS, "after-flush", inAnHour());
    within().until(() -> b.isRevoked(ISS, "after-flush"));
    assertThat(instance(redis).isRevoked(ISS, "before-flush")).isTrue();
    // The layout marker is written back with the entries: a direct-mode store is refused again.
    within()
        .until(
            () ->
                "replicated"
                    .equals(
                        Redis.<String>call(
                            redis.port(), c -> c.get("authstore:revocation-layout"))));
    org.assertj.core.api.Assertions.assertThatIllegalStateException()
        .isThrownBy(
            () ->
                RedisRevocationStore.connect(
                    RedisConnectionConfig.builder().standalone("127.0.0.1", redis.port()).build(),
                    RevocationOptions.defaults()));
  }

  @Test
  void feedTrimmedPastAFollowersPosition_isDetectedAndHealedByAResync() {
    RedisProcess redis = redis();
    List<ReplicaListener.ResyncReason> resyncs = new java.util.concurrent.CopyOnWriteArrayList<>();
    ReplicaListener listener =
        new ReplicaListener() {
          @Override
          public void resynced(ResyncReason reason, long entries) {
            resyncs.add(reason);
          }
        };
    ReplicatedRevocationStore a = instance(redis);
    ReplicatedRevocationStore b =
        instance(
            redis,
            RevocationOptions.defaults(),
            ReplicationOptions.builder().listener(listener).build());
    a.revoke(ISS, "seen", inAnHour());
    within().until(() -> b.isRevoked(ISS, "seen"));

    // A revocation whose change record is trimmed before b reads it: written to the set, its
    // record dropped, then the feed moves on past b's position.
    Redis.call(
        redis.port(),
        c -> {
          c.zadd(
              "authstore:{revocations}:jti",
              (double) inAnHour().toEpochMilli(),
              ReplicatedRevocationStore.jtiMember(ISS, "trimmed"));
          c.incr("authstore:{revocations}:seq"); // the write's number, as the script takes it
          return c.xtrim("authstore:{revocations}:log", 0);
        });
    a.revoke(ISS, "after-trim", inAnHour());

    within().until(() -> b.isRevoked(ISS, "trimmed") && b.isRevoked(ISS, "after-trim"));
    assertThat(resyncs).contains(ReplicaListener.ResyncReason.FEED_GAP);
  }

  @Test
  void failClosed_checksFailOnceCutOffPastTheBound_andRecover() {
    RedisProcess redis = redis();
    ReplicatedRevocationStore store =
        instance(
            redis,
            RevocationOptions.defaults(),
            ReplicationOptions.builder().maxStaleness(Duration.ofMillis(500)).build());
    store.revoke(ISS, "jti", inAnHour());
    redis.pause();
    try {
      Awaitility.await()
          .atMost(BOUND)
          .until(() -> store.state() == ReplicatedRevocationStore.State.STALE);
      assertThatThrownBy(() -> store.isRevoked(ISS, "jti"))
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("STALE");
    } finally {
      redis.resume();
    }
    within().until(() -> store.isRevoked(ISS, "jti"));
    assertThat(store.state()).isEqualTo(ReplicatedRevocationStore.State.READY);
  }

  @Test
  void serveStale_keepsAnsweringWhileCutOff_andReportsDegraded() {
    RedisProcess redis = redis();
    ReplicatedRevocationStore store =
        instance(
            redis,
            RevocationOptions.defaults(),
            ReplicationOptions.builder()
                .maxStaleness(Duration.ofMillis(500))
                .policy(ReplicationOptions.StalenessPolicy.SERVE_STALE)
                .build());
    store.revoke(ISS, "jti", inAnHour());
    redis.kill();
    Awaitility.await()
        .atMost(BOUND)
        .until(() -> store.state() == ReplicatedRevocationStore.State.STALE);
    assertThat(store.isRevoked(ISS, "jti")).isTrue();
    assertThat(store.isRevoked(ISS, "other")).isFalse();
    assertThat(store.staleness()).isGreaterThan(Duration.ofMillis(500));
  }

  @Test
  void entriesVanishLocallyAtTheirExpiry_andTheirMemoryIsReclaimed() {
    RedisProcess redis = redis();
    MutableClock clock = MutableClock.create();
    RevocationOptions options = RevocationOptions.builder().clock(clock).build();
    ReplicatedRevocationStore a = instance(redis, options, ReplicationOptions.defaults());
    ReplicatedRevocationStore b = instance(redis, options, ReplicationOptions.defaults());
    for (int i = 0; i < 1000; i++) {
      a.revoke(ISS, "jti-" + i, clock.instant().plus(Duration.ofMinutes(10)));
    }
    within().until(() -> b.size() == 1000);

    clock.advance(Duration.ofMinutes(10));

    assertThat(b.isRevoked(ISS, "jti-0")).isFalse();
    assertThat(b.isRevoked(ISS, "jti-999")).isFalse();
    assertThat(b.purgeExpired()).isEqualTo(1000);
    assertThat(b.size()).isZero();
  }

  @Test
  void sentinel_revokeOnAIsVisibleOnB() {
    RedisSentinelGroup group = RedisSentinelGroup.start();
    resources.add(group);
    RedisConnectionConfig config = RedisConnectionConfig.fromUri(group.uri()).build();
    ReplicatedRevocationStore a =
        instance(config, RevocationOptions.defaults(), ReplicationOptions.defaults());
    ReplicatedRevocationStore b =
        instance(config, RevocationOptions.defaults(), ReplicationOptions.defaults());
    a.revoke(ISS, "via-sentinel", inAnHour());
    within().until(() -> b.isRevoked(ISS, "via-sentinel"));
  }
}
