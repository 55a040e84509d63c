package io.authstore.bench.http;

import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Throughput and p50/p99 latency of every route in one run, each at 70% of its maximum rate: the
 * trivial route ({@code /health/live}), the revocation check (in memory), ticket issue + validate
 * (Redis), one after the other, against servers this simulation starts itself ({@link LoadTarget}).
 * Each route gets a warm-up that ramps to its rate (never above) over two thirds of its time and
 * holds it for the rest, stopping early if it falls behind its schedule or has an error; then,
 * after an idle gap, the measured stage at a constant rate.
 *
 * <p>Every stage offers Poisson arrivals scheduled in advance, served by a bounded pool of virtual
 * users with one keep-alive connection each ({@link LoadRun}): the measured stage starts with only
 * its own pool's connections open, whatever the warm-up did, and when the server falls behind, the
 * arrivals wait in the client for a free connection and the wait is part of the latency "from
 * schedule" (the summary also gives Gatling's response time, request sent to answer). The p99 to
 * compare with a target is the one from schedule.
 *
 * <p>The maximum rates come from {@code target/gatling/http-max-rates.properties}, written by
 * {@link MaxRateSimulation}; {@code -Dload.rate.live=...}, {@code -Dload.rate.check=...}, {@code
 * -Dload.rate.tickets=...} give a route's rate directly instead (users per second, not scaled). The
 * summary goes to {@code target/gatling/http-steady-<time>.txt}, Gatling's report to {@code
 * target/gatling/steadyloadsimulation-<time>/}.
 *
 * <p>Run from the repository root after {@link MaxRateSimulation} (about 5 minutes):
 *
 * <pre>
 * ./mvnw -B -pl authstore-bench gatling:test -Dgatling.simulationClass=io.authstore.bench.http.SteadyLoadSimulation
 * </pre>
 *
 * <p>The series in docs/benchmarks.md adds {@code -Dload.warmUpSeconds=45
 * -Dload.maxLagMillis=3000}: with the defaults, the first route's warm-up in a cold JVM fell 500 ms
 * behind after 7 s and stopped, and the measured stage then ran cold.
 *
 * <p>Length: {@code -Dload.seconds=45} measured and {@code -Dload.warmUpSeconds=25} per route;
 * share of the maximum: {@code -Dload.share=0.7}; routes: {@code -Dload.routes=live,check,tickets}.
 * Placement ({@link LoadTarget}): the servers run in a JVM of their own; {@code -Dload.serverCpus=0
 * -Dload.generatorCpus=1} pins it (with its Redis) and this JVM to a CPU each. The pool and the
 * pacing ({@link LoadRun.Settings}): {@code -Dload.connections=128} virtual users, hence
 * connections, per stage; {@code -Dload.gapSeconds=2} (at most 8) idle before each stage, after its
 * connections are opened; {@code -Dload.maxLagMillis=500}, how far a warm-up may fall behind its
 * schedule before it stops.
 */
public class SteadyLoadSimulation extends Simulation {
  // Everything that can be refused is read before the servers start (initializers run in order).
  private final LoadRun.Settings settings = LoadRun.Settings.fromProperties();
  private final Duration measured = Duration.ofSeconds(Integer.getInteger("load.seconds", 45));
  private final Duration warmUp = Duration.ofSeconds(Integer.getInteger("load.warmUpSeconds", 25));
  private final Map<Route, Double> rateOf = new EnumMap<>(Route.class);
  private final StringBuilder rates = new StringBuilder();

  {
    double share = Double.parseDouble(System.getProperty("load.share", "0.7"));
    Properties maxima = LoadRun.readMaxima();
    for (Route route : Route.selected()) {
      String given = System.getProperty("load.rate." + route.label());
      double rate;
      if (given != null) {
        rate = Double.parseDouble(given);
        rates.append(String.format(Locale.ROOT, "  %-8s %8.0f/s (given)%n", route.label(), rate));
      } else {
        String max = maxima.getProperty(route.label());
        if (max == null || Double.parseDouble(max) <= 0) {
          throw new IllegalStateException(
              "no maximum rate for "
                  + route.label()
                  + ": run MaxRateSimulation first, or give -Dload.rate."
                  + route.label());
        }
        rate = Math.round(Double.parseDouble(max) * share);
        rates.append(
            String.format(
                Locale.ROOT,
                "  %-8s %8.0f/s = %.2f x %s %s/s (%s)%n",
                route.label(),
                rate,
                share,
                Boolean.parseBoolean(maxima.getProperty(route.label() + ".lowerBound"))
                    ? "a lower bound of the maximum"
                    : "maximum",
                max,
                maxima.getProperty(route.label() + ".from", "?")));
      }
      rateOf.put(route, rate);
    }
  }

  private final LoadTarget target = LoadTarget.start();
  private final LoadRun run = new LoadRun(target, stage -> true, settings);

  {
    for (Map.Entry<Route, Double> route : rateOf.entrySet()) {
      run.add(route.getKey(), Stage.Kind.WARM_UP, route.getValue(), warmUp);
      run.add(route.getKey(), Stage.Kind.MEASURED, route.getValue(), measured);
    }
    setUp(run.population()).maxDuration(run.plannedDuration().multipliedBy(3));
  }

  @Override
  public void after() {
    try {
      run.finished();
      String text =
          run.summary("SteadyLoadSimulation: each route at a constant rate")
              + "\nrates, users/s:\n"
              + rates
              + run.threadsByCpu();
      LoadRun.write("http-steady-" + LoadRun.timestamp() + ".txt", text);
    } finally {
      target.close();
    }
  }
}
