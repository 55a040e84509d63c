package io.authstore.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * An admin command: the shared options, a client for the server, and failures printed as {@code
 * authstore: <message>} on stderr with their exit code. Bad option values are {@link
 * ParameterException}s, which picocli prints with the usage and exits 2.
 */
abstract class AdminCommand implements Callable<Integer> {
  /** Exit code list entries, shared by the commands' help. */
  static final String EXIT_OK = "0:Success.";

  static final String EXIT_USAGE = "2:Bad usage: a missing or invalid option.";
  static final String EXIT_UNAVAILABLE =
      "3:The server or its store is unreachable: connection refused, timeout, 503;"
          + " or the answer is not an authstore server's.";
  static final String EXIT_REFUSED =
      "4:The server refused: API key missing or wrong, scope, rate limit, invalid input.";

  @Spec CommandSpec spec;

  @Mixin AdminOptions connection;

  @Override
  public final Integer call() {
    AdminClient client = new AdminClient(baseUrl(), apiKey(), timeout());
    try {
      return run(client);
    } catch (CliFailure e) {
      return fail(e.exitCode(), e.getMessage());
    }
  }

  /**
   * Runs the command.
   *
   * @return the exit code
   * @throws CliFailure to print a message and exit with its code
   * @throws ParameterException for a bad option value (exit 2 with the usage)
   */
  abstract int run(AdminClient client);

  /** Prints {@code authstore: <message>} on stderr and returns {@code exitCode}. */
  final int fail(int exitCode, String message) {
    PrintWriter err = spec.commandLine().getErr();
    err.println("authstore: " + message);
    err.flush();
    return exitCode;
  }

  /** Prints JSON, indented, on stdout. */
  final void printJson(JsonNode json) {
    PrintWriter out = spec.commandLine().getOut();
    try {
      out.println(AdminClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    out.flush();
  }

  /** A usage error naming the option; picocli prints it with the usage and exits 2. */
  final ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  /**
   * Reads an instant given as seconds since the epoch or ISO-8601 (what the server accepts).
   *
   * @throws ParameterException naming the option
   */
  final Instant instant(String option, String value) {
    String v = value.strip();
    try {
      if (v.matches("-?[0-9]{1,12}")) {
        return Instant.ofEpochSecond(Long.parseLong(v));
      }
      return Instant.parse(v);
    } catch (DateTimeException e) {
      throw usage(
          option
              + " must be seconds since the epoch or an ISO-8601 instant such as"
              + " 2026-01-01T00:00:00Z: "
              + value);
    }
  }

  private URI baseUrl() {
    String url = connection.url.strip();
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw usage("--url is not a URL: " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https"))
        || uri.getHost() == null
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      throw usage("--url must be http:// or https://, a host, and an optional path: " + url);
    }
    if (uri.getRawUserInfo() != null) {
      throw usage("--url must not carry a user or password; the key goes in AUTHSTORE_API_KEY");
    }
    return uri;
  }

  private String apiKey() {
    String key = connection.apiKey;
    if (key == null || key.isBlank()) {
      return null;
    }
    key = key.strip();
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        // Never echo the key, not even in part.
        throw usage("--api-key (AUTHSTORE_API_KEY) holds a character no API key has");
      }
    }
    return key;
  }

  private java.time.Duration timeout() {
    if (connection.timeout.isNegative()
        || connection.timeout.isZero()
        || connection.timeout.compareTo(java.time.Duration.ofHours(1)) > 0) {
      throw usage("--timeout must be more than 0 and at most 1h: " + connection.timeout);
    }
    return connection.timeout;
  }
}
