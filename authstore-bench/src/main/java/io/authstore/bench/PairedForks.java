package io.authstore.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Compares two JMH benchmarks by interleaving their forks: round after round, one fork of the
 * baseline and one of the candidate, the order swapped every round (A B, B A, A B, ...). Each round
 * gives a ratio of two forks that ran next to each other, so a host whose speed drifts over minutes
 * (this shared VM moves by more than 10% between runs) moves both sides of a ratio alike; a plain
 * JMH run measures every fork of one benchmark, then every fork of the other, and puts that drift
 * into the comparison. The result is the median of the per-round ratios, with all rounds listed.
 *
 * <p>Every argument other than its own four is a JMH option, parsed by JMH ({@code -p name=value},
 * {@code -t}, {@code -wi}, {@code -w 2s}, {@code -i}, {@code -r 2s}, {@code -jvmArgsAppend}, ...);
 * what is not given comes from the benchmarks' own annotations. Usage:
 *
 * <pre>
 * java -cp authstore-bench/target/benchmarks.jar io.authstore.bench.PairedForks \
 *     --baseline 'JwtVerifyBenchmark.verify' --candidate 'JwtVerifyBenchmark.verifyAndCheckRevocation' \
 *     -p alg=HS256 -p storeKind=memory --rounds 6 [-t 1] [-wi 3] [-w 2s] [-i 5] [-r 2s] \
 *     [--out authstore-bench/results/paired-jwt-HS256.txt]
 * </pre>
 *
 * <p>{@code --baseline} and {@code --candidate} are {@code Class.method} of benchmarks in this jar;
 * they must take the same parameters. Exit status 0; the numbers are the output, not a verdict.
 */
public final class PairedForks {
  private PairedForks() {}

  public static void main(String[] args) throws RunnerException, CommandLineOptionException {
    String baseline = null;
    String candidate = null;
    int rounds = 6;
    Path out = null;
    List<String> jmhArgs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String option = args[i];
      boolean own = Set.of("--baseline", "--candidate", "--rounds", "--out").contains(option);
      if (!own) {
        jmhArgs.add(option);
        continue;
      }
      if (i + 1 == args.length) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      String value = args[++i];
      switch (option) {
        case "--baseline" -> baseline = value;
        case "--candidate" -> candidate = value;
        case "--rounds" -> rounds = Integer.parseInt(value);
        default -> out = Path.of(value);
      }
    }
    if (baseline == null || candidate == null || rounds < 1) {
      throw new IllegalArgumentException(
          "usage: --baseline Class.method --candidate Class.method [--rounds N] [--out FILE]"
              + " [JMH options: -p name=value, -t, -wi, -w, -i, -r, ...]");
    }
    // JMH parses its own options; each fork below inherits them and adds its benchmark.
    Options jmh = new CommandLineOptions(jmhArgs.toArray(String[]::new));

    List<double[]> pairs = new ArrayList<>();
    StringBuilder report = new StringBuilder();
    report.append(
        String.format(
            Locale.ROOT,
            "paired forks: baseline %s, candidate %s, JMH options %s, %d rounds%n",
            baseline,
            candidate,
            jmhArgs,
            rounds));
    report.append("round  order  baseline  candidate  ratio  unit\n");
    for (int round = 1; round <= rounds; round++) {
      boolean baselineFirst = round % 2 == 1;
      String first = baselineFirst ? baseline : candidate;
      String second = baselineFirst ? candidate : baseline;
      RunResult a = runOneFork(first, jmh);
      RunResult b = runOneFork(second, jmh);
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

  private static RunResult runOneFork(String benchmark, Options jmh) throws RunnerException {
    int dot = benchmark.lastIndexOf('.');
    if (dot < 1) {
      throw new IllegalArgumentException("expected Class.method: " + benchmark);
    }
    ChainedOptionsBuilder options =
        new OptionsBuilder()
            .parent(jmh)
            .include(
                "\\."
                    + Pattern.quote(benchmark.substring(0, dot))
                    + "\\."
                    + Pattern.quote(benchmark.substring(dot + 1))
                    + "$")
            .forks(1)
            .shouldFailOnError(true);
    var results = new Runner(options.build()).run();
    if (results.size() != 1) {
      throw new IllegalStateException(
          benchmark
              + " matched "
              + results.size()
              + " benchmarks, not 1: give every @Param with -p");
    }
    return results.iterator().next();
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
