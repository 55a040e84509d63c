package io.authstore.bench;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.time.Clock;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * A revocation check against a list of a million revoked UUID jtis: authstore's {@code
 * InMemoryRevocationStore.isRevoked(issuer, jti)} against the source design ported to a {@code
 * ConcurrentHashMap<String, Long>} (jti to exp) and against a Caffeine cache with per-entry expiry.
 * The peers key by jti only, as the source did; ours also hashes a fixed issuer string.
 *
 * <p>Every operation checks a new {@code String} (no cached hash code, as a jti just parsed from a
 * token would be) copied from a pool of 2^20 probes, shuffled, with exactly {@code hitRate} of them
 * revoked jtis (drawn uniformly from the million) and the rest never revoked. The pool is the same
 * for every implementation; {@link #baseline} measures making the probe alone. Each thread walks
 * the pool from its own offset. Revoked entries expire one to two hours after setup, so hits are
 * real hits; setup checks that every probe gets the expected answer before measuring.
 *
 * <p>Run everything (about 12 minutes on 2 cores):
 *
 * <pre>
 * ./mvnw -B -o -q -pl authstore-bench package -DskipTests
 * java -jar authstore-bench/target/benchmarks.jar RevocationCheckBenchmark \
 *     -rf json -rff authstore-bench/results/revocation-check.json
 * </pre>
 *
 * or one comparison (three implementations, one hit rate, one thread count) at a time, about 2.5
 * minutes each, as {@code docs/benchmarks.md} does on a shared machine:
 *
 * <pre>
 * java -jar authstore-bench/target/benchmarks.jar 'RevocationCheckBenchmark.isRevoked$' \
 *     -p hitRate=0.01
 * </pre>
 *
 * {@code isRevoked} and {@code baseline} run on one thread, the {@code ...TwoThreads} methods on
 * two sharing the structure (AverageTime is then the time of one check on each thread). Add {@code
 * -p impl=authstore} to run one implementation.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(
    value = 3,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class RevocationCheckBenchmark {
  static final int POOL = 1 << 20;
  private static final int MASK = POOL - 1;

  /** The probe pool: {@link #POOL} jtis, {@code hitRate} of them revoked. */
  @State(Scope.Benchmark)
  public static class Probes {
    @Param({"0.01", "0.5"})
    double hitRate;

    /** Every probe's characters, {@link Jtis#LENGTH} bytes each, back to back. */
    byte[] chars;

    /** Whether each probe is a revoked jti. */
    boolean[] hit;

    @Setup(Level.Trial)
    public void create() {
      int hits = (int) Math.round(hitRate * POOL);
      SplittableRandom random = new SplittableRandom(20240917L);
      hit = new boolean[POOL];
      for (int k = 0; k < hits; k++) {
        hit[k] = true;
      }
      for (int k = POOL - 1; k > 0; k--) {
        int j = random.nextInt(k + 1);
        boolean t = hit[k];
        hit[k] = hit[j];
        hit[j] = t;
      }
      chars = new byte[POOL * Jtis.LENGTH];
      for (int k = 0; k < POOL; k++) {
        String jti = hit[k] ? Jtis.revoked(random.nextInt(Jtis.REVOKED)) : Jtis.neverRevoked(k);
        System.arraycopy(jti.getBytes(ISO_8859_1), 0, chars, k * Jtis.LENGTH, Jtis.LENGTH);
      }
    }

    /** Returns a new String of probe {@code k} (mod the pool size). */
    String probe(int k) {
      return new String(chars, (k & MASK) * Jtis.LENGTH, Jtis.LENGTH, ISO_8859_1);
    }
  }

  /** Where one thread is in the probe pool. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;

    @Setup(Level.Trial)
    public void start(ThreadParams thread) {
      next = thread.getThreadIndex() * (POOL / thread.getThreadCount());
    }
  }

  /** The structure under test, holding the million revoked jtis. */
  @State(Scope.Benchmark)
  public static class Revoked {
    @Param({"authstore", "chm", "caffeine"})
    String impl;

    RevocationLookup lookup;

    @Setup(Level.Trial)
    public void fill(Probes probes) {
      lookup = RevocationLookup.filled(impl, Clock.systemUTC());
      for (int k = 0; k < POOL; k++) {
        if (lookup.isRevoked(probes.probe(k)) != probes.hit[k]) {
          throw new IllegalStateException(
              impl + " answers " + !probes.hit[k] + " for probe " + k + ": " + probes.probe(k));
        }
      }
    }
  }

  /** Makes the probe string only: the part of every other benchmark that is not the lookup. */
  @Benchmark
  @Threads(1)
  public String baseline(Probes probes, Cursor cursor) {
    return probes.probe(cursor.next++);
  }

  /** {@link #baseline} on two threads. */
  @Benchmark
  @Threads(2)
  public String baselineTwoThreads(Probes probes, Cursor cursor) {
    return probes.probe(cursor.next++);
  }

  /** One check of a fresh probe, one thread. */
  @Benchmark
  @Threads(1)
  public boolean isRevoked(Revoked revoked, Probes probes, Cursor cursor) {
    return revoked.lookup.isRevoked(probes.probe(cursor.next++));
  }

  /** One check of a fresh probe, two threads sharing the structure. */
  @Benchmark
  @Threads(2)
  public boolean isRevokedTwoThreads(Revoked revoked, Probes probes, Cursor cursor) {
    return revoked.lookup.isRevoked(probes.probe(cursor.next++));
  }
}
