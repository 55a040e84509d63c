package io.authstore.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.authstore.server.ServerConfig.RevocationMode;
import io.authstore.testkit.Redis;
import io.authstore.testkit.RedisProcess;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The service end to end over HTTP on a real Redis, with revocations replicated locally and checked
 * directly in Redis: one Redis and one server per mode.
 */
class ServerRedisIT {
  private static final Map<RevocationMode, RedisProcess> REDIS =
      new EnumMap<>(RevocationMode.class);
  private static final Map<RevocationMode, AuthstoreServer> SERVERS =
      new EnumMap<>(RevocationMode.class);

  @BeforeAll
  static void start() {
    for (RevocationMode mode : RevocationMode.values()) {
      RedisProcess redis = RedisProcess.start();
      REDIS.put(mode, redis);
      SERVERS.put(mode, RedisServers.startReady(RedisServers.on(redis, mode)));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    List<AutoCloseable> all = new ArrayList<>(SERVERS.values());
    all.addAll(REDIS.values());
    RedisServers.closeAll(all.toArray(AutoCloseable[]::new));
  }

  private static Api api(RevocationMode mode, String key) {
    return new Api(SERVERS.get(mode).port(), key);
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID();
  }

  @ParameterizedTest
  @EnumSource(RevocationMode.class)
  void validate_firstTime_returnsTheTicketsSubject_andSecondTimeIsRejectedAsInvalid(
      RevocationMode mode) {
    Api issuer = api(mode, TestServers.ISSUE_KEY);
    Api consumer = api(mode, TestServers.CONSUME_KEY);
    String subject = unique("alice");

    Api.Response issued =
        issuer.postJson(
            "/auth/sessions",
            "{\"subject\":\"" + subject + "\",\"attributes\":{\"role\":\"viewer\"}}");
    assertThat(issued.status()).isEqualTo(201);
    String ticket = issued.json().path("token").asText();
    assertThat(ticket).hasSizeGreaterThanOrEqualTo(43);

    Api.Response first = consumer.postJson("/auth/sessions/validate", tokenBody(ticket));
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.json().path("subject").asText()).isEqualTo(subject);
    assertThat(first.json().path("attributes").path("role").asText()).isEqualTo("viewer");
    assertThat(first.json().path("expires_at").asText())
        .isEqualTo(issued.json().path("expires_at").asText());

    Api.Response again = consumer.postJson("/auth/sessions/validate", tokenBody(ticket));
    assertThat(again.status()).isEqualTo(401);
    assertThat(again.error()).isEqualTo("invalid_ticket");

    Api.Response asBearer =
        consumer.send(
            "POST", "/auth/sessions/validate", null, null, "Authorization", bearer(ticket));
    assertThat(asBearer.status()).isEqualTo(401);
    assertThat(asBearer.error()).isEqualTo("invalid_ticket");
  }

  @ParameterizedTest
  @EnumSource(RevocationMode.class)
  void validate_asBearerHeader_consumesTheTicketOnce(RevocationMode mode) {
    String ticket = api(mode, TestServers.ISSUE_KEY).issue(unique("bob"));
    Api consumer = api(mode, TestServers.CONSUME_KEY);

    Api.Response first =
        consumer.send(
            "POST", "/auth/sessions/validate", null, null, "Authorization", bearer(ticket));
    Api.Response second = consumer.postJson("/auth/sessions/validate", tokenBody(ticket));

    assertThat(first.status()).isEqualTo(200);
    assertThat(second.status()).isEqualTo(401);
  }

  @ParameterizedTest
  @EnumSource(RevocationMode.class)
  void status_saysRedisStorageAndHealthy_andCountsIssueConsumeAndReuse(RevocationMode mode) {
    Api admin = api(mode, TestServers.ADMIN_KEY);
    JsonNode before = admin.get("/auth/session-status").json();
    String ticket = admin.issue(unique("carol"));
    admin.postJson("/auth/sessions/validate", tokenBody(ticket));
    admin.postJson("/auth/sessions/validate", tokenBody(ticket));

    Api.Response status = admin.get("/auth/session-status");

    assertThat(status.status()).isEqualTo(200);
    JsonNode after = status.json();
    assertThat(after.path("storage").asText()).isEqualTo("redis");
    assertThat(after.path("redis_healthy").asBoolean()).isTrue();
    assertThat(after.path("total_created").asLong() - before.path("total_created").asLong())
        .isEqualTo(1);
    assertThat(after.path("total_used").asLong() - before.path("total_used").asLong()).isEqualTo(1);
    assertThat(
            after.path("total_reuse_attempts").asLong()
                - before.path("total_reuse_attempts").asLong())
        .isEqualTo(1);
    assertThat(after.path("used_sessions").asLong()).isGreaterThanOrEqualTo(1);
    assertThat(after.path("max_sessions").asLong()).isEqualTo(100_000);
  }

