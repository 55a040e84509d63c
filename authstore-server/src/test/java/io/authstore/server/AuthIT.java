package io.authstore.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * API-key authentication and scopes on every route the server has ({@link
 * AuthstoreServer#routes()}, so a new route cannot be forgotten): no key and wrong keys get 401,
 * every key without the route's scope 403, every key with it gets through; public routes never
 * answer 401 or 403. OAuth endpoints answer the same statuses with the OAuth codes ({@code
 * invalid_client} with {@code WWW-Authenticate}, {@code insufficient_scope}); their other ways of
 * presenting the key (HTTP Basic, Bearer) are tested in {@link OAuthRoutesIT}.
 */
class AuthIT {
  private static final Set<Scope> NARROW_SCOPES = EnumSet.complementOf(EnumSet.of(Scope.ADMIN));

  /** Per scope, a key holding every narrow scope but that one (for ADMIN: all four narrow). */
  private static final Map<Scope, String> ALL_BUT = new LinkedHashMap<>();

  static {
    for (Scope s : Scope.values()) {
      ALL_BUT.put(s, ApiKeys.generateSecret());
    }
  }

  private static AuthstoreServer server;
  private static Api admin;

  @BeforeAll
  static void start() {
    StringBuilder keys = new StringBuilder(TestServers.keysText());
    for (Map.Entry<Scope, String> e : ALL_BUT.entrySet()) {
      String scopes =
          NARROW_SCOPES.stream()
              .filter(s -> s != e.getKey())
              .map(Scope::wireName)
              .collect(Collectors.joining(","));
      keys.append(";all-but-")
          .append(e.getKey().name().toLowerCase(java.util.Locale.ROOT))
          .append(':')
          .append(e.getValue())
          .append('=')
          .append(scopes);
    }
    server =
        AuthstoreServer.start(
            TestServers.memory().apiKeys(ApiKeys.parse(keys.toString(), "auth test keys")).build());
    admin = new Api(server.port(), TestServers.ADMIN_KEY);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void everyRoute_hasARowInTheTable_andEveryRowIsARoute() {
    assertThat(RouteTable.ROWS.keySet()).containsExactlyInAnyOrderElementsOf(server.routes());
  }

  @TestFactory
  List<DynamicTest> everyRoute_enforcesItsScope() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String route : server.routes()) {
      RouteTable.Row row = RouteTable.ROWS.get(route);
      if (row == null) {
        tests.add(
            DynamicTest.dynamicTest(
                route + ": has a row", () -> fail("no row in RouteTable for " + route)));
        continue;
      }
      if (row.isPublic()) {
        addPublic(tests, route, row);
      } else {
        addScoped(tests, route, row);
      }
    }
    return tests;
  }

  private static void addScoped(List<DynamicTest> tests, String route, RouteTable.Row row) {
    for (Map.Entry<String, String> wrong : wrongKeys().entrySet()) {
      tests.add(
          DynamicTest.dynamicTest(
              route + ": " + wrong.getKey() + " -> 401",
              () -> {
                Api.Response r = row.request().apply(admin.withKey(wrong.getValue()), admin);
                assertThat(r.status()).as(r.body()).isEqualTo(401);
                if (row.oauth()) {
                  assertThat(r.error()).isEqualTo("invalid_client");
                  assertThat(r.header("WWW-Authenticate")).contains("Basic realm=\"authstore\"");
                } else {
                  assertThat(r.error()).isEqualTo("unauthorized");
                }
              }));
    }
    for (Map.Entry<String, Set<Scope>> key : configuredKeys().entrySet()) {
      String name = key.getKey();
      boolean allowed =
          key.getValue().contains(Scope.ADMIN) || key.getValue().contains(row.scope());
      tests.add(
          DynamicTest.dynamicTest(
              route + ": key " + name + (allowed ? " -> passes" : " -> 403"),
              () -> {
                Api.Response r = row.request().apply(admin.withKey(secretOf(name)), admin);
                if (allowed) {
                  // The example is a valid request: with the scope it succeeds.
                  assertThat(r.status()).as(r.body()).isBetween(200, 299);
                } else {
                  assertThat(r.status()).as(r.body()).isEqualTo(403);
                  assertThat(r.error()).isEqualTo(row.oauth() ? "insufficient_scope" : "forbidden");
                  assertThat(r.json().path(row.oauth() ? "error_description" : "message").asText())
                      .contains(row.scope().wireName());
                }
              }));
    }
  }

  private static void addPublic(List<DynamicTest> tests, String route, RouteTable.Row row) {
    Map<String, String> keys = new LinkedHashMap<>(wrongKeys());
    for (String name : configuredKeys().keySet()) {
      keys.put("key " + name, secretOf(name));
    }
    for (Map.Entry<String, String> key : keys.entrySet()) {
      tests.add(
          DynamicTest.dynamicTest(
              route + " (public): " + key.getKey() + " -> neither 401 nor 403",
              () -> {
                Api.Response r = row.request().apply(admin.withKey(key.getValue()), admin);
                assertThat(r.status()).as(r.body()).isNotIn(401, 403);
              }));
    }
  }

  /** Keys the server does not know, by description. */
  private static Map<String, String> wrongKeys() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("no key", null);
    m.put("unknown key", ApiKeys.generateSecret());
    m.put("admin key plus a character", TestServers.ADMIN_KEY + "x");
    m.put("admin key less a character", TestServers.ADMIN_KEY.substring(1));
    m.put("key over 256 characters", "k".repeat(ApiKeys.MAX_SECRET_LENGTH + 1));
    m.put("empty key", "");
    return m;
  }

  /** Every configured key by name, with its scopes. */
  private static Map<String, Set<Scope>> configuredKeys() {
    Map<String, Set<Scope>> m = new LinkedHashMap<>();
    for (Scope s : Scope.values()) {
      m.put(s.wireName(), EnumSet.of(s));
    }
    for (Scope s : Scope.values()) {
      Set<Scope> scopes = EnumSet.copyOf(NARROW_SCOPES);
      scopes.remove(s);
      m.put("all but " + s.wireName(), scopes);
    }
    return m;
  }

  private static String secretOf(String keyName) {
    for (Scope s : Scope.values()) {
      if (keyName.equals(s.wireName())) {
        return TestServers.keyFor(s);
      }
      if (keyName.equals("all but " + s.wireName())) {
        return ALL_BUT.get(s);
      }
    }
    throw new IllegalArgumentException(keyName);
  }
}
