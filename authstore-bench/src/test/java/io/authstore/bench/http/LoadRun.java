package io.authstore.bench.http;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.responseTimeInMillis;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The stages of one load run, in the order they run, turned into one Gatling population: each stage
 * is its own scenario (named like its requests, {@code "check 4000/s"}), chained with {@code
 * andThen}, so a stage starts only once every virtual user of the one before has finished: stages
 * never overlap, and a stage's numbers are its own.
 *
 * <p><b>Arrivals and connections.</b> A stage offers its rate as a schedule of Poisson arrivals
 * fixed in advance ({@link Stage}), served by a bounded pool: {@link Settings#connections} virtual
 * users, injected over {@link #CONNECT_RAMP}, each with its own keep-alive connection (Gatling's
 * default per-user connection pool; a user sends one request at a time, so it holds one
 * connection). Each virtual user first opens its connection ({@code GET /health/live}, named {@code
 * "<stage> connect"} in Gatling's report), waits for the schedule to start, then loops: take the
 * next arrival, wait for its scheduled time, send it, record it. When every virtual user is busy,
 * the arrivals that fall due wait for the next free one, and that wait is part of the latency
 * recorded "from schedule" (the arrival's scheduled time to the answer); Gatling's own response
 * time (request sent to answer) is recorded next to it. The offered rate therefore stays the
 * schedule's whatever the server does, the connections never exceed the pool, and a measured stage
 * starts with only its own pool's connections open: when a virtual user ends, Gatling closes its
 * connections ({@code HttpComponents.onExit} flushes the user's channels).
 *
 * <p>Why not Gatling's own tools: with {@code shareConnections()} all users share one pool that
 * Gatling does not bound (a request that finds no idle connection opens a new one; {@code
 * maxConnectionsPerHost} only caps a user's concurrent resource fetches), so when the server fell
 * behind during a warm-up the pool grew to thousands of connections that the measured stage
 * inherited; and an open model with one request per user (new users per second) needs a new
 * connection per user without sharing. {@code pace} keeps a per-user schedule but offers no wait
 * time to record, and {@code throttle} sends late requests without counting the delay.
 *
 * <p><b>Timeline of a stage.</b> Its first virtual user arrives (the stage before has ended) and
 * asks whether the stage runs; if it does, its schedule starts {@link #CONNECT_RAMP} + {@link
 * Settings#gap} later, an idle gap in which the connections are opened and the server settles after
 * the stage before. The CPU window ({@link MachineMeter}) opens at the schedule's start and closes
 * when the stage's last virtual user leaves: its "connections open at start" are the stage's own
 * pool, its "at end" what is left for the next stage once the stage's users have gone; the
 * connections open when the schedule ran out are counted too. A stage the run does not drive costs
 * only the connect ramp.
 *
 * <p>Thread-safe where Gatling calls it.
 */
final class LoadRun {
  /** Maxima per route label, written by {@link MaxRateSimulation}, read by the steady run. */
  static final String MAXIMA_FILE = "http-max-rates.properties";

  /** A stage's virtual users arrive, and open their connections, over this time. */
  static final Duration CONNECT_RAMP = Duration.ofSeconds(1);

  /**
   * Gatling's pauses are whole milliseconds: a virtual user wakes this much before an arrival's
   * time, so that a late timer does not count as waiting. A request sent early is timed from when
   * it was sent.
   */
  private static final long TIMER_SLACK_NANOS = 1_000_000L;

  private static final String TRUE_BODY = "{\"revoked\":true}";
  private static final String FALSE_BODY = "{\"revoked\":false}";

  // Session attributes of a virtual user.
  private static final String SCHEDULED = "arrival.scheduled";
  private static final String TAKEN = "arrival.taken";
  private static final String SENT = "arrival.sent";
  private static final String FIRST_ANSWER = "arrival.firstAnswer";
  private static final String[] PER_ARRIVAL = {
    "rt.live", "rt.check", "rt.issue", "rt.validate", "token", FIRST_ANSWER
  };

  /**
   * How stages are driven. Read by the simulations from system properties ({@link
   * #fromProperties}).
   *
   * @param connections virtual users, hence keep-alive connections, per stage ({@code
   *     -Dload.connections}, default 128)
   * @param gap idle time before each stage's schedule, after its connections are opened ({@code
   *     -Dload.gapSeconds}, default 2, at most 8: the open connections must not reach Gatling's
   *     idle timeout)
   * @param maxLag a warm-up stops when it falls this far behind its schedule ({@code
   *     -Dload.maxLagMillis}, default 500)
   */
  record Settings(int connections, Duration gap, Duration maxLag) {
    private static final Duration MAX_GAP = Duration.ofSeconds(8);

    Settings {
      // The pool opened before the gap must outlive it: Gatling closes a connection idle for
      // gatling.http.pooledConnectionIdleTimeout (10 s, src/test/resources/gatling.conf).
      if (connections < 1
          || gap.isNegative()
          || gap.compareTo(MAX_GAP) > 0
          || maxLag.isNegative()) {
        throw new IllegalArgumentException(
            "load.connections >= 1, 0 <= load.gapSeconds <= "
                + MAX_GAP.toSeconds()
                + ", load.maxLagMillis >= 0");
      }
    }

    static Settings fromProperties() {
      return new Settings(
          Integer.getInteger("load.connections", 128),
          Duration.ofSeconds(Integer.getInteger("load.gapSeconds", 2)),
          Duration.ofMillis(Integer.getInteger("load.maxLagMillis", 500)));
    }

    String describe() {
      return String.format(
          Locale.ROOT,
          "%d virtual users per stage, each on its own keep-alive connection, serving Poisson"
              + " arrivals scheduled in advance; %d s idle before each stage; a warm-up stops %d ms"
              + " behind its schedule",
          connections,
          gap.toSeconds(),
          maxLag.toMillis());
    }
  }

  private final LoadTarget target;
  private final Settings settings;
  private final List<Stage> stages = new ArrayList<>();
  private final Predicate<Stage> shouldRun;
  private final HttpProtocolBuilder memoryHttp;
  private final HttpProtocolBuilder redisHttp;
  private final String startedAt = Instant.now().toString();
  private final double loadAverageAtStart = loadAverage();
  private final Map<Stage, Boolean> decisions = new ConcurrentHashMap<>();
  private final MachineMeter meter;
  private final ScheduledExecutorService meterThread =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "load-meter");
            t.setDaemon(true);
            return t;
          });

  /**
   * @param target the running servers
   * @param shouldRun asked once per stage, when its first virtual user arrives (every stage before
   *     it has finished then); {@code false} makes every virtual user of the stage end without a
   *     request
   * @param settings pool size, idle gap, warm-up lag
   */
  LoadRun(LoadTarget target, Predicate<Stage> shouldRun, Settings settings) {
    this.target = target;
    this.shouldRun = shouldRun;
    this.settings = settings;
    this.memoryHttp = protocol(target.memoryBaseUrl());
    this.redisHttp = protocol(target.redisBaseUrl());
    this.meter = new MachineMeter(target);
  }

  /**
   * No {@code shareConnections()}: each virtual user keeps its own connection, and the pool is
   * bounded by the number of virtual users.
   */
  private static HttpProtocolBuilder protocol(String baseUrl) {
    return http.baseUrl(baseUrl)
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

  /** Total planned time of all stages with their connect ramps and gaps, without the drains. */
  Duration plannedDuration() {
    return stages.stream()
        .map(s -> s.duration().plus(CONNECT_RAMP).plus(settings.gap()))
        .reduce(Duration.ZERO, Duration::plus);
  }

  private PopulationBuilder populationOf(Stage stage) {
    ChainBuilder arrival =
        pause(session -> until(session.getLong(SCHEDULED)))
            .exec(
                session -> {
                  long now = System.nanoTime();
                  stage.arrivalStarted(session.getLong(SCHEDULED), session.getLong(TAKEN), now);
                  return session.removeAll(PER_ARRIVAL).markAsSucceeded().set(SENT, now);
                })
            .exec(requests(stage))
            .exec(
                session -> {
                  long now = System.nanoTime();
                  recordLatencies(stage, session, now);
                  stage.arrivalEnded(session.isFailed(), now);
                  return next(stage, session, now);
                });
    ChainBuilder driven =
        exec(http(stage.name() + " connect").get("/health/live").check(status().is(200)))
            .exec(
                session -> {
                  if (session.isFailed()) {
                    stage.connectFailed();
                  }
                  return session.markAsSucceeded();
                })
            .pause(session -> until(stage.scheduleStart()))
            .exec(session -> next(stage, session, System.nanoTime()))
            .asLongAs(session -> session.getLong(SCHEDULED) != Stage.DONE)
            .on(arrival)
            .exec(
                session -> {
                  left(stage);
                  return session;
                });
    return scenario(stage.name())
        .doIfOrElse(session -> decide(stage))
        .then(driven)
        .orElse(
            exec(
                session -> {
                  stage.userSkipped();
                  return session;
                }))
        .injectOpen(rampUsers(settings.connections()).during(CONNECT_RAMP))
        .protocols(stage.route() == Route.TICKETS ? redisHttp : memoryHttp);
  }

  /**
   * Gives a free virtual user the stage's next arrival; the first to find the schedule ended counts
   * the connections open then (on the meter's thread).
   */
  private Session next(Stage stage, Session session, long now) {
    long arrival = stage.nextArrival(now);
    if (arrival == Stage.DONE && stage.claimScheduleEnd()) {
      meterThread.execute(metered(stage, () -> stage.scheduleEnded(meter.connections())));
    }
    return session.set(SCHEDULED, arrival).set(TAKEN, now);
  }

  /** The pause until shortly before a {@link System#nanoTime} instant (none if it has passed). */
  private static Duration until(long instant) {
    if (instant == Stage.DONE) {
      return Duration.ZERO;
    }
    return Duration.ofNanos(Math.max(0, instant - System.nanoTime() - TIMER_SLACK_NANOS));
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
              .exec(session -> session.set(FIRST_ANSWER, System.nanoTime()))
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

  /**
   * Gatling's response time of each request, and the first request's time from the arrival's
   * schedule (or from when it was sent, if that was earlier) to its answer.
   */
  private static void recordLatencies(Stage stage, Session session, long now) {
    for (String request : List.of("live", "check", "issue", "validate")) {
      Long millis = session.getLongWrapper("rt." + request);
      if (millis != null) {
        stage.record(request, millis);
      }
    }
    String first = stage.firstRequest();
    Long firstAnswer = session.getLongWrapper(FIRST_ANSWER);
    long answered = firstAnswer != null ? firstAnswer : now;
    long from = Math.min(session.getLong(SCHEDULED), session.getLong(SENT));
    // Rounded to the nearest millisecond; Gatling's own times are differences of whole ones.
    stage.record(first + " from schedule", (answered - from + 500_000) / 1_000_000);
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
        ThreadLocalRandom random = ThreadLocalRandom.current();
        boolean revoked = random.nextBoolean();
        // Not UUID.randomUUID(): its SecureRandom is a lock and more CPU in the generator, and a
        // jti nobody revoked needs no unpredictability.
        String jti =
            revoked
                ? target.revokedJti()
                : new UUID(random.nextLong(), random.nextLong()).toString();
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

  /**
   * Asked by every virtual user of a stage as it arrives; the first one's question decides, and
   * fixes the stage's schedule and the opening of its CPU window.
   */
  private boolean decide(Stage stage) {
    return decisions.computeIfAbsent(
        stage,
        s -> {
          boolean run = shouldRun.test(s);
          if (run) {
            Duration lead = CONNECT_RAMP.plus(settings.gap());
            s.schedule(
                System.nanoTime() + lead.toNanos(), settings.connections(), settings.maxLag());
            meterThread.schedule(
                metered(s, () -> s.cpuStart(meter.snapshot())),
                lead.toNanos(),
                TimeUnit.NANOSECONDS);
          }
          return run;
        });
  }

  /** The stage's last virtual user to leave closes its CPU window (on the meter's thread). */
  private void left(Stage stage) {
    if (stage.userLeft()) {
      meterThread.execute(metered(stage, () -> stage.cpuEnd(meter.snapshot())));
    }
  }

  /**
   * A meter task that reports its failure in the stage's summary and on standard error: the meter
   * thread's executor would otherwise keep the exception in a future nobody reads.
   */
  private static Runnable metered(Stage stage, Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        stage.meterFailed(e.toString());
        System.err.println("load meter failed for " + stage.name() + ": " + e);
      }
    };
  }

  /** Closes any CPU window still open (a run cut short); call once every stage has ended. */
  void finished() {
    meterThread.shutdown();
    try {
      if (!meterThread.awaitTermination(10, TimeUnit.SECONDS)) {
        meterThread.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (stages.stream().noneMatch(Stage::cpuOpen)) {
      return;
    }
    MachineMeter.Snapshot now;
    try {
      now = meter.snapshot();
    } catch (RuntimeException e) {
      stages.stream().filter(Stage::cpuOpen).forEach(s -> s.meterFailed(e.toString()));
      return;
    }
    for (Stage stage : stages) {
      if (stage.cpuOpen()) {
        stage.cpuEnd(now);
      }
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
            "java %s (%s), %d CPUs on the machine; load generator's heap %d MiB; load average (1"
                + " min) %.2f at start, %.2f at end%n",
            System.getProperty("java.version"),
            System.getProperty("java.vm.name"),
            machineCpus(),
            Runtime.getRuntime().maxMemory() >> 20,
            loadAverageAtStart,
            loadAverage()));
    out.append(
        target.placement()
            + "; on 127.0.0.1; "
            + LoadTarget.REVOKED
            + String.format(
                Locale.ROOT, " revoked jtis (loaded over HTTP in %.1f s)", target.loadSeconds())
            + "; rate limits off\n"
            + settings.describe()
            + "; latency \"from schedule\" runs from an arrival's scheduled time, so it includes"
            + " any wait for a free connection; connections open = [in-memory server,"
            + " Redis-backed server]\n\n");
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

  /** CPU per thread name of both JVMs over the whole run, for the summary's end. */
  String threadsByCpu() {
    return "\nthreads by CPU (whole run), servers' JVM:\n"
        + target.serverThreads()
        + "\nthreads by CPU (whole run), load generator's JVM:\n"
        + MachineMeter.threadNames();
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

  /**
   * The machine's CPUs from {@code /proc/cpuinfo}: the JVM's own count shrinks to the pinned CPUs
   * ({@code -Dload.generatorCpus}).
   */
  private static long machineCpus() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines.filter(l -> l.startsWith("processor")).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }
}
