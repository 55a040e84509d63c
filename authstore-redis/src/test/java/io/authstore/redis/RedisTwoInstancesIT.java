package io.authstore.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.authstore.revocation.RevocationOptions;
import io.authstore.testkit.RedisProcess;
import io.authstore.ticket.ConsumeResult;
import io.authstore.ticket.TicketOptions;
import io.authstore.ticket.TicketStore;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** Two instances, each with its own Lettuce client, racing on one Redis. */
class RedisTwoInstancesIT {
  private static final int TICKETS = 10_000;
  private static final int THREADS = 16;

  @Test
  void tenThousandTickets_raceOf16ThreadsAcrossTwoInstances_exactlyOneConsumeEach()
      throws Exception {
    try (RedisProcess redis = RedisProcess.start()) {
      RedisConnectionConfig config =
          RedisConnectionConfig.builder().standalone("127.0.0.1", redis.port()).build();
      TicketOptions options =
          TicketOptions.builder().maxActive(TICKETS).maxActivePerSubject(TICKETS).build();
      try (RedisBackend a = open(config, options);
          RedisBackend b = open(config, options)) {
        List<String> tickets = new ArrayList<>(TICKETS);
        for (int i = 0; i < TICKETS; i++) {
          tickets.add((i % 2 == 0 ? a : b).ticketStore().issue("user-" + (i % 100)).ticket());
        }
        AtomicIntegerArray consumedPerTicket = new AtomicIntegerArray(TICKETS);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<Map<ConsumeResult.Outcome, Integer>>> results = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          TicketStore store = (t % 2 == 0 ? a : b).ticketStore();
          int offset = t * (TICKETS / THREADS);
          results.add(
              pool.submit(
                  () -> {
                    Map<ConsumeResult.Outcome, Integer> counts =
                        new EnumMap<>(ConsumeResult.Outcome.class);
                    start.await();
                    // Every thread presents every ticket, each from a different starting point.
                    for (int i = 0; i < TICKETS; i++) {
                      int index = (offset + i) % TICKETS;
                      ConsumeResult r = store.consume(tickets.get(index));
                      counts.merge(r.outcome(), 1, Integer::sum);
                      if (r.isConsumed()) {
                        consumedPerTicket.incrementAndGet(index);
                      }
                    }
                    return counts;
                  }));
        }
        start.countDown();
        Map<ConsumeResult.Outcome, Integer> total = new EnumMap<>(ConsumeResult.Outcome.class);
        for (Future<Map<ConsumeResult.Outcome, Integer>> f : results) {
          f.get(5, TimeUnit.MINUTES).forEach((k, v) -> total.merge(k, v, Integer::sum));
        }
        pool.shutdown();

        assertThat(total.get(ConsumeResult.Outcome.CONSUMED)).isEqualTo(TICKETS);
        assertThat(total.get(ConsumeResult.Outcome.REUSED)).isEqualTo(TICKETS * (THREADS - 1));
        assertThat(total).doesNotContainKey(ConsumeResult.Outcome.UNKNOWN_OR_EXPIRED);
        for (int i = 0; i < TICKETS; i++) {
          assertThat(consumedPerTicket.get(i)).as("consumes of ticket %d", i).isEqualTo(1);
        }
        assertThat(a.ticketStore().stats().totalConsumed()).isEqualTo(TICKETS);
        assertThat(b.ticketStore().stats().totalReuseAttempts())
            .isEqualTo((long) TICKETS * (THREADS - 1));
      }
    }
  }

  private static RedisBackend open(RedisConnectionConfig config, TicketOptions options) {
    return RedisBackend.open(
        config, RevocationOptions.defaults(), options, RedisBackend.FallbackPolicy.FAIL);
  }
}
