package io.authstore.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A real HTTP client (JDK {@link HttpClient}) against a running server, for tests. Every request
 * carries the given API key unless told otherwise; every secret the tests see (keys, tickets) is
 * recorded in {@link LogCapture} so the suite can check that no log line carries one.
 */
final class Api {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String FORM = "application/x-www-form-urlencoded";
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** A response: status, headers, raw body and the body as JSON (null if not JSON). */
  record Response(int status, Map<String, List<String>> headers, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (status " + status + "): " + body, e);
      }
    }

    Optional<String> header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .flatMap(e -> e.getValue().stream())
          .findFirst();
    }

    /** The {@code error} code of an error body. */
    String error() {
      return json().path("error").asText(null);
    }
  }

  private final String host;
  private final int port;
  private final String base;
  private final String key;

  Api(int port, String key) {
    this("127.0.0.1", port, key);
  }

  /** To a server at {@code host}: an IPv6 address goes in brackets ({@code [::1]}). */
  Api(String host, int port, String key) {
    this.host = host;
    this.port = port;
    this.base = "http://" + host + ":" + port;
    this.key = key;
    if (key != null) {
      LogCapture.secret(key);
    }
  }

  /** The same server with another key (null: none). */
  Api withKey(String otherKey) {
    return new Api(host, port, otherKey);
  }

  Response get(String path) {
    return send("GET", path, null, null);
  }

  Response postJson(String path, String json) {
    return send("POST", path, "application/json", json);
  }

  /** Posts a form body; the key (if any) goes in X-API-Key, plus the extra name, value headers. */
  Response postForm(String path, String form, String... extraHeaders) {
    return send("POST", path, FORM, form, extraHeaders);
  }

  /** An {@code application/x-www-form-urlencoded} body of name, value pairs. */
  static String form(String... nameValuePairs) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i + 1 < nameValuePairs.length; i += 2) {
      if (b.length() > 0) {
        b.append('&');
      }
      b.append(URLEncoder.encode(nameValuePairs[i], StandardCharsets.UTF_8))
          .append('=')
          .append(URLEncoder.encode(nameValuePairs[i + 1], StandardCharsets.UTF_8));
    }
    return b.toString();
  }

  Response delete(String path) {
    return send("DELETE", path, null, null);
  }

  /**
   * Sends a request.
   *
   * @param contentType the Content-Type header, or null for none
   * @param body the body, or null for none
   * @param extraHeaders name, value pairs
   */
  Response send(
      String method, String path, String contentType, String body, String... extraHeaders) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (key != null) {
      b.header("X-API-Key", key);
    }
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    for (int i = 0; i + 1 < extraHeaders.length; i += 2) {
      b.header(extraHeaders[i], extraHeaders[i + 1]);
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return send(b.build());
  }

  /** Sends raw bytes as the body (e.g. invalid UTF-8). */
  Response sendBytes(String method, String path, String contentType, byte[] body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    if (key != null) {
      b.header("X-API-Key", key);
    }
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return send(b.build());
  }

  /**
   * Sends raw bytes as a stream, so the JDK client uses chunked transfer encoding and no {@code
   * Content-Length} header: the server learns the size only by reading.
   */
  Response sendChunked(String method, String path, String contentType, byte[] body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));
    if (key != null) {
      b.header("X-API-Key", key);
    }
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return send(b.build());
  }

  /**
   * Sends a request byte for byte over a socket, for what the JDK client will not send (a transfer
   * coding of the test's choosing): the request line, {@code Host}, the key, {@code Connection:
   * close}, the given name, value header pairs ({@code Content-Length} unless they hold a {@code
   * Transfer-Encoding}), then the body as is. Reads the answer to the end.
   */
  Response sendRaw(String method, String path, byte[] body, String... headers) {
    StringBuilder head = new StringBuilder();
    head.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
    head.append("Host: 127.0.0.1\r\nConnection: close\r\n");
    if (key != null) {
      head.append("X-API-Key: ").append(key).append("\r\n");
    }
    boolean framed = false;
    for (int i = 0; i + 1 < headers.length; i += 2) {
      head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
      framed |= headers[i].equalsIgnoreCase("Transfer-Encoding");
    }
    if (!framed) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    URI uri = URI.create(base);
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      String answer =
          new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      int end = answer.indexOf("\r\n\r\n");
      if (end < 0) {
        throw new AssertionError("no complete answer: " + answer);
      }
      String[] lines = answer.substring(0, end).split("\r\n");
      Map<String, List<String>> responseHeaders = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        responseHeaders
            .computeIfAbsent(lines[i].substring(0, colon), n -> new ArrayList<>())
            .add(lines[i].substring(colon + 1).strip());
      }
      if (responseHeaders.containsKey("Transfer-Encoding")) {
        throw new AssertionError("a chunked answer, which this reader does not decode: " + answer);
      }
      byte[] content = answer.substring(end + 4).getBytes(StandardCharsets.ISO_8859_1);
      return new Response(
          Integer.parseInt(lines[0].split(" ")[1]),
          responseHeaders,
          new String(content, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Response send(HttpRequest request) {
    try {
      HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
      Response response = new Response(r.statusCode(), r.headers().map(), r.body());
      recordTicket(response);
      return response;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void recordTicket(Response r) {
    if (r.status() == 201 && r.body().contains("\"token\"")) {
      LogCapture.secret(r.json().path("token").asText());
    }
  }

  /** Presents a ticket in the body of the validate route. */
  Response validate(String ticket) {
    return postJson("/auth/sessions/validate", json(Map.of("token", ticket)));
  }

  /** A value as JSON text. */
  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Issues a ticket and returns it; fails the test unless 201. */
  String issue(String subject) {
    Response r = postJson("/auth/sessions", "{\"subject\":\"" + subject + "\"}");
    if (r.status() != 201) {
      throw new AssertionError("issue failed: " + r.status() + " " + r.body());
    }
    return r.json().path("token").asText();
  }
}
