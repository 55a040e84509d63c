package io.authstore.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.authstore.revocation.RevocationOptions;
import io.authstore.revocation.RevocationStore;
import io.authstore.testkit.MutableClock;
import io.authstore.testkit.RedisProcess;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Instances whose clocks differ by less than the TTL slack ({@link
 * RedisConnection#TTL_SLACK_MILLIS}) agree on what is revoked: the instance whose clock runs ahead
 * does not drop, while writing or purging, an entry that the one behind still holds alive.
 */
class RedisClockSkewIT {
  private static final Duration LIFETIME = Duration.ofHours(1);

  /** How far the writer's clock runs ahead: within the slack. */
  private static final Duration AHEAD = Duration.ofMillis(800);

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final Instant start = Instant.parse("2026-12-03T12:00:00Z");
  private final MutableClock behind = MutableClock.at(start);
  private final MutableClock ahead = MutableClock.at(start.plus(AHEAD));

  @AfterEach
  void closeAll() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private RedisConnectionConfig redis() {
    RedisProcess redis = RedisProcess.start();
    resources.add(redis);
    return RedisConnectionConfig.builder().standalone("127.0.0.1", redis.port()).build();
  }

  private RedisRevocationStore direct(RedisConnectionConfig config, MutableClock clock) {
    RedisRevocationStore store =
        new RedisRevocationStore(RedisConnection.open(config), true, options(clock));
    resources.add(store);
    return store;
  }

  private ReplicatedRevocationStore replicated(RedisConnectionConfig config, MutableClock clock) {
    ReplicatedRevocationStore store =
        ReplicatedRevocationStore.connect(config, options(clock), ReplicationOptions.defaults());
    resources.add(store);
    assertThat(store.awaitReady(Duration.ofSeconds(30))).as("view ready").isTrue();
    return store;
  }

  private static RevocationOptions options(MutableClock clock) {
    return RevocationOptions.builder().clock(clock).maxTokenLifetime(LIFETIME).build();
  }

  /**
   * A jti or subject other than {@code name} (issuer "") whose entry lives in the same shard:
   * writes trim their own shard only.
   */
  private static String sameShardAs(String name) {
    int shard = RedisRevocationStore.shard("0:" + name);
    for (int i = 0; ; i++) {
      String other = "other-" + i;
      if (RedisRevocationStore.shard("0:" + other) == shard) {
        return other;
      }
    }
  }

  @Test
  void direct_aWriteByTheInstanceAhead_keepsWhatTheInstanceBehindStillHoldsRevoked() {
    RedisConnectionConfig config = redis();
    RevocationStore behindStore = direct(config, behind);
    RevocationStore aheadStore = direct(config, ahead);
    // Alive for 500 ms more by the clock behind; already expired by the one ahead.
    Instant exp = start.plusMillis(500);
    behindStore.revoke("", "j1", exp);
    Instant notBefore = start.plusMillis(500).minus(LIFETIME);
    behindStore.revokeSubject("", "alice", notBefore);
    Instant issuedBefore = notBefore.minusSeconds(1);
    assertThat(behindStore.isRevoked("", "j1")).isTrue();

    aheadStore.revoke("", sameShardAs("j1"), start.plus(LIFETIME));
    aheadStore.revokeSubject("", sameShardAs("alice"), start);
    assertThat(behindStore.isRevoked("", "j1")).as("after a write ahead").isTrue();
    assertThat(behindStore.isRevoked("", "j0", "alice", issuedBefore))
        .as("subject after a write ahead")
        .isTrue();

    // Past the entry's expiry by either clock, it is gone for both.
    behind.advance(Duration.ofMillis(501));
    assertThat(behindStore.isRevoked("", "j1")).isFalse();
  }

  @Test
  void replicated_aViewStartedBehind_afterAWriteAhead_stillHoldsTheEntry() {
    RedisConnectionConfig config = redis();
    ReplicatedRevocationStore writerBehind = replicated(config, behind);
    ReplicatedRevocationStore writerAhead = replicated(config, ahead);
    writerBehind.revoke("", "j1", start.plusMillis(500));

    writerAhead.revoke("", "j2", start.plus(LIFETIME));
    ReplicatedRevocationStore late = replicated(config, MutableClock.at(start));

    assertThat(late.isRevoked("", "j1")).isTrue();
    assertThat(late.isRevoked("", "j2")).isTrue();
  }
}
