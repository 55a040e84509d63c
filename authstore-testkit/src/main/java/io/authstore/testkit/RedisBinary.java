package io.authstore.testkit;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Finds the {@code redis-server} binary the test kit runs.
 *
 * <p>In order: the system property {@value #PROPERTY} or the environment variable {@value #ENV} (a
 * path, or {@code embedded} to force the shipped binary); {@code redis-server} on the {@code PATH};
 * otherwise the binary shipped inside the Maven artifact {@code
 * com.github.codemonstur:embedded-redis} (Redis 6.2), extracted once per JVM to a temporary
 * directory. So tests run on a machine with only a JDK.
 */
public final class RedisBinary {
  /** System property naming the binary, or {@code embedded}. */
  public static final String PROPERTY = "authstore.redis-server";

  /** Environment variable naming the binary, or {@code embedded}. */
  public static final String ENV = "AUTHSTORE_REDIS_SERVER";

  private static Path embedded;

  private RedisBinary() {}

  /**
   * @return the binary to run
   * @throws IllegalStateException if none can be found for this platform
   */
  public static Path locate() {
    String forced = System.getProperty(PROPERTY, System.getenv(ENV));
    if (forced != null && !forced.isBlank()) {
      return forced.equals("embedded") ? embedded() : Path.of(forced);
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        Path candidate = Path.of(dir, "redis-server");
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    return embedded();
  }

  /**
   * @return the binary shipped in {@code embedded-redis}, extracted to a temporary file
   * @throws IllegalStateException if the artifact has no binary for this platform
   */
  public static synchronized Path embedded() {
    if (embedded != null) {
      return embedded;
    }
    String resource = resourceName();
    try (InputStream in = RedisBinary.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            "embedded-redis does not ship " + resource + "; install redis-server");
      }
      Path dir = Files.createTempDirectory("authstore-redis-bin");
      Path binary = dir.resolve("redis-server");
      Files.copy(in, binary, StandardCopyOption.REPLACE_EXISTING);
      if (!binary.toFile().setExecutable(true)) {
        throw new IllegalStateException("cannot make " + binary + " executable");
      }
      binary.toFile().deleteOnExit();
      dir.toFile().deleteOnExit();
      embedded = binary;
      return binary;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot extract " + resource, e);
    }
  }

  private static String resourceName() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    boolean arm = arch.contains("aarch64") || arch.contains("arm64");
    if (os.contains("linux")) {
      return arm ? "redis-server-6.2.7-linux-arm64" : "redis-server-6.2.6-v5-linux-amd64";
    }
    if (os.contains("mac")) {
      return arm ? "redis-server-6.2.6-v5-darwin-arm64" : "redis-server-6.2.6-v5-darwin-amd64";
    }
    throw new IllegalStateException("no embedded redis-server for " + os + "/" + arch);
  }
}
