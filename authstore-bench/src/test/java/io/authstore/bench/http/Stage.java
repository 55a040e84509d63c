package io.authstore.bench.http;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * One step of a load run: one route offered a fixed rate of arrivals for a fixed time. It holds the
 * stage's arrival <em>schedule</em>, counts what came back, in which window of time, and how long
 * each request took, so that a run can tell whether the server kept up.
 *
 * <p>A <em>user</em>, in the summary, is one arrival: one revocation check, one {@code
 * /health/live}, or one ticket issue followed by the validation of that ticket (two requests). The
 * arrivals are a Poisson process at the stage's rate (a warm-up ramps the rate, never above it),
 * fixed in advance of the answers: they are served by a bounded pool of virtual users, each with
 * one keep-alive connection ({@link LoadRun}). A free virtual user takes the next arrival ({@link
 * #nextArrival}), waits for its scheduled time and sends it; when every virtual user is busy the
 * arrivals that fall due wait, in order, for the next one to be free. Every request is timed as
 * Gatling measures it (request sent to answer); an arrival's first request is also timed <em>from
 * schedule</em> (the arrival's scheduled time to its answer), which includes the wait for a free
 * connection and any delay of the load generator in sending, counted apart in the summary: a server
 * that falls behind cannot hide its queue by slowing the arrivals (no coordinated omission). (A
 * tickets arrival's validate follows its issue at once on the same connection.)
 *
 * <p>The stage's <em>window</em> runs from its first request's start to its last answer;
 * <em>achieved</em> is users completed divided by the window. Arrivals that come faster than the
 * server answers queue up, the last ones finish late, the window grows and achieved falls below
 * offered; the same happens when the load generator itself cannot send on time.
 *
 * <p>A stage may stop before its schedule ends: a warm-up when it falls behind its schedule by more
 * than the run's maximum lag or has an error (it must not overload the server before the stage it
 * prepares), any stage when it falls behind by more than {@link #GIVE_UP_LAG} (nothing useful is
 * measured then). A measured stage that stopped has not held.
 *
 * <p>Thread-safe: Gatling calls it from its threads.
 */
final class Stage {
  /** A stage kept its offered rate when achieved ≥ this share of offered, with no error. */
  static final double HELD = 0.95;

  /**
   * A stage kept up when the median arrival was answered within this many milliseconds of its
   * scheduled time ({@code -Dload.maxMedianMillis}, default 10): a step the server cannot sustain
   * builds a backlog in the client during its few seconds, which the completed-rate test alone lets
   * through (a 6 s step at 95% ends 0.3 s behind) and which pushes the median from schedule from a
   * few milliseconds to hundreds.
   */
  static final long MAX_MEDIAN_MILLIS = Long.getLong("load.maxMedianMillis", 10);

  /** What {@link #nextArrival} returns once the schedule has ended or the stage has stopped. */
  static final long DONE = Long.MIN_VALUE;

  /** A stage of any kind stops when an arrival is taken this late: it is far past keeping up. */
  static final Duration GIVE_UP_LAG = Duration.ofSeconds(10);

  /** Lateness of at least this much is counted (below it is timer noise). */
  private static final long LATE_NANOS = 1_000_000L;

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
  private final LongAdder waited = new LongAdder();
  private final AtomicLong maxWaitNanos = new AtomicLong();
  private final LongAdder sentLate = new LongAdder();
  private final AtomicLong maxSentLateNanos = new AtomicLong();
  private final AtomicBoolean scheduleEndClaimed = new AtomicBoolean();
  private volatile int[] connectionsAtScheduleEnd;
  private final LongAdder connectFailed = new LongAdder();
  private final AtomicInteger usersLeft = new AtomicInteger();
  private final Map<String, Latencies> latencies = new ConcurrentHashMap<>();
  private volatile MachineMeter.Snapshot cpuStart;
  private volatile MachineMeter.Snapshot cpuEnd;
  private volatile String meterFailure;

  // The schedule, guarded by this.
  private long scheduleStart = DONE;
  private long scheduleEnd;
  private long nextArrival;
  private long maxLagNanos;
  private int pool;
  private boolean done;
  private String stopReason;

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

  /** Offered users per second (a warm-up's rate at the end of its ramp). */
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

  /**
   * Fixes the schedule; called once, when the run decides to drive the stage.
   *
   * @param start {@link System#nanoTime} of the schedule's start
   * @param pool virtual users (connections) that serve the stage
   * @param maxLag how late a warm-up may fall behind its schedule before it stops
   */
  synchronized void schedule(long start, int pool, Duration maxLag) {
    if (scheduleStart != DONE) {
      throw new IllegalStateException("scheduled twice: " + name());
    }
    this.scheduleStart = start;
    this.scheduleEnd = start + duration.toNanos();
    this.pool = pool;
    this.maxLagNanos = maxLag.toNanos();
    this.nextArrival = start + gapNanos(0);
  }

  /** {@link System#nanoTime} of the schedule's start; {@link #DONE} before it is fixed. */
  synchronized long scheduleStart() {
    return scheduleStart;
  }

  /**
   * The next arrival for a virtual user that is free now: its scheduled time ({@link
   * System#nanoTime}; may be in the past when the arrivals are queueing), or {@link #DONE}.
   */
  synchronized long nextArrival(long now) {
    if (done || scheduleStart == DONE) {
      return DONE;
    }
    long arrival = nextArrival;
    if (arrival >= scheduleEnd) {
      done = true;
      return DONE;
    }
    long lag = now - arrival;
    if (kind == Kind.WARM_UP && lag > maxLagNanos) {
      stop(now, String.format(Locale.ROOT, "fell behind its schedule by %d ms", lag / 1_000_000));
      return DONE;
    }
    if (lag > GIVE_UP_LAG.toNanos()) {
      stop(now, String.format(Locale.ROOT, "gave up %d ms behind its schedule", lag / 1_000_000));
      return DONE;
    }
    nextArrival = arrival + gapNanos(arrival - scheduleStart);
    return arrival;
  }

  /** Poisson arrivals: an exponential gap at the rate in force that far into the schedule. */
  private long gapNanos(long elapsedNanos) {
    double u = ThreadLocalRandom.current().nextDouble();
    return Math.max(1, (long) (-Math.log1p(-u) / rateAt(elapsedNanos) * 1e9));
  }

  /** Measured: the rate. Warm-up: 5% of it rising to all of it over two thirds of the time. */
  private double rateAt(long elapsedNanos) {
    if (kind != Kind.WARM_UP) {
      return rate;
    }
    double ramp = duration.toNanos() * 2.0 / 3.0;
    double share = Math.min(1.0, elapsedNanos / ramp);
    return rate / 20 + (rate - rate / 20) * share;
  }

  private void stop(long now, String why) {
    if (!done) {
      done = true;
      // Arrivals already due but never taken are in no latency: say how many (about: the rate
      // in force times the time they span), so a stopped stage's numbers are not read as whole.
      long dueUntil = Math.min(now, scheduleEnd);
      long neverSent =
          dueUntil > nextArrival
              ? Math.round(rateAt(now - scheduleStart) * (dueUntil - nextArrival) / 1e9)
              : 0;
      stopReason =
          String.format(
              Locale.ROOT,
              "stopped after %.1f s, at %.0f/s: %s; about %d arrivals already due were never sent"
                  + " and are in no latency",
              (now - scheduleStart) / 1e9,
              rateAt(now - scheduleStart),
              why,
              neverSent);
    }
  }

  /** Why the stage stopped before its schedule ended, or {@code null}. */
  synchronized String stopReason() {
    return stopReason;
  }

  /**
   * Called when a request is sent for an arrival. Both kinds of lateness count in the latency from
   * schedule; they are told apart only in the summary.
   *
   * @param scheduled the arrival's scheduled time
   * @param taken when a free virtual user took it: later than scheduled when every connection was
   *     busy at its time (the arrival waited for a free connection)
   * @param sent now: later than both when the virtual user woke late (the load generator's timers
   *     or CPU)
   */
  void arrivalStarted(long scheduled, long taken, long sent) {
    started.increment();
    firstStart.accumulateAndGet(sent, Math::min);
    long wait = taken - scheduled;
    if (wait >= LATE_NANOS) {
      waited.increment();
    }
    maxWaitNanos.accumulateAndGet(wait, Math::max);
    long late = sent - Math.max(scheduled, taken);
    if (late >= LATE_NANOS) {
      sentLate.increment();
    }
    maxSentLateNanos.accumulateAndGet(late, Math::max);
  }

  /**
   * Whether the caller is the first to see the schedule end ({@link #nextArrival} returned {@link
   * #DONE}); that caller records {@link #scheduleEnded}.
   */
  boolean claimScheduleEnd() {
    return scheduleEndClaimed.compareAndSet(false, true);
  }

  /** Connections open to each server when the schedule ran out (or the stage stopped). */
  void scheduleEnded(int[] connections) {
    connectionsAtScheduleEnd = connections.clone();
  }

  /** Called when an arrival has had its last answer. */
  void arrivalEnded(boolean arrivalFailed, long now) {
    lastEnd.accumulateAndGet(now, Math::max);
    (arrivalFailed ? failed : ok).increment();
    if (arrivalFailed && kind == Kind.WARM_UP) {
      synchronized (this) {
        stop(now, "a request failed");
      }
    }
  }

  /** Called when a virtual user's first request (which opens its connection) failed. */
  void connectFailed() {
    connectFailed.increment();
  }

  /**
   * Called when a virtual user leaves the stage.
   *
   * @return whether it was the last of the pool
   */
  boolean userLeft() {
    return usersLeft.incrementAndGet() == pool;
  }

  /** Called for a virtual user of a stage that the run decided not to drive. */
  void userSkipped() {
    skipped.increment();
  }

  /** Records one request's time in milliseconds. */
  void record(String request, long millis) {
    latencies.computeIfAbsent(request, r -> new Latencies()).record(millis);
  }

  /** The meter could not take a snapshot for this stage; the summary says why. */
  void meterFailed(String reason) {
    if (meterFailure == null) {
      meterFailure = reason;
    }
  }

  void cpuStart(MachineMeter.Snapshot snapshot) {
    if (cpuStart == null) {
      cpuStart = snapshot;
    }
  }

  void cpuEnd(MachineMeter.Snapshot snapshot) {
    if (cpuStart != null && cpuEnd == null) {
      cpuEnd = snapshot;
    }
  }

  /** Whether the CPU window was opened and not yet closed. */
  boolean cpuOpen() {
    return cpuStart != null && cpuEnd == null;
  }

  long completed() {
    return ok.sum() + failed.sum();
  }

  long failed() {
    return failed.sum();
  }

  /** Seconds from the first request's start to the last answer. */
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

  /**
   * Every arrival sent finished without error, at ≥ {@link #HELD} of the offered rate, with the
   * median arrival answered within {@link #MAX_MEDIAN_MILLIS} of its schedule, and the stage ran
   * its whole schedule.
   */
  boolean held() {
    Latencies fromSchedule = latencies.get(firstRequest() + " from schedule");
    return hasStarted()
        && stopReason() == null
        && failed.sum() == 0
        && connectFailed.sum() == 0
        && completed() == started.sum()
        && achieved() >= HELD * rate
        && fromSchedule != null
        && fromSchedule.percentile(50) <= MAX_MEDIAN_MILLIS;
  }

  /** The request an arrival starts with, whose latency is also recorded from its schedule. */
  String firstRequest() {
    return route == Route.TICKETS ? "issue" : route.label();
  }

  /** Per request name: count, p50, p99 and max in milliseconds; sorted by name. */
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

  /** The summary's entry for the stage. */
  String describe() {
    String stopped = stopReason();
    String verdict;
    if (kind == Kind.WARM_UP) {
      verdict = "(warm-up: ramp to the rate" + (stopped == null ? ")" : "; " + stopped + ")");
    } else {
      verdict = held() ? "held" : "NOT held" + (stopped == null ? "" : " (" + stopped + ")");
    }
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
                verdict));
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
    long sent = started.sum();
    line.append(String.format(Locale.ROOT, "%n    pool %d connections", pool));
    int[] atScheduleEnd = connectionsAtScheduleEnd;
    if (atScheduleEnd != null) {
      line.append(", ")
          .append(Arrays.toString(atScheduleEnd))
          .append(" open when its schedule ran out");
    }
    line.append(
        String.format(
            Locale.ROOT,
            "%n    late >= 1 ms: waiting for a free connection %d (%.2f%%, longest %d ms), sent late"
                + " by the generator %d (%.2f%%, longest %d ms)",
            waited.sum(),
            sent > 0 ? 100.0 * waited.sum() / sent : 0.0,
            Math.max(0, maxWaitNanos.get()) / 1_000_000,
            sentLate.sum(),
            sent > 0 ? 100.0 * sentLate.sum() / sent : 0.0,
            Math.max(0, maxSentLateNanos.get()) / 1_000_000));
    if (connectFailed.sum() > 0) {
      line.append(
          String.format(
              Locale.ROOT, "; %d connection-opening requests failed", connectFailed.sum()));
    }
    MachineMeter.Usage cpu = cpu();
    if (cpu != null) {
      line.append("\n    ").append(cpu.describe());
    } else if (meterFailure != null) {
      line.append("\n    cpu not measured: ").append(meterFailure);
    }
    return line.toString();
  }

  /** Times in whole milliseconds, exact up to 10 s, counted. */
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
