package io.authstore.bench.http;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.responseTimeInMillis;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * The stages of one load run, in the order they run, turned into one Gatling population: each stage
 * is its own scenario (named like its requests, {@code "check 4000/s"}), injected with {@code
 * constantUsersPerSec(rate).randomized()} (open model, Poisson-like arrivals), and chained with
 * {@code andThen}, so a stage starts only once every user of the one before has finished: stages
 * never overlap, and a stage's numbers are its own.
 *
 * <p>Both servers are reached through their own Gatling HTTP protocol with {@code
 * shareConnections()}: one pool of keep-alive connections for all users, as a backend calling
 * authstore would have, instead of a connection per user. Gatling does not bound that pool: a
 * request that finds every connection busy opens a new one, so when the server falls behind the
 * connections multiply (the summary counts them, and the kernel's listen queue overflows).
 *
 * <p>Thread-safe where Gatling calls it.
 */
final class LoadRun {
  /** Maxima per route label, written by {@link MaxRateSimulation}, read by the steady run. */
  static final String MAXIMA_FILE = "http-max-rates.properties";

  private static final String TRUE_BODY = "{\"revoked\":true}";
  private static final String FALSE_BODY = "{\"revoked\":false}";

  private final LoadTarget target;
  private final List<Stage> stages = new ArrayList<>();
  private final Predicate<Stage> shouldRun;
  private final HttpProtocolBuilder memoryHttp;
  private final HttpProtocolBuilder redisHttp;
  private final String startedAt = Instant.now().toString();
  private final double loadAverageAtStart = loadAverage();
  private final Map<Stage, Boolean> decisions = new ConcurrentHashMap<>();
  private final MachineMeter meter;
  private volatile Stage current;

  /**
   * @param target the running servers
   * @param shouldRun asked once per stage, when its first user arrives (every stage before it has
   *     finished then); {@code false} makes every user of the stage end without a request
   */
  LoadRun(LoadTarget target, Predicate<Stage> shouldRun) {
    this.target = target;
    this.shouldRun = shouldRun;
    this.memoryHttp = protocol(target.memoryBaseUrl());
    this.redisHttp = protocol(target.redisBaseUrl());
    this.meter = new MachineMeter(target.redisPid(), target.memoryPort(), target.redisBackedPort());
  }

  private static HttpProtocolBuilder protocol(String baseUrl) {
    return http.baseUrl(baseUrl)
        .shareConnections()
        // Gatling's default warm-up calls gatling.io; load runs talk to loopback only.
        .warmUp(baseUrl + "/health/live")
        .acceptHeader("application/json");
  }

  /** Appends a stage; stages run in the order they are added. */
  Stage add(Route route, Stage.Kind kind, double rate, Duration duration) {
    Stage stage = new Stage(route, kind, rate, duration);
    if (stages.stream().anyMatch(s -> s.name().equals(stage.name()))) {
      throw new IllegalArgumentException("two stages named " + stage.name());
    }
    stages.add(stage);
    return stage;
  }

  List<Stage> stages() {
    return List.copyOf(stages);
  }

  /** Every stage, chained one after the other. */
  PopulationBuilder population() {
    PopulationBuilder chain = null;
    for (int i = stages.size() - 1; i >= 0; i--) {
      PopulationBuilder p = populationOf(stages.get(i));
      chain = chain == null ? p : p.andThen(chain);
    }
    if (chain == null) {
      throw new IllegalStateException("no stages");
    }
    return chain;
  }

  /** Total planned time of all stages, without the drain after each. */
  Duration plannedDuration() {
    return stages.stream().map(Stage::duration).reduce(Duration.ZERO, Duration::plus);
  }

  private PopulationBuilder populationOf(Stage stage) {
    ChainBuilder requests =
        exec(session -> {
              stage.userStarted();
              return session;
            })
            .exec(requests(stage))
            .exec(
                session -> {
                  recordLatencies(stage, session);
                  stage.userEnded(session.isFailed());
                  return session;
                });
    return scenario(stage.name())
        .exec(
            session -> {
              arrived(stage);
              return session;
            })
        .doIfOrElse(session -> decide(stage))
        .then(requests)
        .orElse(
            exec(
                session -> {
                  stage.userSkipped();
                  return session;
                }))
        .injectOpen(injection(stage))
        .protocols(stage.route() == Route.TICKETS ? redisHttp : memoryHttp);
  }

  /**
   * Measured stages: a constant rate. Warm-ups: a ramp from 5% of the rate over two thirds of the
   * time, then the rate. Gatling's shared pool starts empty and opens a connection whenever every
   * one is busy; a cold start at thousands per second opens them faster than the server's listen
   * queue (50) takes them, and the kernel drops the rest.
   */
  private static OpenInjectionStep[] injection(Stage stage) {
    if (stage.kind() != Stage.Kind.WARM_UP) {
      return new OpenInjectionStep[] {
        constantUsersPerSec(stage.rate()).during(stage.duration()).randomized()
      };
    }
    Duration ramp = stage.duration().multipliedBy(2).dividedBy(3);
    return new OpenInjectionStep[] {
      rampUsersPerSec(stage.rate() / 20).to(stage.rate()).during(ramp).randomized(),
      constantUsersPerSec(stage.rate()).during(stage.duration().minus(ramp)).randomized()
    };
  }

  private ChainBuilder requests(Stage stage) {
    String name = stage.name();
    String key = target.adminKey();
    return switch (stage.route()) {
      case LIVE ->
          exec(
              http(name)
                  .get("/health/live")
                  .check(responseTimeInMillis().saveAs("rt.live"), status().is(200)));
      case CHECK ->
          feed(checkFeeder())
              .exec(
                  http(name)
                      .get("/auth/revocations/#{jti}")
                      .queryParam("issuer", LoadTarget.ISSUER)
                      .header("X-API-Key", key)
                      .check(
                          responseTimeInMillis().saveAs("rt.check"),
                          status().is(200),
                          bodyString().is(s -> s.getBoolean("revoked") ? TRUE_BODY : FALSE_BODY)));
      case TICKETS ->
          feed(subjectFeeder())
              .exec(
                  http(name + " issue")
                      .post("/auth/sessions")
                      .header("X-API-Key", key)
                      .body(
                          StringBody(
                              "{\"subject\":\"#{subject}\",\"ttl_seconds\":"
                                  + LoadTarget.TICKET_TTL_SECONDS
                                  + "}"))
                      .asJson()
                      .check(
                          responseTimeInMillis().saveAs("rt.issue"),
                          status().is(201),
                          jmesPath("token").saveAs("token")))
              .exec(
                  doIf(session -> !session.isFailed())
                      .then(
                          exec(
                              http(name + " validate")
                                  .post("/auth/sessions/validate")
                                  .header("X-API-Key", key)
                                  .body(StringBody("{\"token\":\"#{token}\"}"))
                                  .asJson()
                                  .check(
                                      responseTimeInMillis().saveAs("rt.validate"),
                                      status().is(200),
                                      jmesPath("subject").isEL("#{subject}")))));
    };
  }

  private static void recordLatencies(Stage stage, Session session) {
    for (String request : List.of("live", "check", "issue", "validate")) {
      Long millis = session.getLongWrapper("rt." + request);
      if (millis != null) {
        stage.record(request, millis);
      }
    }
  }

  /** Half the checks name a revoked jti, half a fresh UUID; the expected answer goes along. */
  private Iterator<Map<String, Object>> checkFeeder() {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public Map<String, Object> next() {
        boolean revoked = ThreadLocalRandom.current().nextBoolean();
        String jti = revoked ? target.revokedJti() : UUID.randomUUID().toString();
        return Map.of("jti", jti, "revoked", revoked);
      }
    };
  }

  /** Subjects drawn from 10,000, as many users of one application. */
  private static Iterator<Map<String, Object>> subjectFeeder() {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public Map<String, Object> next() {
        return Map.of("subject", "user-" + ThreadLocalRandom.current().nextInt(10_000));
      }
    };
  }

  private boolean decide(Stage stage) {
    return decisions.computeIfAbsent(stage, shouldRun::test);
  }

  /** The first user of a stage closes the CPU window of the stage before and opens its own. */
  private void arrived(Stage stage) {
    if (current == stage) {
      return;
    }
    synchronized (this) {
      if (current == stage) {
        return;
      }
      MachineMeter.Snapshot now = meter.snapshot();
      if (current != null) {
        current.cpuEnd(now);
      }
      stage.cpuStart(now);
      current = stage;
    }
  }

  /** Closes the last stage's CPU window; call once every stage has ended. */
  synchronized void finished() {
    if (current != null) {
      current.cpuEnd(meter.snapshot());
    }
  }

  /** Measured stages (steps and their retries) of one route, in run order. */
  List<Stage> measured(Route route) {
    return stages.stream()
        .filter(s -> s.route() == route && s.kind() != Stage.Kind.WARM_UP)
        .toList();
  }

  /** The summary of the run: environment, then one entry per stage. */
  String summary(String title) {
    StringBuilder out = new StringBuilder();
    out.append(title).append('\n');
    out.append("started ").append(startedAt).append(", ended ").append(Instant.now()).append('\n');
    out.append(
        String.format(
            Locale.ROOT,
            "java %s (%s), %d CPUs, max heap %d MiB; load average (1 min) %.2f at start, %.2f at"
                + " end%n",
            System.getProperty("java.version"),
            System.getProperty("java.vm.name"),
            Runtime.getRuntime().availableProcessors(),
            Runtime.getRuntime().maxMemory() >> 20,
            loadAverageAtStart,
            loadAverage()));
    out.append(
        "servers in this JVM on 127.0.0.1; "
            + LoadTarget.REVOKED
            + String.format(
                Locale.ROOT, " revoked jtis (loaded over HTTP in %.1f s)", target.loadSeconds())
            + "; rate limits off; open model, Poisson arrivals, shared keep-alive"
            + " connections; connections open = [in-memory server, Redis-backed server]\n\n");
    for (Route route : Route.selected()) {
      List<Stage> ofRoute = stages.stream().filter(s -> s.route() == route).toList();
      if (ofRoute.isEmpty()) {
        continue;
      }
      out.append('\n');
      for (Stage stage : ofRoute) {
        if (stage.hasStarted()) {
          out.append(stage.describe()).append('\n');
        }
      }
      long notRun =
          ofRoute.stream().filter(s -> s.kind() == Stage.Kind.MEASURED && !s.hasStarted()).count();
      if (notRun > 0) {
        out.append("(").append(notRun).append(" higher step(s) not run: the route had stopped)\n");
      }
    }
    return out.toString();
  }

  /** Where the runs write: the module's {@code target/gatling} (set by the POM). */
  static Path out(String file) {
    return Path.of(System.getProperty("load.out", "target/gatling"), file);
  }

  /** The maxima {@link MaxRateSimulation} found, per route label; empty if none yet. */
  static Properties readMaxima() {
    Properties maxima = new Properties();
    Path file = out(MAXIMA_FILE);
    if (Files.exists(file)) {
      try (Reader in = Files.newBufferedReader(file)) {
        maxima.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return maxima;
  }

  /** Writes a text to {@code target/gatling/<file>} and prints it. */
  static Path write(String file, String text) {
    try {
      Path path = out(file);
      Files.createDirectories(path.getParent());
      Files.writeString(path, text);
      System.out.println(text);
      System.out.println("written to " + path.toAbsolutePath());
      return path;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String timestamp() {
    return Instant.now().toString().replaceAll("[:.]", "").substring(0, 15);
  }

  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }
}
