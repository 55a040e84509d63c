package io.authstore.bench.http;

import io.gatling.javaapi.core.Simulation;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Finds the highest rate each route keeps up with: stepped rates per route, one route after the
 * other, against servers this simulation starts itself ({@link LoadTarget}).
 *
 * <p>Per route: a warm-up (a ramp up to the first step's rate, never above; it stops early when it
 * falls behind its schedule or has an error), then constant-rate steps, each after an idle gap.
 * Every stage offers Poisson arrivals scheduled in advance, served by a bounded pool of virtual
 * users with one keep-alive connection each ({@link LoadRun}): an overloaded step queues its
 * arrivals in the client, and the wait counts in its latency "from schedule", instead of opening
 * connections that later steps inherit. A step is <em>held</em> when every arrival finished without
 * error, arrivals completed per second of the step's window reached 95% of the offered rate, and
 * the median arrival was answered within 10 ms of its scheduled time, so no backlog built up
 * ({@link Stage}; {@code -Dload.maxMedianMillis} changes the 10 ms). One step that does not hold
 * does not end the ramp (the machine is shared: a step can be disturbed); two in a row stop the
 * route, and its remaining steps send nothing. The route's maximum rate is its highest step held.
 * The summary goes to {@code target/gatling/http-max-rate-<time>.txt}, the maxima to {@code
 * target/gatling/http-max-rates.properties} (read by {@link SteadyLoadSimulation}), Gatling's
 * report to {@code target/gatling/maxratesimulation-<time>/}.
 *
 * <p>Run from the repository root (the server jar must be installed first; about 6 minutes):
 *
 * <pre>
 * ./mvnw -B -q -o install -pl authstore-server -DskipTests
 * ./mvnw -B -pl authstore-bench gatling:test -Dgatling.simulationClass=io.authstore.bench.http.MaxRateSimulation
 * </pre>
 *
 * <p>Steps (users per second; a tickets user is an issue and a validate) can be changed with {@code
 * -Dload.steps.live=6000,10000,...}, {@code -Dload.steps.check=...}, {@code
 * -Dload.steps.tickets=...}; step length with {@code -Dload.stepSeconds=6}, warm-up with {@code
 * -Dload.warmUpSeconds=10}. {@code -Dload.routes=check} ramps only the routes named (the others
 * keep the maxima an earlier run wrote); one route per run is also a fresh pair of JVMs (load
 * generator, servers) per route.
 *
 * <p>Placement ({@link LoadTarget}): the servers run in a JVM of their own; {@code
 * -Dload.serverCpus=0 -Dload.generatorCpus=1} pins it (with its Redis) and this JVM to a CPU each.
 *
 * <p>The pool and the pacing ({@link LoadRun.Settings}): {@code -Dload.connections=128} virtual
 * users, hence connections, per stage; {@code -Dload.gapSeconds=2} (at most 8) idle before each
 * stage, after its connections are opened; {@code -Dload.maxLagMillis=500}, how far a warm-up may
 * fall behind its schedule before it stops.
 */
public class MaxRateSimulation extends Simulation {
  private static final List<Double> LIVE_STEPS =
      List.of(
          6000.0, 10000.0, 14000.0, 17000.0, 20000.0, 22000.0, 24000.0, 26000.0, 28000.0, 30000.0,
          32000.0, 35000.0, 38000.0, 41000.0, 44000.0, 48000.0);
  private static final List<Double> CHECK_STEPS = LIVE_STEPS;
  private static final List<Double> TICKET_STEPS =
      List.of(
          1000.0, 2000.0, 3000.0, 4000.0, 4500.0, 5000.0, 5500.0, 6000.0, 6500.0, 7000.0, 8000.0,
          9000.0);

  // Everything that can be refused is read before the servers start (initializers run in order).
  private final LoadRun.Settings settings = LoadRun.Settings.fromProperties();
  private final Duration step = Duration.ofSeconds(Integer.getInteger("load.stepSeconds", 6));
  private final Duration warmUp = Duration.ofSeconds(Integer.getInteger("load.warmUpSeconds", 10));
  private final Map<Route, List<Double>> stepsOf = new EnumMap<>(Route.class);

  {
    for (Route route : Route.selected()) {
      stepsOf.put(route, steps(route));
    }
  }

  private final LoadTarget target = LoadTarget.start();
  private final LoadRun run = new LoadRun(target, this::shouldRun, settings);

  {
    for (Route route : stepsOf.keySet()) {
      List<Double> steps = stepsOf.get(route);
      run.add(route, Stage.Kind.WARM_UP, steps.get(0), warmUp);
      for (double rate : steps) {
        run.add(route, Stage.Kind.MEASURED, rate, step);
      }
    }
    // Every stage is finite; the cap is a second guard that the run stops by itself.
    setUp(run.population()).maxDuration(run.plannedDuration().multipliedBy(3));
  }

  private static List<Double> steps(Route route) {
    String given = System.getProperty("load.steps." + route.label());
    if (given != null) {
      return Arrays.stream(given.split(",")).map(String::trim).map(Double::valueOf).toList();
    }
    return switch (route) {
      case LIVE -> LIVE_STEPS;
      case CHECK -> CHECK_STEPS;
      case TICKETS -> TICKET_STEPS;
    };
  }

  /**
   * A step runs unless its route has stopped: two steps in a row did not hold. (Every stage before
   * this one has finished when this is asked.) A stage that does not run still injects its virtual
   * users (Gatling's injection is fixed before the run), which end at once without a request.
   */
  private boolean shouldRun(Stage stage) {
    if (stage.kind() == Stage.Kind.WARM_UP) {
      return true;
    }
    List<Stage> before = run.measured(stage.route()).stream().takeWhile(s -> s != stage).toList();
    if (before.stream().anyMatch(s -> !s.hasStarted())) {
      return false;
    }
    int n = before.size();
    return n < 2 || before.get(n - 1).held() || before.get(n - 2).held();
  }

  private static double last(List<Double> steps) {
    return steps.get(steps.size() - 1);
  }

  /** The highest held step of a route, or 0 if none held. */
  private double maxRate(Route route) {
    return run.measured(route).stream()
        .filter(Stage::held)
        .mapToDouble(Stage::rate)
        .max()
        .orElse(0);
  }

  @Override
  public void after() {
    try {
      run.finished();
      String summaryFile = "http-max-rate-" + LoadRun.timestamp() + ".txt";
      StringBuilder text = new StringBuilder(run.summary("MaxRateSimulation: stepped ramp"));
      // Routes not run this time keep the maxima an earlier run found.
      Properties maxima = LoadRun.readMaxima();
      text.append("\nmaximum rate (highest held step), users/s:\n");
      for (Route route : Route.selected()) {
        double max = maxRate(route);
        boolean lowerBound = max > 0 && max == last(stepsOf.get(route));
        maxima.setProperty(route.label(), String.format(Locale.ROOT, "%.0f", max));
        maxima.setProperty(route.label() + ".from", summaryFile);
        maxima.setProperty(route.label() + ".lowerBound", Boolean.toString(lowerBound));
        text.append(
            String.format(
                Locale.ROOT,
                "  %-8s %8.0f%s%n",
                route.label(),
                max,
                lowerBound ? "  (the last step held: a lower bound, give higher steps)" : ""));
      }
      text.append(run.threadsByCpu());
      LoadRun.write(summaryFile, text.toString());
      StringWriter props = new StringWriter();
      maxima.store(props, "MaxRateSimulation: highest held step per route, users/s");
      LoadRun.write(LoadRun.MAXIMA_FILE, props.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      target.close();
    }
  }
}
