package io.authstore.bench.http;

import io.gatling.javaapi.core.Simulation;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * Finds the highest rate each route keeps up with: a stepped open-model ramp per route, one route
 * after the other, against servers this simulation starts itself ({@link LoadTarget}).
 *
 * <p>Per route: a warm-up stage at the first step's rate, then constant-rate steps. A step is
 * <em>held</em> when every user finished without error and users completed per second of the step's
 * window reached 95% of the offered rate ({@link Stage}). After two steps in a row that did not
 * hold, the route's remaining steps send nothing. The route's maximum rate is its highest held
 * step. The summary goes to {@code target/gatling/http-max-rate-<time>.txt}, the maxima to {@code
 * target/gatling/http-max-rates.properties} (read by {@link SteadyLoadSimulation}), Gatling's
 * report to {@code target/gatling/maxratesimulation-<time>/}.
 *
 * <p>Run from the repository root (the server jar must be installed first; about 6 minutes):
 *
 * <pre>
 * ./mvnw -B -q -o install -pl authstore-server -DskipTests
 * ./mvnw -B -o -pl authstore-bench gatling:test -Dgatling.simulationClass=io.authstore.bench.http.MaxRateSimulation
 * </pre>
 *
 * <p>Steps (users per second; a tickets user is an issue and a validate) can be changed with {@code
 * -Dload.steps.live=2000,4000,...}, {@code -Dload.steps.check=...}, {@code
 * -Dload.steps.tickets=...}; step length with {@code -Dload.stepSeconds=6}, warm-up with {@code
 * -Dload.warmUpSeconds=10}.
 */
public class MaxRateSimulation extends Simulation {
  private static final List<Double> LIVE_STEPS =
      List.of(
          4000.0, 6000.0, 8000.0, 10000.0, 12000.0, 14000.0, 16000.0, 18000.0, 20000.0, 22000.0,
          24000.0, 27000.0, 30000.0, 34000.0, 38000.0);
  private static final List<Double> CHECK_STEPS = LIVE_STEPS;
  private static final List<Double> TICKET_STEPS =
      List.of(
          1000.0, 1500.0, 2000.0, 2500.0, 3000.0, 3500.0, 4000.0, 4500.0, 5000.0, 6000.0, 7000.0,
          8000.0);

  private final LoadTarget target = LoadTarget.start();
  private final LoadRun run = new LoadRun(target, this::shouldRun);

  {
    Duration step = Duration.ofSeconds(Integer.getInteger("load.stepSeconds", 6));
    Duration warmUp = Duration.ofSeconds(Integer.getInteger("load.warmUpSeconds", 10));
    for (Route route : Route.values()) {
      List<Double> steps = steps(route);
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

  /** Runs a step unless the route already stopped: two steps in a row not held. */
  private boolean shouldRun(Stage stage) {
    if (stage.kind() == Stage.Kind.WARM_UP) {
      return true;
    }
    List<Stage> before = run.measured(stage.route()).stream().takeWhile(s -> s != stage).toList();
    if (before.stream().anyMatch(Stage::wasSkipped)) {
      return false;
    }
    int n = before.size();
    return n < 2 || before.get(n - 1).held() || before.get(n - 2).held();
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
      StringBuilder text = new StringBuilder(run.summary("MaxRateSimulation: stepped ramp"));
      Properties maxima = new Properties();
      text.append("\nmaximum rate (highest held step), users/s:\n");
      for (Route route : Route.values()) {
        double max = maxRate(route);
        maxima.setProperty(route.label(), String.format(Locale.ROOT, "%.0f", max));
        text.append(String.format(Locale.ROOT, "  %-8s %8.0f%n", route.label(), max));
      }
      text.append("\nthreads by CPU (whole run):\n").append(MachineMeter.threadNames());
      LoadRun.write("http-max-rate-" + LoadRun.timestamp() + ".txt", text.toString());
      StringWriter props = new StringWriter();
      maxima.store(props, "MaxRateSimulation: highest held step per route, users/s");
      LoadRun.write("http-max-rates.properties", props.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      target.close();
    }
  }
}
