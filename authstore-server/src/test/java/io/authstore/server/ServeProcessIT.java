package io.authstore.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The runnable jar as the README starts it, in its own JVM: with no key configured it prints a
 * generated admin key once, on standard error only, that key works, standard output stays one JSON
 * object per line with {@code --log-format json}, and SIGTERM stops it.
 */
class ServeProcessIT {
  private static final Pattern PORT = Pattern.compile("listening on [^ ]+:(\\d+)");
  private static final Pattern KEY = Pattern.compile("^ {4}X-API-Key: (\\S+)$");

  @Test
  void noKeyConfigured_printsAWorkingAdminKeyOnStandardErrorOnly_andSigtermStopsIt()
      throws Exception {
    Path jar = Path.of("target", "authstore.jar");
    assertThat(jar).as("the shaded jar, built in the package phase").exists();
    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m",
            "-jar",
            jar.toString(),
            "--port",
            "0",
            "--bind",
            "127.0.0.1",
            "--log-format",
            "json",
            "--shutdown-grace",
            "2s");
    // Whatever the machine running the tests has set, this run configures no key and no Redis.
    pb.environment()
        .keySet()
        .removeIf(name -> name.startsWith("AUTHSTORE_") || name.startsWith("REDIS_"));
    Process process = pb.start();
    List<String> out = new CopyOnWriteArrayList<>();
    List<String> err = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> outDone = drain(process.getInputStream(), out);
    CompletableFuture<Void> errDone = drain(process.getErrorStream(), err);
    try {
      int port = Integer.parseInt(awaitMatch(out, PORT, process));
      String key = awaitMatch(err, KEY, process);

      Api admin = new Api(port, key);
      assertThat(admin.get("/auth/session-status").status()).isEqualTo(200);
      assertThat(admin.withKey(null).get("/auth/session-status").status()).isEqualTo(401);

      // SIGTERM through the handle: Process.destroy() would also close the pipes, and the
      // lines written while stopping would be lost.
      assertThat(process.toHandle().destroy()).isTrue();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("stopped after SIGTERM").isTrue();
      outDone.get(10, TimeUnit.SECONDS);
      errDone.get(10, TimeUnit.SECONDS);

      ObjectMapper json = new ObjectMapper();
      assertThat(out).isNotEmpty();
      for (String line : out) {
        assertThat(json.readTree(line).isObject()).as(line).isTrue();
        assertThat(line).doesNotContain(key);
      }
      assertThat(out).as("stopped, after SIGTERM").anyMatch(l -> l.contains("authstore stopped"));
      assertThat(err.stream().filter(l -> l.contains(key))).as("the key, once").hasSize(1);
    } finally {
      process.destroyForcibly();
    }
  }

  private static CompletableFuture<Void> drain(InputStream in, List<String> lines) {
    return CompletableFuture.runAsync(
        () -> {
          try (BufferedReader r =
              new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
              lines.add(line);
            }
          } catch (IOException e) {
            // The process ended.
          }
        },
        // A thread of its own each: both streams are read at once, whatever the common pool has.
        task -> {
          Thread t = new Thread(task, "serve-process-drain");
          t.setDaemon(true);
          t.start();
        });
  }

  /** The first group of the first line that matches, waiting for the process to print it. */
  private static String awaitMatch(List<String> lines, Pattern pattern, Process process)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      for (String line : lines) {
        Matcher m = pattern.matcher(line);
        if (m.find()) {
          return m.group(1);
        }
      }
      if (!process.isAlive()) {
        break;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no line matching " + pattern + " in " + lines);
  }
}
