package io.authstore.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.authstore.ticket.TicketOptions;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * No log line carries an API key or a ticket, whatever the requests: valid, reused, refused, with
 * secrets where they do not belong (paths, query strings, field names, headers). Every line the
 * test JVM logged so far (this class and any IT that ran before it) is checked against every secret
 * the HTTP client saw. {@link LogCaptureTest} shows the check reports a leak.
 */
class NoSecretsInLogsIT {

  @Test
  void exercisingEveryRoute_logsNoSecret_butLogsTheReuseAsASecurityEvent() {
    int secretsBefore = LogCapture.secretCount();
    ServerConfig config =
        TestServers.memory()
            .tickets(TicketOptions.builder().maxActive(5).build())
            .rateLimitPerKey(1000)
            .build();
    try (AuthstoreServer server = AuthstoreServer.start(config)) {
      Api admin = new Api(server.port(), TestServers.ADMIN_KEY);
      Api issuer = admin.withKey(TestServers.ISSUE_KEY);
      Api consumer = admin.withKey(TestServers.CONSUME_KEY);

      // Issue, validate (body and bearer), reuse (body and bearer).
      String t1 = issuer.issue("log-alice");
      String t2 = issuer.issue("log-bob");
      assertThat(consumer.validate(t1).status()).isEqualTo(200);
      assertThat(consumer.validate(t1).status()).isEqualTo(401);
      assertThat(bearer(consumer, t2).status()).isEqualTo(200);
      assertThat(bearer(consumer, t2).status()).isEqualTo(401);

      // Secrets where they do not belong: each must be refused without being logged.
      String t3 = issuer.issue("log-carol");
      admin.get("/auth/revocations/" + t3);
      admin.get("/auth/revocations/j?issuer=" + t3 + "&subject=" + t3 + "&issued_at=" + t3);
      admin.get("/no/such/route/" + t3);
      admin.send("PUT", "/auth/sessions/" + t3, null, null);
      admin.postJson("/auth/sessions", "{\"" + t3 + "\":1}");
      admin.postJson("/auth/sessions", "{\"subject\":\"x\",\"ttl_seconds\":\"" + t3 + "\"}");
      admin.send("POST", "/auth/sessions", "text/" + t3, "{}");
      admin.send("POST", "/auth/sessions/validate", null, null, "Authorization", "Basic " + t3);
      admin.send(
          "POST",
          "/auth/sessions/validate",
          "application/json",
          "{\"token\":\"" + t3 + "\"}",
          "Authorization",
          "Bearer " + t3);
      // An API key as a ticket, and a ticket as an API key.
      consumer.validate(TestServers.ADMIN_KEY);
      assertThat(admin.withKey(t3).get("/auth/session-status").status()).isEqualTo(401);
      assertThat(consumer.validate(t3).status()).isEqualTo(200);

      // Wrong and unscoped keys.
      assertThat(admin.withKey(ApiKeys.generateSecret()).get("/auth/session-status").status())
          .isEqualTo(401);
      assertThat(issuer.get("/auth/session-status").status()).isEqualTo(403);
      admin
          .withKey(null)
          .send(
              "GET",
              "/auth/session-status",
              null,
              null,
              "Authorization",
              "Bearer " + TestServers.ADMIN_KEY);

      // Revocations, subject revocations, over the cap, status, cleanup, metrics.
      ServerMemoryIT.revoke(admin, "https://idp", "log-jti", Instant.now().plusSeconds(60));
      admin.get("/auth/revocations/log-jti?issuer=https://idp");
      admin.send("POST", "/auth/subjects/log-alice/revoke-all", null, null);
      admin.delete("/auth/subjects/log-carol/sessions");
      for (int i = 0; i < 6; i++) {
        issuer.postJson("/auth/sessions", Api.json(Map.of("subject", "log-cap" + i)));
      }
      admin.get("/auth/session-status");
      admin.postJson("/auth/sessions/cleanup", "{}");
      admin.withKey(null).get("/metrics");
    }

    // A server with no keys configured generates one, which must not reach the log either.
    try (AuthstoreServer server =
        AuthstoreServer.start(ServerConfig.builder().bind("127.0.0.1").port(0).build())) {
      Api generated = new Api(server.port(), server.generatedAdminKey().orElseThrow());
      generated.validate(generated.issue("log-generated"));
    }

    assertThat(LogCapture.linesWithSecrets()).isEmpty();
    assertThat(LogCapture.secretCount()).isGreaterThanOrEqualTo(secretsBefore + 10);
    // Not vacuous: the access log (DEBUG) and the start lines were captured.
    assertThat(LogCapture.lines())
        .anySatisfy(l -> assertThat(l).startsWith("io.authstore.access POST /auth/sessions 201"));
    // The reuse is the one security event that must be logged, without the ticket.
    assertThat(LogCapture.lines())
        .anySatisfy(l -> assertThat(l).startsWith("io.authstore.security").contains("reuse"));
  }

  private static Api.Response bearer(Api api, String ticket) {
    return api.send(
        "POST", "/auth/sessions/validate", null, null, "Authorization", "Bearer " + ticket);
  }
}
