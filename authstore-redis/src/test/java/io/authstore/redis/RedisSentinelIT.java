package io.authstore.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.authstore.StoreUnavailableException;
import io.authstore.revocation.RevocationOptions;
import io.authstore.testkit.Redis;
import io.authstore.testkit.RedisSentinelGroup;
import io.authstore.ticket.TicketOptions;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.ValueListOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Sentinel: a killed master is replaced, and the same stores follow it. */
class RedisSentinelIT {

  @Test
  void masterKilled_operationsSucceedAgainWithinFailoverTimePlusTwoSeconds() {
    try (RedisSentinelGroup group = RedisSentinelGroup.start();
        RedisBackend backend =
            RedisBackend.open(
                RedisConnectionConfig.fromUri(group.uri())
                    .commandTimeout(Duration.ofSeconds(1))
                    .build(),
                RevocationOptions.defaults(),
                TicketOptions.defaults(),
                RedisBackend.FallbackPolicy.FAIL)) {
      backend.revocationStore().revoke("iss", "before", Instant.now().plusSeconds(600));
      assertThat(backend.revocationStore().isRevoked("iss", "before")).isTrue();
      // Let the replica catch up so the failover keeps the revocation.
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  Redis.<Boolean>call(
                      group.replica().port(), c -> c.zcard(someRevocationKey(c)) > 0));

      group.master().kill();
      int sentinel = group.sentinels().get(0).port();
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> masterPort(sentinel) == group.replica().port());
      long failedOver = System.nanoTime();

      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(50))
          .ignoreExceptionsInstanceOf(StoreUnavailableException.class)
          .until(() -> backend.revocationStore().isRevoked("iss", "before"));
      Duration afterFailover = Duration.ofNanos(System.nanoTime() - failedOver);
      assertThat(afterFailover).isLessThanOrEqualTo(Duration.ofSeconds(2));

      backend.revocationStore().revoke("iss", "after", Instant.now().plusSeconds(600));
      assertThat(backend.revocationStore().isRevoked("iss", "after")).isTrue();
      var tickets = backend.ticketStore();
      assertThat(tickets.consume(tickets.issue("alice").ticket()).isConsumed()).isTrue();
    }
  }

  private static String someRevocationKey(
      io.lettuce.core.api.sync.RedisCommands<String, String> c) {
    List<String> keys = c.keys("authstore:rev:*");
    return keys.isEmpty() ? "none" : keys.get(0);
  }

  private static int masterPort(int sentinelPort) {
    List<String> address =
        Redis.call(
            sentinelPort,
            c ->
                c.dispatch(
                    CommandType.SENTINEL,
                    new ValueListOutput<>(StringCodec.UTF8),
                    new CommandArgs<>(StringCodec.UTF8)
                        .add("get-master-addr-by-name")
                        .add(RedisSentinelGroup.MASTER_NAME)));
    return Integer.parseInt(address.get(1));
  }
}
