package io.authstore.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.authstore.revocation.RevocationOptions;
import io.authstore.revocation.RevocationStore;
import io.authstore.testkit.MutableClock;
import io.authstore.testkit.Redis;
import io.authstore.testkit.RedisProcess;
import io.authstore.ticket.IssuedTicket;
import io.authstore.ticket.TicketOptions;
import io.authstore.ticket.TicketStore;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Walks every key written and checks TTLs and that no ticket is stored anywhere. */
class RedisKeyspaceIT {

  @Test
  void everyKey_hasATtlWithinItsEntriesLife_andNoKeyOrValueContainsATicket() {
    MutableClock clock = MutableClock.create();
    // Redis counts TTLs down in real time while the test's clock stands still.
    long realStart = System.nanoTime();
    try (RedisProcess redis = RedisProcess.start();
        RedisBackend backend =
            RedisBackend.open(
                RedisConnectionConfig.builder().standalone("127.0.0.1", redis.port()).build(),
                RevocationOptions.builder()
                    .clock(clock)
                    .maxTokenLifetime(Duration.ofHours(1))
                    .build(),
                TicketOptions.builder().clock(clock).build(),
                RedisBackend.FallbackPolicy.FAIL)) {
      backend.claimRevocationLayout();
      RevocationStore revocations = backend.revocationStore();
      TicketStore tickets = backend.ticketStore();
      for (int i = 0; i < 200; i++) {
        revocations.revoke("iss", "jti-" + i, clock.instant().plus(Duration.ofMinutes(1 + i % 30)));
      }
      revocations.revokeSubject("iss", "alice", clock.instant());
      List<String> issued = new ArrayList<>();
      // Per subject, the latest expiry of any ticket issued to it (its record lives that long, as
      // a tombstone once consumed).
      Map<String, Long> longestIssued = new HashMap<>();
      for (int i = 0; i < 50; i++) {
        String subject = "user-" + (i % 5);
        IssuedTicket t =
            tickets.issue(subject, Map.of("role", "viewer"), Duration.ofMinutes(1 + i % 20));
        issued.add(t.ticket());
        longestIssued.merge(subject, t.expiresAt().toEpochMilli(), Math::max);
      }
      for (int i = 0; i < 25; i++) {
        tickets.consume(issued.get(i));
      }
      // The longest-lived ticket of a subject, and of all, consumed while a shorter one stays.
      for (Duration ttl : List.of(Duration.ofMinutes(2), Duration.ofMinutes(30))) {
        IssuedTicket t = tickets.issue("longest", Map.of(), ttl);
        issued.add(t.ticket());
        longestIssued.merge("longest", t.expiresAt().toEpochMilli(), Math::max);
      }
      tickets.consume(issued.get(issued.size() - 1));
      long longestOfAll =
          longestIssued.values().stream().mapToLong(Long::longValue).max().orElseThrow();

      // Longest remaining life of anything written: revocations up to 30 min, the subject marker
      // notBefore + 1 h, tickets up to 30 min.
      long longestLifeMillis = Duration.ofHours(1).toMillis();
      List<String> keys = allKeys(redis.port());
      assertThat(keys).isNotEmpty();
      for (String key : keys) {
        long pttl = Redis.call(redis.port(), c -> c.pttl(key));
        if (key.endsWith("{tickets}:totals")) {
          assertThat(pttl).as("the totals counter has no TTL").isEqualTo(-1);
          continue;
        }
        if (key.equals("authstore:revocation-layout")) {
          assertThat(pttl).as("the layout marker has no TTL").isEqualTo(-1);
          String layout = Redis.call(redis.port(), c -> c.get(key));
          assertThat(layout).isEqualTo("direct");
          continue;
        }
        assertThat(pttl).as("TTL of %s", key).isPositive();
        assertThat(pttl).as("TTL of %s", key).isLessThanOrEqualTo(longestLifeMillis + 1000);
        String dump = Redis.call(redis.port(), c -> describe(c, key));
        for (String ticket : issued) {
          assertThat(key).doesNotContain(ticket);
          assertThat(dump).doesNotContain(ticket);
        }
      }
      // Per-entry bounds: each ticket record, active or tombstone, lives its ticket's remaining
      // life plus the slack. A ticket set outlives its longest-lived member, and lives no longer
      // than the slack past the longest-lived record it has indexed: the active and subject sets
      // keep the TTL of a longer-lived ticket that was consumed, as long as its tombstone (see
      // RedisTicketStore).
      int records = 0;
      for (String key : keys) {
        if (key.contains("{tickets}:ticket:")) {
          records++;
          long pttl = Redis.call(redis.port(), c -> c.pttl(key));
          long expiresAt = RedisTicketStore.expiresAt(Redis.call(redis.port(), c -> c.get(key)));
          assertThat(pttl).isLessThanOrEqualTo(expiresAt - clock.millis() + 1000);
        }
        if (key.contains("{tickets}:active")
            || key.contains("{tickets}:used")
            || key.contains("{tickets}:subject:")) {
          long pttl = Redis.call(redis.port(), c -> c.pttl(key));
          long longest =
              Redis.call(redis.port(), c -> c.zrangeWithScores(key, 0, -1)).stream()
                  .mapToLong(m -> (long) Math.abs(m.getScore()))
                  .max()
                  .orElseThrow();
          long indexedUntil =
              key.contains("{tickets}:subject:")
                  ? longestIssued.get(key.substring(key.lastIndexOf(':') + 1))
                  : key.contains("{tickets}:active") ? longestOfAll : longest;
          assertThat(pttl)
              .as("TTL of %s", key)
              .isLessThanOrEqualTo(indexedUntil - clock.millis() + 1000);
          long realElapsed = (System.nanoTime() - realStart) / 1_000_000;
          assertThat(pttl)
              .as("TTL of %s", key)
              .isGreaterThan(longest - clock.millis() - realElapsed);
        }
        if (key.contains("rev:{")) {
          long pttl = Redis.call(redis.port(), c -> c.pttl(key));
          double maxExp =
              Redis.call(redis.port(), c -> c.zrangeWithScores(key, -1, -1)).get(0).getScore();
          assertThat(pttl).isLessThanOrEqualTo((long) maxExp - clock.millis() + 1000);
        }
      }
      assertThat(records).isEqualTo(52);
    }
  }

  private static List<String> allKeys(int port) {
    return Redis.call(
        port,
        c -> {
          List<String> keys = new ArrayList<>();
          ScanIterator.scan(c, ScanArgs.Builder.limit(100)).forEachRemaining(keys::add);
          return keys;
        });
  }

  private static String describe(
      io.lettuce.core.api.sync.RedisCommands<String, String> c, String key) {
    return switch (c.type(key)) {
      case "hash" -> c.hgetall(key).toString();
      case "zset" -> c.zrangeWithScores(key, 0, -1).toString();
      case "string" -> c.get(key);
      default -> c.type(key);
    };
  }
}
