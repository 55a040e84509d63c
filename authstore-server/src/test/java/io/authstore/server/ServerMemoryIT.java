package io.authstore.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.authstore.jwt.JwtVerifierOptions;
import io.authstore.testkit.MutableClock;
import io.authstore.ticket.TicketOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The service end to end over HTTP on the in-memory backend: a real server on port 0 and the JDK
 * HTTP client. Tests that need their own configuration (a cap, a rate limit, a clock, no keys)
 * start their own server; the others share one and use subjects of their own.
 */
class ServerMemoryIT {
  private static AuthstoreServer server;
  private static Api admin;

  @BeforeAll
  static void start() {
    server = AuthstoreServer.start(TestServers.memory().build());
    admin = new Api(server.port(), TestServers.ADMIN_KEY);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  // --- tickets ---

  @Test
  void issue_returnsTicketAndExpiry_andIsNotCacheable() {
    Instant before = Instant.now();
    Api.Response r =
        admin.postJson(
            "/auth/sessions",
            Api.json(
                Map.of("subject", "issue-1", "attributes", Map.of("k", "v"), "ttl_seconds", 60)));

    assertThat(r.status()).isEqualTo(201);
    assertThat(r.header("Cache-Control")).contains("no-store");
    assertThat(r.header("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    JsonNode body = r.json();
    assertThat(body.path("token").asText()).matches("[A-Za-z0-9_-]{43}");
    Instant expiresAt = Instant.parse(body.path("expires_at").asText());
    assertThat(expiresAt).isAfter(before).isBeforeOrEqualTo(Instant.now().plusSeconds(60));
  }

  @Test
  void validate_inBody_returnsSubjectOnce_thenRejectsExactlyAsAnUnknownTicket() {
    Api.Response issued =
        admin.postJson(
            "/auth/sessions",
            Api.json(Map.of("subject", "alice-body", "attributes", Map.of("origin", "checkout"))));
    String ticket = issued.json().path("token").asText();

    Api.Response first = admin.validate(ticket);
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.header("Cache-Control")).contains("no-store");
    JsonNode info = first.json();
    assertThat(info.path("subject").asText()).isEqualTo("alice-body");
    assertThat(info.path("attributes").path("origin").asText()).isEqualTo("checkout");
    assertThat(info.path("expires_at").asText())
        .isEqualTo(issued.json().path("expires_at").asText());
    assertThat(Instant.parse(info.path("created_at").asText()))
        .isBefore(Instant.parse(info.path("expires_at").asText()));

    Api.Response second = admin.validate(ticket);
    Api.Response unknown = admin.validate(wellFormedUnknownTicket());
    assertThat(second.status()).isEqualTo(401);
    assertThat(second.error()).isEqualTo("invalid_ticket");
    // A reused ticket must not be told apart from an unknown one by the caller.
    assertThat(second.body()).isEqualTo(unknown.body());
    assertThat(second.status()).isEqualTo(unknown.status());
  }

  @Test
  void validate_asBearer_returnsSubjectOnce_thenRejectsExactlyAsAnUnknownTicket() {
    String ticket = admin.issue("alice-bearer");

    Api.Response first = bearer(ticket);
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.json().path("subject").asText()).isEqualTo("alice-bearer");
    assertThat(first.json().path("attributes").isObject()).isTrue();

    Api.Response second = bearer(ticket);
    Api.Response unknown = bearer(wellFormedUnknownTicket());
    assertThat(second.status()).isEqualTo(401);
    assertThat(second.error()).isEqualTo("invalid_ticket");
    assertThat(second.body()).isEqualTo(unknown.body());
    // And the same as a reuse presented in the body.
    assertThat(admin.validate(ticket).body()).isEqualTo(unknown.body());
  }

  @Test
  void validate_ticketConsumedInBody_isRejectedAsBearer() {
    String ticket = admin.issue("alice-mixed");
    assertThat(admin.validate(ticket).status()).isEqualTo(200);

    assertThat(bearer(ticket).error()).isEqualTo("invalid_ticket");
  }

  @Test
  void status_afterIssueValidateReuseAndRevoke_countsEach() {
    try (AuthstoreServer own = AuthstoreServer.start(TestServers.memory().build())) {
      Api api = new Api(own.port(), TestServers.ADMIN_KEY);
      String first = api.issue("s1");
      api.issue("s1");
      api.issue("s2");
      assertThat(api.validate(first).status()).isEqualTo(200);
      assertThat(api.validate(first).status()).isEqualTo(401);
      assertThat(api.validate(first).status()).isEqualTo(401);
      assertThat(api.validate(wellFormedUnknownTicket()).status()).isEqualTo(401);
      assertThat(revoke(api, "", "status-jti", Instant.now().plusSeconds(3600)).status())
          .isEqualTo(200);

      Api.Response r = api.get("/auth/session-status");

      assertThat(r.status()).isEqualTo(200);
      JsonNode s = r.json();
      assertThat(s.path("total_sessions").asLong()).isEqualTo(3);
      assertThat(s.path("active_sessions").asLong()).isEqualTo(2);
      assertThat(s.path("used_sessions").asLong()).isEqualTo(1);
      assertThat(s.path("total_created").asLong()).isEqualTo(3);
      assertThat(s.path("total_used").asLong()).isEqualTo(1);
      assertThat(s.path("total_reuse_attempts").asLong()).isEqualTo(2);
      assertThat(s.path("max_sessions").asLong()).isEqualTo(TicketOptions.DEFAULT_MAX_ACTIVE);
      assertThat(s.path("storage").asText()).isEqualTo("memory");
      assertThat(s.path("redis_healthy").isBoolean()).isTrue();
      assertThat(s.path("redis_healthy").asBoolean()).isFalse();
      assertThat(s.path("revoked_entries").asLong()).isEqualTo(1);
    }
  }

  @Test
  void cleanup_afterExpiry_removesExpiredTicketsAndTombstones() {
    MutableClock clock = MutableClock.create();
    try (AuthstoreServer own = AuthstoreServer.start(TestServers.memory(clock).build())) {
      Api api = new Api(own.port(), TestServers.ADMIN_KEY);
      String consumed = issue(api, "c1", 60);
      String expiring = issue(api, "c2", 60);
      String lasting = issue(api, "c3", 600);
      assertThat(api.validate(consumed).status()).isEqualTo(200);

      Api.Response nothingYet = api.postJson("/auth/sessions/cleanup", "{}");
      assertThat(nothingYet.status()).isEqualTo(200);
      assertThat(nothingYet.json().path("removed").asInt()).isZero();

      clock.advance(Duration.ofSeconds(61));
      Api.Response r = api.send("POST", "/auth/sessions/cleanup", null, null);

      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json().path("removed").asInt()).isEqualTo(2);
      JsonNode s = api.get("/auth/session-status").json();
      assertThat(s.path("active_sessions").asLong()).isEqualTo(1);
      assertThat(s.path("used_sessions").asLong()).isZero();
      assertThat(api.validate(expiring).error()).isEqualTo("invalid_ticket");
      assertThat(api.validate(lasting).status()).isEqualTo(200);
    }
  }

