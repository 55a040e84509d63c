package io.authstore.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Compares two JMH benchmarks by interleaving their forks: round after round, one fork of the
 * baseline and one of the candidate, the order swapped every round (A B, B A, A B, ...). Each round
 * gives a ratio of two forks that ran next to each other, so a host whose speed drifts over minutes
 * (this shared VM moves by more than 10% between runs) moves both sides of a ratio alike; a plain
 * JMH run measures every fork of one benchmark, then every fork of the other, and puts that drift
 * into the comparison. The result is the median of the per-round ratios, with all rounds listed.
 *
 * <p>Warm-up, measurement and JVM options come from the benchmarks' own annotations unless given
 * here. Usage:
 *
 * <pre>
 * java -cp authstore-bench/target/benchmarks.jar io.authstore.bench.PairedForks \
 *     --baseline 'JwtVerifyBenchmark.verify' --candidate 'JwtVerifyBenchmark.verifyAndCheckRevocation' \
 *     -p alg=HS256 -p storeKind=memory --rounds 6 [-t 1] [-wi 3] [-i 5] [-r 2] [-w 2] \
 *     [--out authstore-bench/results/paired-jwt-HS256.txt]
 * </pre>
 *
 * <p>{@code --baseline} and {@code --candidate} are {@code Class.method} of benchmarks in this jar;
 * they must take the same parameters. Exit status 0; the numbers are the output, not a verdict.
 */
public final class PairedForks {
  private PairedForks() {}

  public static void main(String[] args) throws RunnerException {
    Map<String, String> params = new LinkedHashMap<>();
    String baseline = null;
    String candidate = null;
    int rounds = 6;
    Integer threads = null;
    Integer warmups = null;
    Integer iterations = null;
    Integer iterationSeconds = null;
    Integer warmupSeconds = null;
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--baseline" -> baseline = value;
        case "--candidate" -> candidate = value;
        case "--rounds" -> rounds = Integer.parseInt(value);
        case "-t" -> threads = Integer.parseInt(value);
        case "-wi" -> warmups = Integer.parseInt(value);
        case "-i" -> iterations = Integer.parseInt(value);
        case "-r" -> iterationSeconds = Integer.parseInt(value);
        case "-w" -> warmupSeconds = Integer.parseInt(value);
        case "--out" -> out = Path.of(value);
        case "-p" -> {
          int eq = value.indexOf('=');
          if (eq < 1) {
            throw new IllegalArgumentException("-p takes name=value: " + value);
          }
          params.put(value.substring(0, eq), value.substring(eq + 1));
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
      i++;
    }
    if (baseline == null || candidate == null || rounds < 1) {
      throw new IllegalArgumentException(
          "usage: --baseline Class.method --candidate Class.method [-p name=value]... [--rounds N]");
    }

    List<double[]> pairs = new ArrayList<>();
    StringBuilder report = new StringBuilder();
    report.append(
        String.format(
            Locale.ROOT,
            "paired forks: baseline %s, candidate %s, params %s, threads %s, %d rounds%n",
            baseline,
            candidate,
            params,
            threads == null ? "(annotation)" : threads,
            rounds));
    report.append("round  order  baseline  candidate  ratio  unit\n");
    for (int round = 1; round <= rounds; round++) {
      boolean baselineFirst = round % 2 == 1;
      String first = baselineFirst ? baseline : candidate;
      String second = baselineFirst ? candidate : baseline;
      RunResult a =
          runOneFork(first, params, threads, warmups, iterations, iterationSeconds, warmupSeconds);
      RunResult b =
          runOneFork(second, params, threads, warmups, iterations, iterationSeconds, warmupSeconds);
      double base = (baselineFirst ? a : b).getPrimaryResult().getScore();
      double cand = (baselineFirst ? b : a).getPrimaryResult().getScore();
      String unit = a.getPrimaryResult().getScoreUnit();
      pairs.add(new double[] {base, cand});
      String line =
          String.format(
              Locale.ROOT,
              "%5d  %-5s  %8.3f  %9.3f  %5.3f  %s%n",
              round,
              baselineFirst ? "A B" : "B A",
              base,
              cand,
              cand / base,
              unit);
      report.append(line);
      System.out.print("# paired: " + line);
    }
    double[] ratios = pairs.stream().mapToDouble(p -> p[1] / p[0]).sorted().toArray();
    double[] bases = pairs.stream().mapToDouble(p -> p[0]).sorted().toArray();
    double[] cands = pairs.stream().mapToDouble(p -> p[1]).sorted().toArray();
    report.append(
        String.format(
            Locale.ROOT,
            "median ratio %.3f (min %.3f, max %.3f); median baseline %.3f, median candidate %.3f%n",
            median(ratios),
            ratios[0],
            ratios[ratios.length - 1],
            median(bases),
            median(cands)));
    System.out.println();
    System.out.print(report);
    if (out != null) {
      try {
        Files.writeString(out, report);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static RunResult runOneFork(
      String benchmark,
      Map<String, String> params,
      Integer threads,
      Integer warmups,
      Integer iterations,
      Integer iterationSeconds,
      Integer warmupSeconds)
      throws RunnerException {
    int dot = benchmark.lastIndexOf('.');
    if (dot < 1) {
      throw new IllegalArgumentException("expected Class.method: " + benchmark);
    }
    ChainedOptionsBuilder options =
        new OptionsBuilder()
            .include(
                "\\."
                    + Pattern.quote(benchmark.substring(0, dot))
                    + "\\."
                    + Pattern.quote(benchmark.substring(dot + 1))
                    + "$")
            .forks(1)
            .shouldFailOnError(true);
    params.forEach(options::param);
    if (threads != null) {
      options.threads(threads);
    }
    if (warmups != null) {
      options.warmupIterations(warmups);
    }
    if (iterations != null) {
      options.measurementIterations(iterations);
    }
    if (iterationSeconds != null) {
      options.measurementTime(TimeValue.seconds(iterationSeconds));
    }
    if (warmupSeconds != null) {
      options.warmupTime(TimeValue.seconds(warmupSeconds));
    }
    var results = new Runner(options.build()).run();
    if (results.size() != 1) {
      throw new IllegalStateException(
          benchmark + " with " + params + " matched " + results.size() + " benchmarks, not 1");
    }
    return results.iterator().next();
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
