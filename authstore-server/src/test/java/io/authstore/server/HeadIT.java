package io.authstore.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every GET route answers HEAD as it answers GET (RFC 9110 §9.3.2): the same status and headers,
 * behind the same key and scope checks, without a body. The GET routes come from {@link
 * AuthstoreServer#routes()}, so a new one is covered without a new row.
 */
class HeadIT {
  /** Headers HEAD must repeat from GET; Date and the framing headers may differ. */
  private static final List<String> SAME_HEADERS =
      List.of(
          "Content-Type",
          "Cache-Control",
          "X-Content-Type-Options",
          "Retry-After",
          "WWW-Authenticate",
          "Allow");

  private static AuthstoreServer server;
  private static Api api;

  @BeforeAll
  static void start() {
    server = AuthstoreServer.start(TestServers.memory().build());
    api = new Api(server.port(), null);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @TestFactory
  List<DynamicTest> everyGetRoute_answersHeadWithGetsStatusAndHeaders_andNoBody() {
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put("no key", null);
    keys.put("wrong key", ApiKeys.generateSecret());
    keys.put("admin key", TestServers.ADMIN_KEY);
    keys.put("issue-only key", TestServers.ISSUE_KEY);
    keys.put("revocations:read key", TestServers.REVOKE_READ_KEY);
    List<String> gets = server.routes().stream().filter(r -> r.startsWith("GET ")).toList();
    assertThat(gets).contains("GET /health/ready", "GET /auth/revocations/{jti}");
    List<DynamicTest> tests = new ArrayList<>();
    for (String route : gets) {
      String path = route.substring(4).replaceAll("\\{[^}/]+}", "x1");
      for (Map.Entry<String, String> key : keys.entrySet()) {
        tests.add(
            DynamicTest.dynamicTest(
                route + ", " + key.getKey(),
                () -> {
                  Api client = api.withKey(key.getValue());
                  Api.Response get = client.send("GET", path, null, null);
                  Api.Response head = client.send("HEAD", path, null, null);

                  assertThat(head.status()).isEqualTo(get.status());
                  // The JDK client never reads a HEAD body: read the bytes off the socket.
                  assertThat(bytesAfterTheHeaders(path, key.getValue())).isEmpty();
                  assertThat(get.body()).isNotEmpty();
                  for (String name : SAME_HEADERS) {
                    assertThat(head.header(name)).as(name).isEqualTo(get.header(name));
                  }
                }));
      }
    }
    return tests;
  }

  /** What the server sends after the header block of a HEAD on a connection it then closes. */
  private static String bytesAfterTheHeaders(String path, String key) throws IOException {
    String request =
        "HEAD "
            + path
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            + (key == null ? "" : "X-API-Key: " + key + "\r\n")
            + "\r\n";
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      String answer =
          new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      int end = answer.indexOf("\r\n\r\n");
      assertThat(end).as("a complete header block: %s", answer).isPositive();
      return answer.substring(end + 4);
    }
  }
}
