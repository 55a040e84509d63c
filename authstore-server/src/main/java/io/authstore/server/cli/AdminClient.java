package io.authstore.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import io.authstore.server.AuthstoreServer;
import io.authstore.server.Main;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Calls the authstore HTTP API with the JDK {@link HttpClient}, one client per command run. Sends
 * the API key as {@code X-API-Key}; never follows redirects (the key would follow them).
 *
 * <p>Exit codes of failures: connection refused, timeout, 5xx (503 when the store is down) → {@link
 * Main#EXIT_UNAVAILABLE}; any other 4xx (401, 403, 429, 400) → {@link Main#EXIT_REFUSED}; a
 * redirect → {@link Main#EXIT_USAGE} (the URL is wrong).
 */
final class AdminClient {
  static final ObjectMapper JSON = new ObjectMapper();

  private final String base;
  private final String apiKey;
  private final Duration timeout;
  private final HttpClient http;

  /** An HTTP answer: the status, the body as JSON (null when it is not JSON), Retry-After. */
  record Answer(int status, JsonNode json, Optional<String> retryAfter) {
    boolean ok() {
      return status >= 200 && status < 300 && json != null;
    }

    /** The {@code error} code of an error body, or null. */
    String error() {
      return json == null ? null : json.path("error").asText(null);
    }
  }

  /**
   * @param base the server's base URL, validated by {@link AdminCommand}
   * @param apiKey the key, or null to send none
   */
  AdminClient(URI base, String apiKey, Duration timeout) {
    String b = base.toString();
    this.base = b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
    this.apiKey = apiKey;
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  /** Percent-encodes one path segment or query value. */
  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** GET; the body of a 2xx answer, or a {@link CliFailure}. */
  JsonNode get(String path) {
    return orFail(send("GET", path, null));
  }

  /** POST of a JSON body; the body of a 2xx answer, or a {@link CliFailure}. */
  JsonNode post(String path, Object body) {
    return orFail(send("POST", path, body));
  }

  /**
   * Sends a request and returns whatever the server answered.
   *
   * @param body serialized as JSON, or null for no body
   * @throws CliFailure {@link Main#EXIT_UNAVAILABLE} when the server cannot be reached in time
   */
  Answer send(String method, String path, Object body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(timeout)
            .header("Accept", "application/json")
            .header("User-Agent", "authstore-cli/" + AuthstoreServer.version());
    if (apiKey != null) {
      request.header("X-API-Key", apiKey);
    }
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofByteArray(toJson(body)));
    }
    // The timeout covers the whole answer: the request's own timeout stops at the headers, and
    // a server that sends them and then stalls would hold the command forever.
    CompletableFuture<HttpResponse<String>> pending =
        http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> response;
    try {
      response = pending.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      pending.cancel(true);
      throw noAnswer();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof HttpTimeoutException) {
        throw noAnswer();
      }
      if (cause instanceof ConnectException) {
        throw new CliFailure(Main.EXIT_UNAVAILABLE, "cannot connect to " + base + reason(cause));
      }
      throw new CliFailure(Main.EXIT_UNAVAILABLE, "cannot reach " + base + reason(cause));
    } catch (InterruptedException e) {
      pending.cancel(true);
      Thread.currentThread().interrupt();
      throw new CliFailure(Main.EXIT_UNAVAILABLE, "interrupted");
    }
    return new Answer(
        response.statusCode(), parse(response), response.headers().firstValue("Retry-After"));
  }

  private CliFailure noAnswer() {
    return new CliFailure(
        Main.EXIT_UNAVAILABLE, "no complete answer from " + base + " within " + timeoutText());
  }

  /**
   * The field of a success answer that the command reports, checked: an answer without it is not
   * from an authstore server (a wrong {@code --url}, a proxy's page), and reporting a default ("not
   * revoked") would be a wrong answer, not a failure.
   *
   * @throws CliFailure {@link Main#EXIT_UNAVAILABLE} if the field is missing or of another type
   */
  JsonNode field(JsonNode answer, String name, JsonNodeType type) {
    JsonNode value = answer.get(name);
    if (value == null || value.getNodeType() != type) {
      throw new CliFailure(
          Main.EXIT_UNAVAILABLE,
          "the answer from "
              + base
              + " has no "
              + type.name().toLowerCase(Locale.ROOT)
              + " '"
              + name
              + "': is --url an authstore server?");
    }
    return value;
  }

  /** The body of a 2xx JSON answer; otherwise the failure that matches the status. */
  JsonNode orFail(Answer answer) {
    if (answer.ok()) {
      return answer.json();
    }
    throw failure(answer);
  }

  /** The failure an answer that is not a success stands for. */
  CliFailure failure(Answer answer) {
    int status = answer.status();
    String message = answer.json() == null ? null : answer.json().path("message").asText(null);
    if (message == null) {
      message = "HTTP " + status + " from " + base + (status < 300 ? " is not JSON" : "");
    }
    if (status >= 300 && status < 400) {
      return new CliFailure(
          Main.EXIT_USAGE,
          "--url answers with a redirect (HTTP " + status + "): give the server's own URL");
    }
    if (answer.retryAfter().isPresent()) {
      message += " (retry after " + answer.retryAfter().get() + "s)";
    }
    if (status == 401 && apiKey == null) {
      message += "; give a key with AUTHSTORE_API_KEY or --api-key";
    }
    boolean refused = status >= 400 && status < 500;
    return new CliFailure(refused ? Main.EXIT_REFUSED : Main.EXIT_UNAVAILABLE, message);
  }

  private static byte[] toJson(Object body) {
    try {
      return JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode parse(HttpResponse<String> response) {
    String type = response.headers().firstValue("Content-Type").orElse("");
    if (!type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      return null;
    }
    try {
      return JSON.readTree(response.body());
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private String timeoutText() {
    return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + "s" : timeout.toMillis() + "ms";
  }

  private static String reason(Throwable e) {
    // The JDK often gives a ConnectException without a message.
    String m = e.getMessage();
    if (m == null && e.getCause() != null) {
      m = e.getCause().getMessage();
    }
    return ": " + (m != null ? m : e.getClass().getSimpleName());
  }
}
