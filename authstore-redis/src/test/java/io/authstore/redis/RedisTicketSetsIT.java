package io.authstore.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.authstore.testkit.MutableClock;
import io.authstore.testkit.Redis;
import io.authstore.testkit.RedisProcess;
import io.authstore.ticket.ConsumeResult.Outcome;
import io.authstore.ticket.TicketOptions;
import io.authstore.ticket.TicketStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link RedisTicketStore} keeps in its sorted sets: bounded without stats or purge calls, and
 * right when another instance's clock runs ahead.
 */
class RedisTicketSetsIT {
  private static final String ACTIVE = "authstore:{tickets}:active";
  private static final String USED = "authstore:{tickets}:used";
  private static final String ALICE = "authstore:{tickets}:subject:alice";

  private final MutableClock clock = MutableClock.create();
  private final List<RedisTicketStore> stores = new ArrayList<>();
  private RedisProcess redis;

  @BeforeEach
  void start() {
    redis = RedisProcess.start();
  }

  @AfterEach
  void stop() {
    stores.forEach(RedisTicketStore::close);
    redis.close();
  }

  private RedisTicketStore store(TicketOptions.Builder options) {
    RedisTicketStore store =
        RedisTicketStore.connect(
            RedisConnectionConfig.builder().standalone("127.0.0.1", redis.port()).build(),
            options.build());
    stores.add(store);
    return store;
  }

  private long size(String key) {
    return Redis.call(redis.port(), c -> c.zcard(key));
  }

  @Test
  void issue_every64th_dropsExpiredActiveAndUsedMembers_withoutStatsOrPurge() {
    RedisTicketStore store = store(TicketOptions.builder().clock(clock));
    List<String> shortLived = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      shortLived.add(store.issue("alice", Map.of(), Duration.ofMinutes(1)).ticket());
    }
    for (int i = 0; i < 5; i++) {
      store.consume(shortLived.get(i));
    }
    assertThat(size(ACTIVE)).isEqualTo(5);
    assertThat(size(USED)).isEqualTo(5);
    clock.advance(Duration.ofMinutes(2));

    for (int i = 0; i < 53; i++) {
      store.issue("alice");
    }
    assertThat(size(ACTIVE)).as("before the 64th issue").isEqualTo(58);
    assertThat(size(USED)).as("before the 64th issue").isEqualTo(5);
    assertThat(size(ALICE)).isEqualTo(58);
    store.issue("alice");