  @Test
  void deleteSubjectSessions_invalidatesThatSubjectsTicketsOnly() {
    String alice1 = admin.issue("del-alice");
    String alice2 = admin.issue("del-alice");
    String bob = admin.issue("del-bob");

    Api.Response r = admin.delete("/auth/subjects/del-alice/sessions");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().path("subject").asText()).isEqualTo("del-alice");
    assertThat(r.json().path("revoked").asInt()).isEqualTo(2);
    assertThat(admin.validate(alice1).error()).isEqualTo("invalid_ticket");
    assertThat(admin.validate(alice2).error()).isEqualTo("invalid_ticket");
    Api.Response bobs = admin.validate(bob);
    assertThat(bobs.status()).isEqualTo(200);
    assertThat(bobs.json().path("subject").asText()).isEqualTo("del-bob");
    assertThat(admin.delete("/auth/subjects/del-alice/sessions").json().path("revoked").asInt())
        .isZero();
  }

  @Test
  void deleteSubjectSessions_subjectWithReservedCharacters_isDecodedFromThePath() {
    String subject = "user/42 é";
    String ticket = issue(admin, subject, 600);

    Api.Response r = admin.delete("/auth/subjects/" + encode(subject) + "/sessions");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().path("subject").asText()).isEqualTo(subject);
    assertThat(r.json().path("revoked").asInt()).isEqualTo(1);
    assertThat(admin.validate(ticket).error()).isEqualTo("invalid_ticket");
  }

  // --- revocations ---

  @Test
  void revoke_thenCheck_isRevokedForThatIssuerOnly() {
    Instant exp = Instant.now().plusSeconds(3600);

    Api.Response r = revoke(admin, "https://idp.example", "jti-1", exp);

    assertThat(r.status()).isEqualTo(200);
    JsonNode body = r.json();
    assertThat(body.path("revoked").asBoolean()).isTrue();
    assertThat(body.path("issuer").asText()).isEqualTo("https://idp.example");
    assertThat(body.path("jti").asText()).isEqualTo("jti-1");
    assertThat(Instant.parse(body.path("expires_at").asText()).getEpochSecond())
        .isEqualTo(exp.getEpochSecond());
    assertThat(body.path("stored").asBoolean()).isTrue();
    assertThat(check("jti-1", "https://idp.example")).isTrue();
    assertThat(check("jti-1", "https://other.example")).isFalse();
    assertThat(check("jti-1", null)).isFalse();
    assertThat(check("jti-2", "https://idp.example")).isFalse();
  }

  @Test
  void revoke_withIsoExpiryAndNoIssuer_isRevokedForTheEmptyIssuer() {
    Instant exp = Instant.now().plusSeconds(600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);

    Api.Response r =
        admin.postJson(
            "/auth/revocations", Api.json(Map.of("jti", "jti-iso", "expires_at", exp.toString())));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().path("issuer").asText()).isEmpty();
    assertThat(r.json().path("expires_at").asText()).isEqualTo(exp.toString());
    assertThat(check("jti-iso", null)).isTrue();
    assertThat(check("jti-iso", "")).isTrue();
    assertThat(check("jti-iso", "https://idp.example")).isFalse();
  }

  @Test
  void revoke_expiredBeyondTheJwtLeeway_succeedsAndStoresNothing() {
    long sizeBefore = admin.get("/auth/session-status").json().path("revoked_entries").asLong();

    Api.Response r =
        revoke(
            admin,
            "https://idp.example",
            "jti-old",
            Instant.now().minus(JwtVerifierOptions.DEFAULT_LEEWAY).minusSeconds(10));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().path("revoked").asBoolean()).isTrue();
    assertThat(r.json().path("stored").asBoolean()).isFalse();
    assertThat(check("jti-old", "https://idp.example")).isFalse();
    assertThat(admin.get("/auth/session-status").json().path("revoked_entries").asLong())
        .isEqualTo(sizeBefore);
  }

  @Test
  void revoke_withoutJwtVerification_isKeptUntilExpiresAtExactly() {
    MutableClock clock = MutableClock.at(Instant.parse("2031-05-01T12:00:00Z"));
    try (AuthstoreServer own = AuthstoreServer.start(TestServers.memory(clock).jwt(null).build())) {
      Api api = new Api(own.port(), TestServers.ADMIN_KEY);
      Instant exp = clock.instant().plusSeconds(10);

      Api.Response live = revoke(api, "https://idp.example", "jti-exact", exp);
      Api.Response expired =
          revoke(api, "https://idp.example", "jti-gone", clock.instant().minusSeconds(5));

      assertThat(live.json().path("stored").asBoolean()).isTrue();
      assertThat(expired.json().path("stored").asBoolean()).isFalse();
      String check = "/auth/revocations/jti-exact?issuer=" + encode("https://idp.example");
      clock.set(exp.minusMillis(1));
      assertThat(api.get(check).json().path("revoked").asBoolean()).isTrue();
      clock.set(exp);
      assertThat(api.get(check).json().path("revoked").asBoolean()).isFalse();
    }
  }

  @Test
  void revokeAll_thenCheck_revokesTokensIssuedBeforeNotBeforeOnly() {
    Instant notBefore =
        Instant.now().minusSeconds(100).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);

    Api.Response r =
        admin.postJson(
            "/auth/subjects/carol/revoke-all",
            Api.json(
                Map.of("issuer", "https://idp.example", "not_before", notBefore.getEpochSecond())));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().path("subject").asText()).isEqualTo("carol");
    assertThat(r.json().path("issuer").asText()).isEqualTo("https://idp.example");
    assertThat(r.json().path("not_before").asText()).isEqualTo(notBefore.toString());
    String issuer = "https://idp.example";
    assertThat(checkSubject("t1", issuer, "carol", notBefore.minusSeconds(60))).isTrue();
    assertThat(checkSubject("t1", issuer, "carol", notBefore.plusSeconds(60))).isFalse();
    assertThat(checkSubject("t1", issuer, "dave", notBefore.minusSeconds(60))).isFalse();
    assertThat(checkSubject("t1", "https://other.example", "carol", notBefore.minusSeconds(60)))
        .isFalse();
    // The ISO form of issued_at means the same.
    assertThat(
            admin
                .get(
                    "/auth/revocations/t1?issuer="
                        + encode(issuer)
                        + "&subject=carol&issued_at="
                        + encode(notBefore.minusSeconds(60).toString()))
                .json()
                .path("revoked")
                .asBoolean())
        .isTrue();
    // The jti alone is not revoked: the marker is about the subject.
    assertThat(check("t1", issuer)).isFalse();
  }

  @Test
  void revokeAll_withEmptyBody_revokesEverythingIssuedUntilNow() {
    Api.Response r = admin.send("POST", "/auth/subjects/erin/revoke-all", null, null);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().path("issuer").asText()).isEmpty();
    Instant notBefore = Instant.parse(r.json().path("not_before").asText());
    assertThat(checkSubject("e1", null, "erin", notBefore.minusSeconds(1))).isTrue();
    assertThat(checkSubject("e1", null, "erin", notBefore.plusSeconds(3600))).isFalse();
  }

  // --- limits ---

  @Test
  void issue_overGlobalCap_is429CapacityExceeded_untilATicketIsConsumed() {
    ServerConfig config =
        TestServers.memory().tickets(TicketOptions.builder().maxActive(3).build()).build();
    try (AuthstoreServer own = AuthstoreServer.start(config)) {
      Api api = new Api(own.port(), TestServers.ISSUE_KEY);
      String first = api.issue("cap-a");
      api.issue("cap-b");
      api.issue("cap-c");

      Api.Response r = api.postJson("/auth/sessions", "{\"subject\":\"cap-d\"}");

      assertThat(r.status()).isEqualTo(429);
      assertThat(r.error()).isEqualTo("capacity_exceeded");
      assertThat(r.json().path("message").asText()).contains("3");
      assertThat(r.header("Cache-Control")).contains("no-store");
      // A consumed ticket no longer counts as active.
      assertThat(api.withKey(TestServers.CONSUME_KEY).validate(first).status()).isEqualTo(200);
      assertThat(api.postJson("/auth/sessions", "{\"subject\":\"cap-d\"}").status()).isEqualTo(201);
    }
  }

  @Test
  void issue_overPerKeyRateLimit_is429RateLimitedWithRetryAfter_forThatKeyOnly() {
    ServerConfig config =
        TestServers.memory().rateLimitPerKey(2).rateLimitTime(TestServers.STILL).build();
    try (AuthstoreServer own = AuthstoreServer.start(config)) {
      Api api = new Api(own.port(), TestServers.ISSUE_KEY);
      Api.Response limited = null;
      // The bucket holds 2 and, with the time standing still, never refills.
      for (int i = 0; i < 200 && limited == null; i++) {
        Api.Response r = api.postJson("/auth/sessions", "{\"subject\":\"rl\"}");
        if (r.status() == 429) {
          limited = r;
        } else {
          assertThat(r.status()).isEqualTo(201);
        }
      }

      assertThat(limited).as("a 429 within the burst").isNotNull();
      assertThat(limited.error()).isEqualTo("rate_limited");
      assertThat(limited.header("Retry-After"))
          .hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
      // Another key has its own bucket, whose first request always passes.
      Api.Response other = api.withKey(TestServers.CONSUME_KEY).validate(wellFormedUnknownTicket());
      assertThat(other.error()).isEqualTo("invalid_ticket");
    }
  }

  @Test
  void rateLimits_atTheirBound_serveIssueAndValidate() {
    ServerConfig config =
        TestServers.memory()
            .rateLimitPerKey(ServerConfig.MAX_RATE_LIMIT)
            .rateLimitPerAddress(ServerConfig.MAX_RATE_LIMIT)
            .build();
    try (AuthstoreServer own = AuthstoreServer.start(config)) {
      Api api = new Api(own.port(), TestServers.ADMIN_KEY);

      Api.Response issued = api.postJson("/auth/sessions", "{\"subject\":\"rl-max\"}");

      assertThat(issued.status()).as(issued.body()).isEqualTo(201);
      assertThat(api.validate(issued.json().path("token").asText()).status()).isEqualTo(200);
    }
  }

  @Test
  void perAddressRateLimit_behindATrustedProxy_countsEachForwardedClient_elseThePeer() {
    ServerConfig trusting =
        TestServers.memory()
            .rateLimitPerAddress(2)
            .rateLimitTime(TestServers.STILL)
            .trustedProxies(List.of("127.0.0.1"))
            .build();
    ServerConfig notTrusting =
        TestServers.memory().rateLimitPerAddress(2).rateLimitTime(TestServers.STILL).build();
    try (AuthstoreServer behindProxy = AuthstoreServer.start(trusting);
        AuthstoreServer direct = AuthstoreServer.start(notTrusting)) {
      // 127.0.0.1 is the proxy: client A's requests run its own bucket dry...
      Api viaProxy = new Api(behindProxy.port(), TestServers.ISSUE_KEY);
      assertThat(issueUntilLimited(viaProxy, "198.51.100.1, 203.0.113.10"))
          .as("client A limited within the burst")
          .isTrue();
      // ...while client B, forwarded by the same proxy, still has its own. IPv6 clients count
      // per /64: the next address of a dry /64 is limited, the next /64 is not.
      assertThat(issueVia(viaProxy, "203.0.113.11").status()).isEqualTo(201);
      assertThat(issueUntilLimited(viaProxy, "2001:db8:1:2::1")).isTrue();
      assertThat(issueVia(viaProxy, "2001:db8:1:2::ffff").status())
          .as("another address of the same /64 shares its bucket")
          .isEqualTo(429);
      assertThat(issueVia(viaProxy, "2001:db8:1:3::1").status()).isEqualTo(201);

      // Without the proxy trusted, the header is not believed: one bucket for the peer. The
      // operator is told once that forwarded requests arrive with no proxy trusted.
      long warnedBefore = untrustedForwardingWarnings();
      Api directApi = new Api(direct.port(), TestServers.ISSUE_KEY);
      assertThat(issueUntilLimited(directApi, "203.0.113.10")).isTrue();
      assertThat(issueVia(directApi, "203.0.113.11").status())
          .as("a forged X-Forwarded-For does not buy a fresh bucket")
          .isEqualTo(429);
      assertThat(untrustedForwardingWarnings() - warnedBefore).isEqualTo(1);
    }
  }

  @Test
  void perAddressRateLimit_overIpv6_countsTheClientsSlash64_andBelievesATrustedIpv6Proxy() {
    // A machine without IPv6 loopback reports this test skipped, not passed.
    assumeTrue(ipv6Loopback(), "no IPv6 loopback (::1) on this machine");
    ServerConfig direct =
        TestServers.memory()
            .bind("::1")
            .rateLimitPerAddress(2)
            .rateLimitTime(TestServers.STILL)
            .build();
    ServerConfig behindProxy =
        TestServers.memory()
            .bind("::1")
            .rateLimitPerAddress(2)
            .rateLimitTime(TestServers.STILL)
            .trustedProxies(List.of("::1"))
            .build();
    try (AuthstoreServer plain = AuthstoreServer.start(direct);
        AuthstoreServer proxied = AuthstoreServer.start(behindProxy)) {
      // The peer is ::1 (Jetty reports it as [0:0:0:0:0:0:0:1]): its bucket runs dry.
      Api overIpv6 = new Api("[::1]", plain.port(), TestServers.ISSUE_KEY);
      assertThat(issueUntilLimited(overIpv6, "203.0.113.10")).isTrue();
      assertThat(issueVia(overIpv6, "203.0.113.11").status()).isEqualTo(429);

      // Trusted, the IPv6 proxy's forwarded clients each have their own.
      Api viaProxy = new Api("[::1]", proxied.port(), TestServers.ISSUE_KEY);
      assertThat(issueUntilLimited(viaProxy, "203.0.113.10")).isTrue();
      assertThat(issueVia(viaProxy, "203.0.113.11").status()).isEqualTo(201);
    }
  }

  private static long untrustedForwardingWarnings() {
    return LogCapture.lines().stream()
        .filter(l -> l.contains("X-Forwarded-For, but no proxy is trusted"))
        .count();
  }

  private static boolean ipv6Loopback() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static Api.Response issueVia(Api api, String forwardedFor) {
    return api.send(
        "POST",
        "/auth/sessions",
        "application/json",
        "{\"subject\":\"xff\"}",
        "X-Forwarded-For",
        forwardedFor);
  }

  /**
   * Issues until a 429; the bucket holds 2 and refills 2 per second, so a burst runs it dry however
   * slow the machine is, long before the bound.
   */
  private static boolean issueUntilLimited(Api api, String forwardedFor) {
    for (int i = 0; i < 200; i++) {
      Api.Response r = issueVia(api, forwardedFor);
      if (r.status() == 429) {
        assertThat(r.error()).isEqualTo("rate_limited");
        return true;
      }
      assertThat(r.status()).isEqualTo(201);
    }
    return false;
  }

  // --- operations ---

  @Test
  void probes_onMemory_liveAndReady_butRedisHealthUnhealthy() {
    Api anonymous = admin.withKey(null);

    Api.Response live = anonymous.get("/health/live");
    Api.Response ready = anonymous.get("/health/ready");
    Api.Response redis = anonymous.get("/auth/redis-health");

    assertThat(live.status()).isEqualTo(200);
    assertThat(live.json().path("status").asText()).isEqualTo("up");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().path("status").asText()).isEqualTo("up");
    assertThat(ready.json().path("storage").asText()).isEqualTo("memory");
    assertThat(redis.status()).isEqualTo(503);
    assertThat(redis.json().path("status").asText()).isEqualTo("unhealthy");
    assertThat(redis.json().path("message").asText()).contains("in-memory");
    assertThat(Instant.parse(redis.json().path("timestamp").asText())).isNotNull();
    for (Api.Response r : new Api.Response[] {live, ready, redis}) {
      assertThat(r.header("Cache-Control")).contains("no-store");
    }
  }

  @Test
  void metrics_countersMoveWithIssueValidateAndReuse() {
    try (AuthstoreServer own = AuthstoreServer.start(TestServers.memory().build())) {
      Api api = new Api(own.port(), TestServers.ADMIN_KEY);
      String before = api.withKey(null).get("/metrics").body();
      String ticket = api.issue("m1");
      api.issue("m2");
      api.validate(ticket);
      api.validate(ticket);
      revoke(api, "", "m-jti", Instant.now().plusSeconds(60));

      Api.Response r = api.withKey(null).get("/metrics");

      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
      String after = r.body();
      assertThat(
              metric(after, "authstore_tickets_issued_total")
                  - metric(before, "authstore_tickets_issued_total"))
          .isEqualTo(2.0);
      assertThat(metric(after, "authstore_tickets_consumed_total")).isEqualTo(1.0);
      assertThat(metric(after, "authstore_tickets_reused_total")).isEqualTo(1.0);
      assertThat(metric(after, "authstore_revocations_total")).isEqualTo(1.0);
      assertThat(metric(after, "authstore_tickets_active")).isEqualTo(1.0);
      // One timer per method, route and status, each counting only its own requests.
      String timer = "authstore_http_requests_seconds_count{method=\"POST\",route=";
      assertThat(metric(after, timer + "\"/auth/sessions\",status=\"201\"}")).isEqualTo(2.0);
      assertThat(metric(after, timer + "\"/auth/sessions/validate\",status=\"200\"}"))
          .isEqualTo(1.0);
      assertThat(metric(after, timer + "\"/auth/sessions/validate\",status=\"401\"}"))
          .isEqualTo(1.0);
    }
  }

  @Test
  void metrics_refusalsBeforeTheHandler_carryTheirRouteTemplate_unmatchedPathsAndMethodsNone() {
    try (AuthstoreServer own = AuthstoreServer.start(TestServers.memory().build())) {
      Api api = new Api(own.port(), TestServers.ADMIN_KEY);
      api.withKey(null).postJson("/auth/sessions", "{\"subject\":\"a\"}"); // 401, by the guard
      api.withKey("wrong").delete("/auth/subjects/bob/sessions"); // 401 on a templated route
      api.send("PUT", "/auth/sessions", null, null); // 405
      api.get("/no/such/route"); // 404
      api.send("FOO1", "/auth/sessions", null, null); // 405, a made-up method
      api.send("FOO2", "/auth/sessions", null, null);

      String after = api.withKey(null).get("/metrics").body();

      String timer = "authstore_http_requests_seconds_count{method=";
      assertThat(metric(after, timer + "\"POST\",route=\"/auth/sessions\",status=\"401\"}"))
          .isEqualTo(1.0);
      assertThat(
              metric(
                  after,
                  timer + "\"DELETE\",route=\"/auth/subjects/{subject}/sessions\",status=\"401\"}"))
          .isEqualTo(1.0);
      assertThat(metric(after, timer + "\"PUT\",route=\"unmatched\",status=\"405\"}"))
          .isEqualTo(1.0);
      assertThat(metric(after, timer + "\"GET\",route=\"unmatched\",status=\"404\"}"))
          .isEqualTo(1.0);
      // A made-up method is one timer, not one per method.
      assertThat(metric(after, timer + "\"other\",route=\"unmatched\",status=\"405\"}"))
          .isEqualTo(2.0);
      assertThat(after).doesNotContain("FOO1").doesNotContain("FOO2");
      // Never a concrete path, never the before-filter's "*".
      assertThat(after).doesNotContain("route=\"*\"").doesNotContain("/subjects/bob");
    }
  }

  @Test
  void errors_tooCarryNoStore() {
    Api.Response r = admin.get("/no/such/route");

    assertThat(r.status()).isEqualTo(404);
    assertThat(r.error()).isEqualTo("not_found");
    assertThat(r.header("Cache-Control")).contains("no-store");
  }

  // --- keys ---

  @Test
  void noKeysConfigured_generatesAnAdminKeyThatWorks_andNoKeyIs401() {
    ServerConfig config = ServerConfig.builder().port(0).bind("127.0.0.1").build();
    try (AuthstoreServer own = AuthstoreServer.start(config)) {
      assertThat(own.generatedAdminKey()).isPresent();
      String key = own.generatedAdminKey().orElseThrow();
      assertThat(key).hasSizeGreaterThanOrEqualTo(ApiKeys.MIN_SECRET_LENGTH);
      Api api = new Api(own.port(), key);

      String ticket = api.issue("gen");
      assertThat(api.validate(ticket).status()).isEqualTo(200);
      assertThat(api.get("/auth/session-status").status()).isEqualTo(200);

      Api.Response none = api.withKey(null).postJson("/auth/sessions", "{\"subject\":\"gen\"}");
      assertThat(none.status()).isEqualTo(401);
      assertThat(none.error()).isEqualTo("unauthorized");
      Api.Response wrong =
          api.withKey(ApiKeys.generateSecret()).postJson("/auth/sessions", "{\"subject\":\"gen\"}");
      assertThat(wrong.status()).isEqualTo(401);
      assertThat(wrong.error()).isEqualTo("unauthorized");
    }
  }

  @Test
  void keysConfigured_noAdminKeyIsGenerated() {
    assertThat(server.generatedAdminKey()).isEmpty();
  }

  // --- helpers ---

  /** Shaped like a ticket (43 base64url characters) but never issued. */
  static String wellFormedUnknownTicket() {
    return ApiKeys.generateSecret();
  }

  private static Api.Response bearer(String ticket) {
    return admin.send(
        "POST", "/auth/sessions/validate", null, null, "Authorization", "Bearer " + ticket);
  }

  private static String issue(Api api, String subject, int ttlSeconds) {
    Api.Response r =
        api.postJson(
            "/auth/sessions", Api.json(Map.of("subject", subject, "ttl_seconds", ttlSeconds)));
    assertThat(r.status()).isEqualTo(201);
    return r.json().path("token").asText();
  }

  static Api.Response revoke(Api api, String issuer, String jti, Instant expiresAt) {
    return api.postJson(
        "/auth/revocations",
        Api.json(Map.of("issuer", issuer, "jti", jti, "expires_at", expiresAt.getEpochSecond())));
  }

  private static boolean check(String jti, String issuer) {
    Api.Response r =
        admin.get(
            "/auth/revocations/"
                + encode(jti)
                + (issuer == null ? "" : "?issuer=" + encode(issuer)));
    assertThat(r.status()).isEqualTo(200);
    return r.json().path("revoked").asBoolean();
  }

  private static boolean checkSubject(String jti, String issuer, String subject, Instant issuedAt) {
    String query =
        (issuer == null ? "" : "issuer=" + encode(issuer) + "&")
            + "subject="
            + encode(subject)
            + "&issued_at="
            + issuedAt.getEpochSecond();
    Api.Response r = admin.get("/auth/revocations/" + encode(jti) + "?" + query);
    assertThat(r.status()).isEqualTo(200);
    return r.json().path("revoked").asBoolean();
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** The sum of a metric's samples in a Prometheus text scrape (0 if absent). */
  static double metric(String scrape, String name) {
    double sum = 0;
    for (String line : scrape.split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }
}
