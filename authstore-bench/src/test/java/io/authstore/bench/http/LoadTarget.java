package io.authstore.bench.http;

import io.authstore.server.ApiKeys;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the load runs measure: the servers of {@link LoadServers} (a {@code redis-server}, an
 * in-memory authstore server for revocation checks and {@code /health/live}, a Redis-backed one for
 * tickets), started in a JVM of their own, a child process of the simulation's JVM; the in-memory
 * server holds {@link #REVOKED} revoked jtis. The load sends the one admin key in {@code
 * X-API-Key}.
 *
 * <p>The child runs the same {@code java} with the same class path, {@code -Xms1g -Xmx1g} and the
 * JVM's default collector (G1). {@code -Dload.serverCpus=0} and {@code -Dload.generatorCpus=1} (CPU
 * lists in {@code taskset}'s syntax) pin the servers, with their Redis, and the simulation's JVM to
 * CPUs of their own, as if the load came from another machine; unset, both share every CPU.
 *
 * <p>The revoked jtis are loaded through the HTTP API ({@code POST /auth/revocations}) before any
 * measurement, and the count the server reports is checked.
 *
 * <p>Thread-safe after {@link #start()}: the jti pools are read-only, and the questions to the
 * child are serialized.
 */
final class LoadTarget implements AutoCloseable {
  /** Revoked jtis held by the in-memory server during the check runs. */
  static final int REVOKED = 100_000;

  /** The {@code iss} every revocation and check names. */
  static final String ISSUER = "https://issuer.example";

  /** Lifetime of the issued tickets: bounds the tombstones Redis keeps during a run. */
  static final int TICKET_TTL_SECONDS = 300;

  private static final int LOAD_THREADS = 4;
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);

  /** Heap of the servers' JVM, {@code -Xms} and {@code -Xmx}. */
  static final int SERVERS_HEAP_MIB = 1024;

  /** Put in {@link #answers} when the child's output ends (compared by identity). */
  private static final String EXITED = new String("(exited)");

  private final String adminKey = ApiKeys.generateSecret();
  private final String[] revokedJtis = new String[REVOKED];
  private final String serverCpus = System.getProperty("load.serverCpus", "");
  private final String generatorCpus = System.getProperty("load.generatorCpus", "");
  private Process servers;
  private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
  private String collectors = "?";
  private PrintStream toServers;
  private int memoryPort;
  private int redisBackedPort;
  private long redisPid;
  private double loadSeconds;

  private LoadTarget() {}

  /**
   * Starts the servers' JVM, pins the processes if asked, and loads the revocations.
   *
   * @return the running target; close it when the run ends
   */
  static LoadTarget start() {
    LoadTarget target = new LoadTarget();
    try {
      target.open();
      return target;
    } catch (RuntimeException | Error e) {
      target.close();
      throw e;
    }
  }

  private void open() {
    List<String> command = new ArrayList<>();
    if (!serverCpus.isEmpty()) {
      command.addAll(List.of("taskset", "-c", serverCpus));
    }
    command.addAll(
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xms" + SERVERS_HEAP_MIB + "m",
            "-Xmx" + SERVERS_HEAP_MIB + "m",
            // Standard output is the protocol: the JVM's own messages go to standard error.
            "-Xlog:disable",
            "-Xlog:all=warning:stderr",
            "-Dslf4j.provider=ch.qos.logback.classic.spi.LogbackServiceProvider",
            "-cp",
            System.getProperty("java.class.path"),
            LoadServers.class.getName()));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
    builder.environment().put(LoadServers.KEY_VARIABLE, adminKey);
    try {
      servers = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the servers' JVM: " + command.get(0), e);
    }
    Thread reader = new Thread(this::readAnswers, "load-servers-reader");
    reader.setDaemon(true);
    reader.start();
    toServers = new PrintStream(servers.getOutputStream(), true, StandardCharsets.UTF_8);
    String ready = readAnswer(START_TIMEOUT);
    if (!ready.startsWith("ready ")) {
      throw new IllegalStateException("the servers' JVM said " + ready);
    }
    String[] f = ready.split(" ");
    memoryPort = Integer.parseInt(f[1]);
    redisBackedPort = Integer.parseInt(f[2]);
    redisPid = Long.parseLong(f[3]);
    collectors = ask("collectors").replaceFirst("^collectors ", "");
    if (!generatorCpus.isEmpty()) {
      pin(ProcessHandle.current().pid(), generatorCpus);
    }
    for (int i = 0; i < REVOKED; i++) {
      revokedJtis[i] = UUID.randomUUID().toString();
    }
    loadRevocations();
  }

  /** The reader thread: every line the child writes, then {@link #EXITED} at its end. */
  private void readAnswers() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(servers.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        answers.add(line);
      }
    } catch (IOException e) {
      // The child's standard output is gone: same as its end.
    }
    answers.add(EXITED);
  }

  /** The child's next line, or a failure if it has exited or stays silent for {@code timeout}. */
  private String readAnswer(Duration timeout) {
    String line;
    try {
      line = answers.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (line == null) {
      throw new IllegalStateException("the servers' JVM did not answer within " + timeout);
    }
    if (line == EXITED) {
      answers.add(EXITED); // every later read fails the same way
      String exit;
      try {
        exit = servers.waitFor(5, TimeUnit.SECONDS) ? "exit " + servers.exitValue() : "running";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exit = "unknown";
      }
      throw new IllegalStateException(
          "the servers' JVM closed its output (" + exit + "); its standard error is above");
    }
    return line;
  }

  /** {@code taskset -a -p -c <cpus> <pid>}: every thread of the process, and those it starts. */
  private static void pin(long pid, String cpus) {
    try {
      Process taskset =
          new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, Long.toString(pid))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!taskset.waitFor(10, TimeUnit.SECONDS) || taskset.exitValue() != 0) {
        throw new IllegalStateException("taskset -c " + cpus + " of process " + pid + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("taskset is needed for load.serverCpus/generatorCpus", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** How the processes are placed, for the summary. */
  String placement() {
    String jvm =
        "servers in their own JVM (heap "
            + SERVERS_HEAP_MIB
            + " MiB, collectors "
            + collectors
            + ", pid "
            + servers.pid()
            + ")";
    if (serverCpus.isEmpty() && generatorCpus.isEmpty()) {
      return jvm + "; servers, Redis and load generator share every CPU";
    }
    return jvm
        + "; servers and Redis pinned to CPU "
        + (serverCpus.isEmpty() ? "(any)" : serverCpus)
        + ", load generator to CPU "
        + (generatorCpus.isEmpty() ? "(any)" : generatorCpus);
  }

  /** The servers' JVM's collections and their total time: {@code [count, millis]}. */
  synchronized long[] serverGc() {
    String answer = ask("gc");
    String[] f = answer.split(" ");
    if (f.length != 3 || !f[0].equals("gc")) {
      throw new IllegalStateException("the servers' JVM answered " + answer);
    }
    return new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])};
  }

  /** The servers' JVM's CPU per thread name, as {@link MachineMeter#threadNames()} gives it. */
  synchronized String serverThreads() {
    StringBuilder out = new StringBuilder();
    for (String line = ask("threads"); !line.equals("end"); line = readAnswer(ANSWER_TIMEOUT)) {
      out.append(line).append('\n');
    }
    return out.toString();
  }

  private String ask(String question) {
    toServers.println(question);
    if (toServers.checkError()) {
      throw new IllegalStateException("the servers' JVM no longer reads its input");
    }
    return readAnswer(ANSWER_TIMEOUT);
  }

  /**
   * {@code POST /auth/revocations} for every jti, from {@link #LOAD_THREADS} threads, each on its
   * own keep-alive connection ({@link SetupConnection}), then checks the count the server reports.
   */
  private void loadRevocations() {
    long start = System.nanoTime();
    long expiresAt = Instant.now().plus(Duration.ofHours(2)).getEpochSecond();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger threadNumber = new AtomicInteger();
    ExecutorService threads =
        Executors.newFixedThreadPool(
            LOAD_THREADS, r -> new Thread(r, "load-setup-" + threadNumber.incrementAndGet()));
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < LOAD_THREADS; t++) {
        done.add(
            threads.submit(
                () -> {
                  try (SetupConnection http = new SetupConnection(memoryPort, adminKey)) {
                    for (int i = next.getAndIncrement(); i < REVOKED; i = next.getAndIncrement()) {
                      String body =
                          "{\"issuer\":\""
                              + ISSUER
                              + "\",\"jti\":\""
                              + revokedJtis[i]
                              + "\",\"expires_at\":"
                              + expiresAt
                              + "}";
                      String answer = http.send("POST", "/auth/revocations", body);
                      if (!answer.startsWith("200 ") || !answer.contains("\"stored\":true")) {
                        throw new IllegalStateException("revoke answered " + answer);
                      }
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      try (SetupConnection http = new SetupConnection(memoryPort, adminKey)) {
        String status = http.send("GET", "/auth/session-status", null);
        if (!status.contains("\"revoked_entries\":" + REVOKED)) {
          throw new IllegalStateException("expected " + REVOKED + " revoked entries: " + status);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("loading revocations failed", e.getCause());
    } finally {
      threads.shutdownNow();
    }
    loadSeconds = (System.nanoTime() - start) / 1e9;
  }

  /** Seconds it took to revoke the {@link #REVOKED} jtis over HTTP. */
  double loadSeconds() {
    return loadSeconds;
  }

  /** A revoked jti, uniformly drawn. */
  String revokedJti() {
    return revokedJtis[ThreadLocalRandom.current().nextInt(REVOKED)];
  }

  /** The API key with every scope. A secret: never print or log it. */
  String adminKey() {
    return adminKey;
  }

  /** The in-memory server (revocation checks, {@code /health/live}). */
  String memoryBaseUrl() {
    return "http://127.0.0.1:" + memoryPort;
  }

  /** The Redis-backed server (tickets). */
  String redisBaseUrl() {
    return "http://127.0.0.1:" + redisBackedPort;
  }

  int memoryPort() {
    return memoryPort;
  }

  int redisBackedPort() {
    return redisBackedPort;
  }

  /** The servers' JVM's process id, for its CPU time. */
  long serversPid() {
    return servers.pid();
  }

  /** The {@code redis-server} process id, for its CPU time. */
  long redisPid() {
    return redisPid;
  }

  /**
   * Closes the child's standard input, on which it closes the servers and Redis and exits; if it
   * has not within 30 s, SIGTERM (its shutdown hooks stop Redis), then SIGKILL, and Redis is killed
   * if it is still there.
   */
  @Override
  public void close() {
    if (servers == null) {
      return;
    }
    if (toServers != null) {
      toServers.close();
    }
    boolean closedItself = false;
    try {
      closedItself = servers.waitFor(30, TimeUnit.SECONDS);
      if (!closedItself) {
        servers.destroy();
        if (!servers.waitFor(10, TimeUnit.SECONDS)) {
          servers.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      servers.destroyForcibly();
    } finally {
      if (!closedItself && redisPid > 0) {
        ProcessHandle.of(redisPid).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }
}