  @ParameterizedTest
  @EnumSource(RevocationMode.class)
  void redisHealth_andReadiness_reportRedisHealthyAndUp(RevocationMode mode) {
    Api anonymous = api(mode, null);

    Api.Response health = anonymous.get("/auth/redis-health");
    Api.Response ready = anonymous.get("/health/ready");

    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().path("status").asText()).isEqualTo("healthy");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().path("status").asText()).isEqualTo("up");
    assertThat(ready.json().path("storage").asText()).isEqualTo("redis");
  }

  @ParameterizedTest
  @EnumSource(RevocationMode.class)
  void revokedJti_isReportedRevoked_andAnotherJtiOrIssuerIsNot(RevocationMode mode) {
    Api writer = api(mode, TestServers.REVOKE_WRITE_KEY);
    Api reader = api(mode, TestServers.REVOKE_READ_KEY);
    String jti = unique("jti");
    long exp = Instant.now().plusSeconds(3600).getEpochSecond();

    Api.Response revoked =
        writer.postJson(
            "/auth/revocations",
            "{\"issuer\":\"https://idp\",\"jti\":\"" + jti + "\",\"expires_at\":" + exp + "}");

    assertThat(revoked.status()).isEqualTo(200);
    assertThat(revoked.json().path("revoked").asBoolean()).isTrue();
    assertThat(revoked.json().path("stored").asBoolean()).isTrue();
    assertThat(isRevoked(reader, "/auth/revocations/" + jti + "?issuer=https://idp")).isTrue();
    assertThat(isRevoked(reader, "/auth/revocations/" + jti + "?issuer=https://other")).isFalse();
    assertThat(isRevoked(reader, "/auth/revocations/" + unique("jti") + "?issuer=https://idp"))
        .isFalse();
  }

  @ParameterizedTest
  @EnumSource(RevocationMode.class)
  void revokeAll_revokesTheSubjectsTokensIssuedBeforeNotBefore_andNotLaterOnes(
      RevocationMode mode) {
    Api writer = api(mode, TestServers.REVOKE_WRITE_KEY);
    Api reader = api(mode, TestServers.REVOKE_READ_KEY);
    String subject = unique("dave");
    Instant notBefore = Instant.now().minusSeconds(60);

    Api.Response response =
        writer.postJson(
            "/auth/subjects/" + subject + "/revoke-all", "{\"not_before\":\"" + notBefore + "\"}");

    assertThat(response.status()).isEqualTo(200);
    String older = notBefore.minusSeconds(120).getEpochSecond() + "";
    String newer = notBefore.plusSeconds(30).getEpochSecond() + "";
    String jti = "/auth/revocations/" + unique("jti") + "?subject=" + subject;
    assertThat(isRevoked(reader, jti + "&issued_at=" + older)).isTrue();
    assertThat(isRevoked(reader, jti + "&issued_at=" + newer)).isFalse();
    assertThat(isRevoked(reader, "/auth/revocations/x?subject=someone-else&issued_at=" + older))
        .isFalse();
  }

  @ParameterizedTest
  @EnumSource(RevocationMode.class)
  void redis_holdsNoIssuedTicketInAnyKeyOrValue(RevocationMode mode) {
    String ticket = api(mode, TestServers.ISSUE_KEY).issue(unique("erin"));

    List<String> dump =
        Redis.call(
            REDIS.get(mode).port(),
            c -> {
              List<String> out = new ArrayList<>();
              for (String key : c.keys("*")) {
                out.add(key);
                switch (c.type(key)) {
                  case "string" -> out.add(c.get(key));
                  case "hash" -> c.hgetall(key).forEach((k, v) -> out.add(k + "=" + v));
                  case "zset" -> out.addAll(c.zrange(key, 0, -1));
                  case "set" -> out.addAll(c.smembers(key));
                  default -> {}
                }
              }
              return out;
            });

    assertThat(dump).isNotEmpty();
    assertThat(dump).noneMatch(s -> s != null && s.contains(ticket));
  }

  private static boolean isRevoked(Api reader, String path) {
    Api.Response r = reader.get(path);
    assertThat(r.status()).as("GET %s: %s", path, r.body()).isEqualTo(200);
    return r.json().path("revoked").asBoolean();
  }

  static String tokenBody(String ticket) {
    return "{\"token\":\"" + ticket + "\"}";
  }

  static String bearer(String ticket) {
    return "Bearer " + ticket;
  }
}
