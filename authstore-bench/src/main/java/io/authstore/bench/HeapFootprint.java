package io.authstore.bench;

import io.authstore.ticket.InMemoryTicketStore;
import io.authstore.ticket.IssuedTicket;
import io.authstore.ticket.TicketOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Heap bytes per revoked entry of each revocation list holding {@link Jtis#REVOKED} revoked jtis:
 * used heap after a full GC with the structure built, minus used heap after a full GC before it,
 * divided by the entry count. The jtis are fresh strings that nothing but the structure keeps, so a
 * peer that stores the jti string pays for it (as the source design did) and ours, which keeps a
 * hash, does not. Each implementation is measured in its own JVM with the serial collector, whose
 * {@code System.gc()} is a full, compacting, stop-the-world collection; the same implementation is
 * first built small and dropped so that class initialization is not counted.
 *
 * <p>{@code tickets} measures the same way the heap bytes that {@code InMemoryTicketStore} keeps
 * per consumed ticket: a tombstone that lives until the ticket's TTL ends, {@value #TICKETS} of
 * them, each issued for a fresh subject string (1,000 distinct subjects) with one shared attribute
 * map, as in {@link TicketBenchmark}.
 *
 * <p>Run all three and {@code tickets}, each in a fresh child JVM, and print a table (about 30
 * seconds):
 *
 * <pre>
 * ./mvnw -B -o -q -pl authstore-bench package -DskipTests
 * java -cp authstore-bench/target/benchmarks.jar io.authstore.bench.HeapFootprint
 * </pre>
 *
 * or measure one in this JVM: {@code java -XX:+UseSerialGC -Xmx2g -cp
 * authstore-bench/target/benchmarks.jar io.authstore.bench.HeapFootprint chm}. Default JVM flags
 * otherwise: compressed oops and class pointers on, 8-byte object alignment.
 */
public final class HeapFootprint {
  private static final String[] IMPLS = {"authstore", "chm", "caffeine", "tickets"};
  private static final int TICKETS = 200_000;
  private static final String RESULT_PREFIX = "RESULT ";

  private HeapFootprint() {}

  /**
   * @param args none to measure every implementation in child JVMs, or one of {@code authstore},
   *     {@code chm}, {@code caffeine}, {@code tickets} to measure it in this JVM
   */
  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      measureAllInChildren();
    } else {
      measure(args[0]);
    }
  }

  private static void measure(String impl) {
    if (impl.equals("tickets")) {
      measureTicketTombstones();
      return;
    }
    Clock clock = Clock.systemUTC();
    warmUp(impl, clock);
    long before = usedAfterFullGc();
    RevocationLookup lookup = RevocationLookup.filled(impl, clock);
    long after = usedAfterFullGc();
    if (!lookup.isRevoked(Jtis.revoked(0)) || lookup.isRevoked(Jtis.neverRevoked(0))) {
      throw new IllegalStateException(impl + " does not answer as expected");
    }
    Reference.reachabilityFence(lookup);
    double perEntry = (after - before) / (double) Jtis.REVOKED;
    System.out.printf(
        Locale.ROOT,
        "%s%s %d %d %.1f%n",
        RESULT_PREFIX,
        impl,
        Jtis.REVOKED,
        after - before,
        perEntry);
  }

  private static void measureTicketTombstones() {
    Map<String, String> attributes = Map.of("origin", "https://app.example");
    TicketOptions options = TicketOptions.builder().maxActive(Integer.MAX_VALUE).build();
    issueAndConsume(InMemoryTicketStore.create(options), 10_000, attributes); // class init
    long before = usedAfterFullGc();
    InMemoryTicketStore store = InMemoryTicketStore.create(options);
    issueAndConsume(store, TICKETS, attributes);
    long after = usedAfterFullGc();
    if (store.stats().used() != TICKETS) {
      throw new IllegalStateException("expected " + TICKETS + " tombstones: " + store.stats());
    }
    Reference.reachabilityFence(store);
    System.out.printf(
        Locale.ROOT,
        "%stickets %d %d %.1f%n",
        RESULT_PREFIX,
        TICKETS,
        after - before,
        (after - before) / (double) TICKETS);
  }

  private static void issueAndConsume(
      InMemoryTicketStore store, int count, Map<String, String> attributes) {
    for (int i = 0; i < count; i++) {
      IssuedTicket ticket = store.issue("user-" + (i % 1000), attributes, null);
      if (!store.consume(ticket.ticket()).isConsumed()) {
        throw new IllegalStateException("ticket " + i + " was not consumed");
      }
    }
  }

  // Loads and initializes the classes the implementation uses, so that their static state is in
  // the "before" reading.
  private static void warmUp(String impl, Clock clock) {
    RevocationLookup small = RevocationLookup.create(impl, clock);
    long exp = clock.millis() + 3_600_000;
    for (int i = 0; i < 10_000; i++) {
      small.revoke(Jtis.neverRevoked(i), exp);
      small.isRevoked(Jtis.neverRevoked(i));
    }
    small.settle();
  }

  private static long usedAfterFullGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    // Repeat until a collection frees nothing more: finalizers and reference processing can
    // release objects only on a later cycle.
    for (int i = 0; i < 10; i++) {
      System.gc();
      long now = memory.getHeapMemoryUsage().getUsed();
      if (now >= used && i >= 3) {
        return now;
      }
      used = Math.min(used, now);
    }
    return used;
  }

  private static void measureAllInChildren() throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = System.getProperty("java.class.path");
    System.out.printf(
        "%s, %s, -XX:+UseSerialGC -Xms2g -Xmx2g%n",
        System.getProperty("java.vm.name"), System.getProperty("java.vm.version"));
    System.out.printf("%-10s %10s %14s %16s%n", "impl", "entries", "bytes", "bytes/entry");
    for (String impl : IMPLS) {
      List<String> command =
          List.of(
              java,
              "-XX:+UseSerialGC",
              "-Xms2g",
              "-Xmx2g",
              "-cp",
              classpath,
              HeapFootprint.class.getName(),
              impl);
      Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
      List<String> output = new ArrayList<>();
      String result = null;
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = out.readLine()) != null; ) {
          output.add(line);
          if (line.startsWith(RESULT_PREFIX)) {
            result = line.substring(RESULT_PREFIX.length());
          }
        }
      }
      int exit = child.waitFor();
      if (exit != 0 || result == null) {
        throw new IllegalStateException(impl + " failed with exit " + exit + ": " + output);
      }
      String[] f = result.split(" ");
      System.out.printf("%-10s %10s %14s %16s%n", f[0], f[1], f[2], f[3]);
    }
  }
}
