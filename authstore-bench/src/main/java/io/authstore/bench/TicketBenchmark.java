package io.authstore.bench;

import io.authstore.ticket.ConsumeResult;
import io.authstore.ticket.InMemoryTicketStore;
import io.authstore.ticket.IssuedTicket;
import io.authstore.ticket.TicketOptions;
import io.authstore.ticket.TicketStats;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Issue-then-consume pairs on {@code InMemoryTicketStore}: one operation issues a ticket with the
 * default TTL (30 minutes) and one attribute, then consumes that ticket, so the score in ops/s is
 * pairs per second. Each thread issues for its own subject.
 *
 * <p>A consumed ticket stays as a tombstone until its TTL ends, far beyond a run, so the store
 * grows by one tombstone per pair. Each iteration therefore gets a new store (with a cap on active
 * tickets high enough never to refuse): every iteration measures a store that holds from zero to
 * about a million tombstones (258 heap bytes each, see {@link HeapFootprint}), instead of one that
 * grows across the whole run. Teardown checks that every pair consumed its ticket.
 *
 * <p>Run (about 90 seconds):
 *
 * <pre>
 * ./mvnw -B -o -q -pl authstore-bench package -DskipTests
 * java -jar authstore-bench/target/benchmarks.jar 'bench\.TicketBenchmark' \
 *     -rf json -rff authstore-bench/results/foundation-ticket.json
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(
    value = 3,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class TicketBenchmark {
  private static final Map<String, String> ATTRIBUTES = Map.of("origin", "https://app.example");

  private InMemoryTicketStore store;

  /** The subject one thread issues for. */
  @State(Scope.Thread)
  public static class Subject {
    String name;

    @Setup(Level.Trial)
    public void name(ThreadParams thread) {
      name = "user-" + thread.getThreadIndex();
    }
  }

  @Setup(Level.Iteration)
  public void newStore() {
    store =
        InMemoryTicketStore.create(TicketOptions.builder().maxActive(Integer.MAX_VALUE).build());
  }

  @TearDown(Level.Iteration)
  public void checkAndClose() {
    TicketStats stats = store.stats();
    if (stats.totalConsumed() != stats.totalIssued() || stats.active() != 0) {
      throw new IllegalStateException("not every issued ticket was consumed: " + stats);
    }
    store.close();
  }

  /** Issues a ticket and consumes it, one thread. */
  @Benchmark
  @Threads(1)
  public ConsumeResult issueAndConsume(Subject subject) {
    return pair(subject);
  }

  /** Issues a ticket and consumes it, two threads sharing the store. */
  @Benchmark
  @Threads(2)
  public ConsumeResult issueAndConsumeTwoThreads(Subject subject) {
    return pair(subject);
  }

  private ConsumeResult pair(Subject subject) {
    IssuedTicket ticket = store.issue(subject.name, ATTRIBUTES, null);
    return store.consume(ticket.ticket());
  }
}
