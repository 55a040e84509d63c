package io.authstore.bench;

import io.authstore.internal.KeyHash;
import io.authstore.internal.RevocationTable;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Where the time of one {@code isRevoked} goes, taken apart on the probes of {@link
 * RevocationCheckBenchmark} (fresh strings, 1% or 50% revoked): {@code hashOnly} makes the probe
 * and hashes issuer and jti; {@code hashThenSmallTable} adds a lookup in a table of 1,000 entries
 * (its tags fit in L1); {@code hashThenBigTable} a lookup in the table of a million entries (2 MiB
 * of tags), so the difference of the two is the cost of reaching that memory; {@code tableOnly}
 * looks up precomputed keys in the big table, which lets the processor overlap many independent
 * lookups. A diagnostic for docs/benchmarks.md, not a comparison with peers.
 *
 * <pre>
 * java -jar authstore-bench/target/benchmarks.jar RevocationCheckPartsBenchmark -p hitRate=0.01
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class RevocationCheckPartsBenchmark {
  private static final long SEED = 0x1234567L;

  /** The million revoked jtis of {@link Jtis} in a table, and every probe's key precomputed. */
  @State(Scope.Benchmark)
  public static class Table {
    RevocationTable table = new RevocationTable(0);
    long[] keys;

    @Setup(Level.Trial)
    public void fill(RevocationCheckBenchmark.Probes probes) {
      long exp = System.currentTimeMillis() + 3_600_000L;
      for (int i = 0; i < Jtis.REVOKED; i++) {
        table.putMax(KeyHash.of(SEED, RevocationLookup.ISSUER, Jtis.revoked(i)), exp, 0);
      }
      keys = new long[RevocationCheckBenchmark.POOL];
      for (int k = 0; k < keys.length; k++) {
        keys[k] = KeyHash.of(SEED, RevocationLookup.ISSUER, probes.probe(k));
      }
    }
  }

  @Benchmark
  @Threads(1)
  public long hashOnly(RevocationCheckBenchmark.Probes probes, RevocationCheckBenchmark.Cursor c) {
    return KeyHash.of(SEED, RevocationLookup.ISSUER, probes.probe(c.next++));
  }

  /** A thousand revoked jtis: a table whose tags fit in the L1 cache. */
  @State(Scope.Benchmark)
  public static class SmallTable {
    RevocationTable table = new RevocationTable(0);

    @Setup(Level.Trial)
    public void fill() {
      long exp = System.currentTimeMillis() + 3_600_000L;
      for (int i = 0; i < 1000; i++) {
        table.putMax(KeyHash.of(SEED, RevocationLookup.ISSUER, Jtis.revoked(i)), exp, 0);
      }
    }
  }

  @Benchmark
  @Threads(1)
  public long hashThenSmallTable(
      SmallTable t, RevocationCheckBenchmark.Probes probes, RevocationCheckBenchmark.Cursor c) {
    return t.table.get(KeyHash.of(SEED, RevocationLookup.ISSUER, probes.probe(c.next++)));
  }

  @Benchmark
  @Threads(1)
  public long hashThenBigTable(
      Table t, RevocationCheckBenchmark.Probes probes, RevocationCheckBenchmark.Cursor c) {
    return t.table.get(KeyHash.of(SEED, RevocationLookup.ISSUER, probes.probe(c.next++)));
  }

  @Benchmark
  @Threads(1)
  public long tableOnly(Table t, RevocationCheckBenchmark.Cursor c) {
    return t.table.get(t.keys[c.next++ & (RevocationCheckBenchmark.POOL - 1)]);
  }
}
