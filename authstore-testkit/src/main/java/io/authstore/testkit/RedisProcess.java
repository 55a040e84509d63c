package io.authstore.testkit;

import io.lettuce.core.RedisURI;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One real {@code redis-server} process on a free loopback port, with its own data directory.
 *
 * <p>Tests can {@link #kill()} it (SIGKILL), {@link #pause()} and {@link #resume()} it
 * (SIGSTOP/SIGCONT), and {@link #restart()} it on the same port and directory (so data persisted
 * with {@code appendonly yes} survives). Every process is stopped by {@link #close()}, and any
 * still running when the JVM exits is killed by a shutdown hook, whether the tests failed or not.
 *
 * <p>Not thread-safe: one test drives one process.
 */
public final class RedisProcess implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
  private static final Set<RedisProcess> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> RUNNING.forEach(RedisProcess::destroyQuietly), "redis-testkit-reaper"));
  }

  private final Path binary;
  private final Path dir;
  private final int port;
  private final List<String> args;
  private final boolean sentinel;
  private Process process;

  private RedisProcess(Path binary, Path dir, int port, List<String> args, boolean sentinel) {
    this.binary = binary;
    this.dir = dir;
    this.port = port;
    this.args = List.copyOf(args);
    this.sentinel = sentinel;
  }

  /**
   * Starts a standalone server without persistence.
   *
   * @param extraArgs more {@code redis-server} arguments, e.g. {@code "--appendonly", "yes"}
   * @return the running, ready process
   */
  public static RedisProcess start(String... extraArgs) {
    return start(List.of(extraArgs), false);
  }

  /**
   * Starts a standalone server from a given binary, e.g. {@link RedisBinary#embedded()}.
   *
   * @param binary the {@code redis-server} to run
   * @param extraArgs more {@code redis-server} arguments
   * @return the running, ready process
   */
  public static RedisProcess start(Path binary, List<String> extraArgs) {
    return start(binary, extraArgs, false);
  }

  static RedisProcess start(List<String> extraArgs, boolean sentinel) {
    return start(RedisBinary.locate(), extraArgs, sentinel);
  }

  private static RedisProcess start(Path binary, List<String> extraArgs, boolean sentinel) {
    Path dir;
    try {
      dir = Files.createTempDirectory("authstore-redis");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // A free port can be taken between probing and binding: try a few.
    IllegalStateException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      RedisProcess p = new RedisProcess(binary, dir, freePort(), extraArgs, sentinel);
      try {
        p.launch();
        return p;
      } catch (IllegalStateException e) {
        last = e;
        p.destroyQuietly();
      }
    }
    throw last;
  }

  /**
   * @return the port it listens on, on 127.0.0.1
   */
  public int port() {
    return port;
  }

  /**
   * @return {@code redis://127.0.0.1:<port>}
   */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /**
   * @return a Lettuce URI for this process
   */
  public RedisURI redisUri() {
    return RedisURI.create("127.0.0.1", port);
  }

  /**
   * @return its data directory
   */
  public Path dir() {
    return dir;
  }

  /**
   * @return true while the process runs
   */
  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  /**
   * @return the operating system's process id
   */
  public long pid() {
    return process.pid();
  }

  /** Kills the process with SIGKILL and waits until it is gone. Data not persisted is lost. */
  public void kill() {
    if (process != null) {
      process.destroyForcibly();
      waitForExit();
    }
  }

  /** Freezes the process with SIGSTOP: it keeps its sockets but answers nothing. */
  public void pause() {
    signal("STOP");
  }

  /** Thaws a paused process with SIGCONT. */
  public void resume() {
    signal("CONT");
  }

  /** Kills the process if it runs, then starts it again on the same port and directory. */
  public void restart() {
    kill();
    launch();
  }

  /** Kills the process and deletes its directory. */
  @Override
  public void close() {
    kill();
    RUNNING.remove(this);
    deleteDir();
  }

  private void launch() {
    List<String> cmd = new ArrayList<>();
    cmd.add(binary.toString());
    if (sentinel) {
      Path conf = dir.resolve("sentinel-" + port + ".conf");
      try {
        if (!Files.exists(conf)) {
          Files.writeString(conf, String.join("\n", args) + "\n");
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      cmd.add(conf.toString());
      cmd.add("--sentinel");
    }
    cmd.addAll(
        List.of(
            "--port",
            Integer.toString(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            dir.toString(),
            "--daemonize",
            "no",
            "--logfile",
            dir.resolve("redis-" + port + ".log").toString()));
    if (!sentinel) {
      cmd.addAll(List.of("--save", "", "--dbfilename", "dump-" + port + ".rdb"));
      if (!args.contains("--appendonly")) {
        cmd.addAll(List.of("--appendonly", "no"));
      }
      cmd.addAll(args);
    }
    try {
      process =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("stdout-" + port + ".txt").toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + binary, e);
    }
    RUNNING.add(this);
    awaitReady();
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("redis-server exited at start: " + log());
      }
      if (Redis.ping(port)) {
        return;
      }
      sleep(20);
    }
    throw new IllegalStateException("redis-server not ready after " + START_TIMEOUT + ": " + log());
  }

  /**
   * @return the last lines of the server's log, for failure messages
   */
  public String log() {
    try (Stream<Path> files = Files.list(dir)) {
      StringBuilder sb = new StringBuilder();
      for (Path f : files.filter(f -> f.toString().contains(Integer.toString(port))).toList()) {
        if (f.toString().endsWith(".log") || f.toString().endsWith(".txt")) {
          List<String> lines = Files.readAllLines(f);
          lines
              .subList(Math.max(0, lines.size() - 20), lines.size())
              .forEach(l -> sb.append(l).append('\n'));
        }
      }
      return sb.toString();
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private void signal(String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " failed for pid " + process.pid());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void waitForExit() {
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("redis-server " + port + " did not exit");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void destroyQuietly() {
    if (process != null) {
      // A paused process ignores SIGTERM but not SIGKILL.
      process.destroyForcibly();
    }
  }

  private void deleteDir() {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temp dir left behind is harmless
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
