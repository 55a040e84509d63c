package io.authstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.authstore.StoreUnavailableException;
import io.authstore.testkit.Redis;
import io.authstore.testkit.RedisProcess;
import io.authstore.testkit.TcpProxy;
import io.authstore.ticket.ConsumeResult;
import io.authstore.ticket.IssuedTicket;
import io.authstore.ticket.TicketOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A script that Redis ran but whose reply was lost with a dropped connection: Lettuce sends the
 * commands in flight again once it has reconnected (at least once), so the script runs a second
 * time. The connection runs through a {@link TcpProxy} that throws the reply away and then cuts
 * every connection; the second run must neither count the ticket twice, nor refuse it by its own
 * first run, nor report the holder's own consume as a reuse.
 */
class RedisLostReplyIT {
  // Generous: the second run comes after Lettuce's reconnect back-off, on a loaded machine.
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
  private static final String RECORDS = "authstore:{tickets}:ticket:*";
  private static final String ALICE = "authstore:{tickets}:subject:alice";

  private RedisProcess redis;
  private TcpProxy proxy;
  private RedisTicketStore store;
  private final ExecutorService caller = Executors.newSingleThreadExecutor();

  @BeforeEach
  void start() {
    redis = RedisProcess.start();
    proxy = TcpProxy.to(redis.port());
    RedisConnectionConfig config =
        RedisConnectionConfig.builder()
            .standalone("127.0.0.1", proxy.port())
            .commandTimeout(COMMAND_TIMEOUT)
            .build();
    // A global cap of one: an issue run twice would be refused by its own first run.
    store =
        RedisTicketStore.connect(
            config, TicketOptions.builder().maxActive(1).maxActivePerSubject(1).build());
    // Both scripts loaded: a first EVALSHA answered NOSCRIPT would lose that answer instead.
    store.consume(store.issue("warm-up").ticket());
  }

  /** The key of the record of alice's one active ticket. */
  private String aliceRecord() {
    return RECORDS.replace("*", Redis.call(redis.port(), c -> c.zrange(ALICE, 0, -1)).get(0));
  }

  @AfterEach
  void stop() {
    caller.shutdownNow();
    store.close();
    proxy.close();
    redis.close();
  }

  @Test
  void issueWhoseReplyIsLost_runsAgain_andIsIssuedOnce() throws Exception {
    proxy.dropReplies();
    Future<IssuedTicket> issue = caller.submit(() -> store.issue("alice"));
    // The first run has written the record; its reply is gone.
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> Redis.call(redis.port(), c -> c.zcard(ALICE)) == 1);
    proxy.cutConnections();

    IssuedTicket ticket = issue.get(COMMAND_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);

    // The warm-up's ticket and this one.
    assertThat(store.stats().totalIssued()).isEqualTo(2);
    assertThat(store.stats().active()).isEqualTo(1);
    List<String> records = Redis.call(redis.port(), c -> c.keys(RECORDS));
    assertThat(records).hasSize(2);
    assertThat(store.consume(ticket.ticket()).outcome()).isEqualTo(ConsumeResult.Outcome.CONSUMED);
  }

  @Test
  void tombstoneOfAnEarlierVersion_theExpiryAlone_isStillAReuseUntilItsExpiry() {
    IssuedTicket ticket = store.issue("alice");
    String record = aliceRecord();
    assertThat(store.consume(ticket.ticket()).outcome()).isEqualTo(ConsumeResult.Outcome.CONSUMED);
    // What a consume wrote before tombstones carried a nonce (a rolling upgrade meets these).
    long expiresAt = ticket.expiresAt().toEpochMilli();
    Redis.call(
        redis.port(),
        c -> c.set(record, Long.toString(expiresAt), io.lettuce.core.SetArgs.Builder.keepttl()));

    assertThat(RedisTicketStore.expiresAt(Long.toString(expiresAt))).isEqualTo(expiresAt);
    assertThat(store.consume(ticket.ticket()).outcome()).isEqualTo(ConsumeResult.Outcome.REUSED);
    assertThat(store.stats().totalReuseAttempts()).isEqualTo(1);
  }

  @Test
  void consumeWhoseReplyIsLost_runsAgain_andFailsAsUnavailable_notAsReuse() throws Exception {
    IssuedTicket ticket = store.issue("alice");
    String record = aliceRecord();

    proxy.dropReplies();
    Future<ConsumeResult> consume = caller.submit(() -> store.consume(ticket.ticket()));
    // The first run has replaced the record by its tombstone; its reply is gone.
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> !Redis.call(redis.port(), c -> c.get(record)).contains(","));
    proxy.cutConnections();

    assertThatThrownBy(() -> consume.get(COMMAND_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("sent it again")
        .hasMessageContaining("the ticket is spent");
    assertThat(store.stats().totalReuseAttempts()).isZero();
    // The warm-up's ticket and this one.
    assertThat(store.stats().totalConsumed()).isEqualTo(2);

    // Another presentation of the ticket is a reuse, as ever.
    assertThat(store.consume(ticket.ticket()).outcome()).isEqualTo(ConsumeResult.Outcome.REUSED);
    assertThat(store.stats().totalReuseAttempts()).isEqualTo(1);
  }
}