    assertThat(size(ACTIVE)).isEqualTo(54);
    assertThat(size(USED)).isZero();
    assertThat(size(ALICE)).isEqualTo(54);
    assertThat(store.stats()).isEqualTo(new TicketStats(54, 0, 64, 5, 0, 1000));
  }

  @Test
  void countsAndCaps_areExactWhileExpiredMembersAreStillInTheSets() {
    RedisTicketStore store = store(TicketOptions.builder().clock(clock).maxActive(3));
    String used = store.issue("alice", Map.of(), Duration.ofMinutes(1)).ticket();
    store.consume(used);
    store.issue("bob", Map.of(), Duration.ofMinutes(1));
    store.issue("carol", Map.of(), Duration.ofMinutes(10));
    store.issue("dave", Map.of(), Duration.ofMinutes(10));
    clock.advance(Duration.ofMinutes(1));

    // Nothing has trimmed the sets: the expired used and active members are still there.
    assertThat(size(ACTIVE)).isEqualTo(3);
    assertThat(size(USED)).isEqualTo(1);
    // The active set seems full: the issue counts the expired member out and is accepted.
    store.issue("erin", Map.of(), Duration.ofMinutes(10));
    assertThat(size(ACTIVE)).isEqualTo(3);
    assertThat(store.stats()).isEqualTo(new TicketStats(3, 0, 5, 1, 0, 3));
    assertThat(size(USED)).isZero();
  }

  @Test
  void subjectSet_atItsCap_isTrimmedOfTicketsExpiredPastTheSlack() {
    RedisTicketStore store = store(TicketOptions.builder().clock(clock).maxActivePerSubject(3));
    for (int i = 0; i < 3; i++) {
      store.issue("alice", Map.of(), Duration.ofMinutes(1));
    }
    // Within the slack the expired members stay (see the clock-ahead tests below); past it, not.
    clock.advance(Duration.ofMinutes(1).plusSeconds(1));

    store.issue("alice");

    assertThat(size(ALICE)).isEqualTo(1);
  }

  @Test
  void consume_ofATicketAnInstanceWithAClockAheadDropsFromTheSets_isStillConsumedExactlyOnce() {
    MutableClock ahead = MutableClock.create();
    ahead.advance(Duration.ofMinutes(2));
    RedisTicketStore store = store(TicketOptions.builder().clock(clock));
    RedisTicketStore aheadStore = store(TicketOptions.builder().clock(ahead));
    String ticket = store.issue("alice", Map.of(), Duration.ofMinutes(1)).ticket();
    assertThat(aheadStore.purgeExpired()).isEqualTo(1);
    assertThat(size(ACTIVE)).isZero();

    assertThat(store.consume(ticket).outcome()).isEqualTo(Outcome.CONSUMED);
    long pttl = Redis.call(redis.port(), c -> c.pttl(USED));
    assertThat(pttl).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1).toMillis() + 1000);
    assertThat(aheadStore.purgeExpired()).isEqualTo(1);
    assertThat(store.consume(ticket).outcome()).isEqualTo(Outcome.REUSED);
    assertThat(store.stats().totalConsumed()).isEqualTo(1);
    assertThat(store.stats().totalReuseAttempts()).isEqualTo(1);
  }

  @Test
  void revokeSubject_byAnInstanceWhoseClockIsAhead_alsoRevokesATicketStillAliveForOneBehind() {
    MutableClock ahead = MutableClock.create();
    ahead.set(clock.instant().plusMillis(300));
    RedisTicketStore store = store(TicketOptions.builder().clock(clock));
    RedisTicketStore aheadStore = store(TicketOptions.builder().clock(ahead));
    String ticket = store.issue("alice", Map.of(), Duration.ofMinutes(1)).ticket();
    // 100 ms before the expiry by the issuer's clock, 200 ms after it by the revoker's.
    clock.advance(Duration.ofMinutes(1).minusMillis(100));
    ahead.advance(Duration.ofMinutes(1).minusMillis(100));

    assertThat(aheadStore.revokeSubject("alice")).as("alive by the revoker's clock").isZero();

    assertThat(store.consume(ticket).outcome()).isEqualTo(Outcome.UNKNOWN_OR_EXPIRED);
    assertThat(size(ALICE)).isZero();
  }

  @Test
  void subjectCap_checkedByAnInstanceWhoseClockIsAhead_keepsTheIndexWholeForRevokeSubject() {
    MutableClock ahead = MutableClock.create();
    ahead.set(clock.instant().plusMillis(300));
    RedisTicketStore store = store(TicketOptions.builder().clock(clock).maxActivePerSubject(1));
    RedisTicketStore aheadStore =
        store(TicketOptions.builder().clock(ahead).maxActivePerSubject(1));
    String first = store.issue("alice", Map.of(), Duration.ofMinutes(1)).ticket();
    clock.advance(Duration.ofMinutes(1).minusMillis(100));
    ahead.advance(Duration.ofMinutes(1).minusMillis(100));

    // Expired by its clock, so not counted against the cap, but kept in the subject's index.
    String second = aheadStore.issue("alice").ticket();
    assertThat(size(ALICE)).isEqualTo(2);

    assertThat(store.revokeSubject("alice")).isEqualTo(2);
    assertThat(store.consume(first).outcome()).isEqualTo(Outcome.UNKNOWN_OR_EXPIRED);
    assertThat(store.consume(second).outcome()).isEqualTo(Outcome.UNKNOWN_OR_EXPIRED);
  }
}
