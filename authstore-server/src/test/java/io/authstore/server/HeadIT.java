package io.authstore.server;

import static org.assertj.core.api.Assertions.assertThat;

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
                  assertThat(head.body()).isEmpty();
                  assertThat(get.body()).isNotEmpty();
                  for (String name : SAME_HEADERS) {
                    assertThat(head.header(name)).as(name).isEqualTo(get.header(name));
                  }
                }));
      }
    }
    return tests;
  }
}
