package io.authstore.server;

import java.time.Instant;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Every route of the service with the scope it needs (none: public) and a valid example request.
 * {@link AuthIT} checks the table against {@link AuthstoreServer#routes()} and against what the
 * server enforces; {@link OpenApiIT} checks the OpenAPI document against it.
 */
final class RouteTable {
  /**
   * A route's access and a valid request to it.
   *
   * @param scope the scope the route needs, or null for a public route
   * @param oauth whether the route is an OAuth endpoint: client authentication (the API key as HTTP
   *     Basic, Bearer or X-API-Key), errors in the OAuth shape ({@code invalid_client}, {@code
   *     insufficient_scope}, {@code error_description})
   * @param request sends the example with the first client (its key in X-API-Key); the second
   *     (admin) prepares state
   */
  record Row(Scope scope, boolean oauth, BiFunction<Api, Api, Api.Response> request) {
    Row(Scope scope, BiFunction<Api, Api, Api.Response> request) {
      this(scope, false, request);
    }

    boolean isPublic() {
      return scope == null;
    }
  }

  static final Map<String, Row> ROWS =
      Map.ofEntries(
          Map.entry(
              "POST /auth/sessions",
              new Row(
                  Scope.TICKETS_ISSUE,
                  (a, admin) -> a.postJson("/auth/sessions", "{\"subject\":\"rt-issue\"}"))),
          Map.entry(
              "POST /auth/sessions/validate",
              new Row(Scope.TICKETS_CONSUME, (a, admin) -> a.validate(admin.issue("rt-validate")))),
          Map.entry(
              "GET /auth/session-status",
              new Row(Scope.ADMIN, (a, admin) -> a.get("/auth/session-status"))),
          Map.entry(
              "POST /auth/sessions/cleanup",
              new Row(
                  Scope.ADMIN, (a, admin) -> a.send("POST", "/auth/sessions/cleanup", null, null))),
          Map.entry(
              "DELETE /auth/subjects/{subject}/sessions",
              new Row(
                  Scope.TICKETS_ISSUE,
                  (a, admin) -> a.delete("/auth/subjects/rt-delete/sessions"))),
          Map.entry(
              "POST /auth/revocations",
              new Row(
                  Scope.REVOCATIONS_WRITE,
                  (a, admin) ->
                      a.postJson(
                          "/auth/revocations",
                          Api.json(
                              Map.of(
                                  "jti",
                                  "rt-jti",
                                  "expires_at",
                                  Instant.now().plusSeconds(600).getEpochSecond()))))),
          Map.entry(
              "GET /auth/revocations/{jti}",
              new Row(
                  Scope.REVOCATIONS_READ,
                  (a, admin) -> a.get("/auth/revocations/rt-jti?issuer=rt-issuer"))),
          Map.entry(
              "POST /auth/subjects/{subject}/revoke-all",
              new Row(
                  Scope.REVOCATIONS_WRITE,
                  (a, admin) -> a.send("POST", "/auth/subjects/rt-all/revoke-all", null, null))),
          Map.entry(
              "POST /auth/tokens/revoke",
              new Row(
                  Scope.REVOCATIONS_WRITE,
                  (a, admin) ->
                      a.postJson(
                          "/auth/tokens/revoke",
                          Api.json(Map.of("token", TestJwt.hs256(TestJwt.claims().build())))))),
          Map.entry(
              "POST /oauth2/revoke",
              new Row(
                  Scope.REVOCATIONS_WRITE,
                  true,
                  (a, admin) ->
                      a.postForm(
                          "/oauth2/revoke",
                          Api.form("token", TestJwt.hs256(TestJwt.claims().build()))))),
          Map.entry(
              "POST /oauth2/introspect",
              new Row(
                  Scope.REVOCATIONS_READ,
                  true,
                  (a, admin) ->
                      a.postForm(
                          "/oauth2/introspect",
                          Api.form("token", TestJwt.rs256(TestJwt.claims().build()))))),
          Map.entry("GET /health/live", publicGet("/health/live")),
          Map.entry("GET /health/ready", publicGet("/health/ready")),
          Map.entry("GET /auth/redis-health", publicGet("/auth/redis-health")),
          Map.entry("GET /metrics", publicGet("/metrics")),
          Map.entry("GET /openapi.json", publicGet("/openapi.json")));

  private RouteTable() {}

  private static Row publicGet(String path) {
    return new Row(null, (a, admin) -> a.get(path));
  }
}
