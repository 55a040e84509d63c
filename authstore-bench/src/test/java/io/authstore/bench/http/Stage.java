package io.authstore.bench.http;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * One step of a load run: one route offered a constant rate of new users for a fixed time. It
 * counts what came back, in which window of time, and how long each request took (as Gatling
 * measured it, whole milliseconds), so that a run can tell whether the server kept up.
 *
 * <p>A user is one revocation check, one {@code /health/live}, or one ticket issue followed by the
 * validation of that ticket (two requests). The stage's <em>window</em> runs from its first user's
 * start to its last user's end; <em>achieved</em> is users completed divided by the window. Users
 * that arrive faster than the server answers queue up, the last ones finish late, the window grows
 * and achieved falls below offered; the same happens when the load generator itself cannot start
 * users on time.
 *
 * <p>Thread-safe: Gatling calls {@link #userStarted} and {@link #userEnded} from its threads.
 */
final class Stage {
  /** A stage kept its offered rate when achieved ≥ this share of offered, with no error. */
  static final double HELD = 0.95;

  /** What a stage is for. */
  enum Kind {
    /** Run and reported, never used to decide anything. */
    WARM_UP,
    /** A step of a ramp, or the measured part of a steady run. */
    MEASURED
  }

  private final Route route;
  private final Kind kind;
  private final double rate;
  private final Duration duration;
  private final AtomicLong firstStart = new AtomicLong(Long.MAX_VALUE);
  private final AtomicLong lastEnd = new AtomicLong(Long.MIN_VALUE);
  private final LongAdder started = new LongAdder();
  private final LongAdder ok = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder skipped = new LongAdder();
  private final Map<String, Latencies> latencies = new ConcurrentHashMap<>();
  private volatile MachineMeter.Snapshot cpuStart;
  private volatile MachineMeter.Snapshot cpuEnd;

  Stage(Route route, Kind kind, double rate, Duration duration) {
    this.route = route;
    this.kind = kind;
    this.rate = rate;
    this.duration = duration;
  }

  Route route() {
    return route;
  }

  Kind kind() {
    return kind;
  }

  /** Offered users per second. */
  double rate() {
    return rate;
  }

  Duration duration() {
    return duration;
  }

  /** Scenario and request name prefix, unique in a run: {@code "check 4000/s"}. */
  String name() {
    return route.label()
        + (kind == Kind.WARM_UP ? " warm-up " : " ")
        + String.format(Locale.ROOT, "%.0f/s", rate);
  }

  boolean hasStarted() {
    return firstStart.get() != Long.MAX_VALUE;
  }

  /** Called when a user begins its requests. */
  void userStarted() {
    started.increment();
    long now = System.nanoTime();
    if (firstStart.get() == Long.MAX_VALUE) {
      firstStart.compareAndSet(Long.MAX_VALUE, now);
    }
  }

  /** Called when a user has had its last answer. */
  void userEnded(boolean userFailed) {
    lastEnd.accumulateAndGet(System.nanoTime(), Math::max);
    (userFailed ? failed : ok).increment();
  }

  /** Called for a user of a stage that the run decided not to drive. */
  void userSkipped() {
    skipped.increment();
  }

  /** Records one request's response time, as Gatling measured it. */
  void record(String request, long millis) {
    latencies.computeIfAbsent(request, r -> new Latencies()).record(millis);
  }

  void cpuStart(MachineMeter.Snapshot snapshot) {
    cpuStart = snapshot;
  }

  void cpuEnd(MachineMeter.Snapshot snapshot) {
    if (cpuStart != null && cpuEnd == null) {
      cpuEnd = snapshot;
    }
  }

  long completed() {
    return ok.sum() + failed.sum();
  }

  long failed() {
    return failed.sum();
  }

  /** Seconds from the first user's start to the last user's end. */
  double windowSeconds() {
    return hasStarted() && lastEnd.get() != Long.MIN_VALUE
        ? (lastEnd.get() - firstStart.get()) / 1e9
        : 0;
  }

  /** Users completed per second of the window. */
  double achieved() {
    double window = windowSeconds();
    return window > 0 ? completed() / window : 0;
  }

  /** Every user started finished without error, at ≥ {@link #HELD} of the offered rate. */
  boolean held() {
    return hasStarted()
        && failed.sum() == 0
        && completed() == started.sum()
        && achieved() >= HELD * rate;
  }

  /** Per request name: count, p50, p99 and max in milliseconds; insertion order. */
  Map<String, long[]> latencySummary() {
    Map<String, long[]> out = new LinkedHashMap<>();
    latencies.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e ->
                out.put(
                    e.getKey(),
                    new long[] {
                      e.getValue().count(),
                      e.getValue().percentile(50),
                      e.getValue().percentile(99),
                      e.getValue().max()
                    }));
    return out;
  }

  MachineMeter.Usage cpu() {
    return cpuStart != null && cpuEnd != null ? MachineMeter.between(cpuStart, cpuEnd) : null;
  }

  /** One line for the run's summary. */
  String describe() {
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%-28s offered %8.0f/s  users %7d  errors %5d  window %6.2f s  achieved %8.0f/s"
                    + "  %s",
                name(),
                rate,
                completed(),
                failed.sum(),
                windowSeconds(),
                achieved(),
                kind == Kind.WARM_UP
                    ? "(warm-up: ramp to the rate)"
                    : held() ? "held" : "NOT held"));
    latencySummary()
        .forEach(
            (request, v) ->
                line.append(
                    String.format(
                        Locale.ROOT,
                        "%n    %-22s n %7d  p50 %3d ms  p99 %4d ms  max %5d ms",
                        request,
                        v[0],
                        v[1],
                        v[2],
                        v[3])));
    MachineMeter.Usage cpu = cpu();
    if (cpu != null) {
      line.append("\n    ").append(cpu.describe());
    }
    return line.toString();
  }

  /** Response times in whole milliseconds, exact up to 10 s, counted. */
  private static final class Latencies {
    private static final int MAX_TRACKED = 10_000;
    private final AtomicLongArray counts = new AtomicLongArray(MAX_TRACKED + 1);
    private final LongAdder total = new LongAdder();
    private final AtomicLong max = new AtomicLong();

    void record(long millis) {
      counts.incrementAndGet((int) Math.min(Math.max(millis, 0), MAX_TRACKED));
      total.increment();
      max.accumulateAndGet(millis, Math::max);
    }

    long count() {
      return total.sum();
    }

    long max() {
      return max.get();
    }

    /** Nearest rank: the smallest value with at least p% of the samples at or below it. */
    long percentile(double p) {
      long n = total.sum();
      long rank = (long) Math.ceil(p / 100.0 * n);
      long seen = 0;
      for (int ms = 0; ms <= MAX_TRACKED; ms++) {
        seen += counts.get(ms);
        if (seen >= rank && seen > 0) {
          return ms;
        }
      }
      return max.get();
    }
  }
}
