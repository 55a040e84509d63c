package io.authstore.server;

import static io.authstore.server.OAuthRoutesIT.assertInactive;
import static io.authstore.server.OAuthRoutesIT.assertOAuthError;
import static io.authstore.server.TestJwt.ISSUER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.authstore.server.ServerConfig.RevocationMode;
import io.authstore.testkit.RedisProcess;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two server instances on one Redis, per revocation mode (each check a Redis read, or the local
 * replicated view): a JWT revoked on one is inactive on the other, and a subject logged out
 * everywhere on one has its older tokens refused and its newer ones accepted on the other. And with
 * Redis gone, the JWT routes answer 503 with {@code Retry-After}.
 */
class OAuthTwoInstancesIT {
  private static final String REVOKE = "/oauth2/revoke";
  private static final String INTROSPECT = "/oauth2/introspect";

  private static RedisProcess redis;
  private static final Map<RevocationMode, AuthstoreServer[]> PAIRS =
      new EnumMap<>(RevocationMode.class);

  @BeforeAll
  static void start() {
    redis = RedisProcess.start();
    for (RevocationMode mode : RevocationMode.values()) {
      PAIRS.put(
          mode,
          new AuthstoreServer[] {
            RedisServers.startReady(RedisServers.on(redis, mode)),
            RedisServers.startReady(RedisServers.on(redis, mode))
          });
    }
  }

  @AfterAll
  static void stop() throws Exception {
    List<AutoCloseable> all = new ArrayList<>();
    PAIRS.values().forEach(pair -> all.addAll(List.of(pair)));
    all.add(redis);
    RedisServers.closeAll(all.toArray(AutoCloseable[]::new));
  }

  private static Api a(RevocationMode mode, String key) {
    return new Api(PAIRS.get(mode)[0].port(), key);
  }

  private static Api b(RevocationMode mode, String key) {
    return new Api(PAIRS.get(mode)[1].port(), key);
  }

  private static Api.Response introspect(Api api, String token) {
    return api.postForm(INTROSPECT, Api.form("token", token));
  }

  private static boolean isActive(Api api, String token) {
    Api.Response r = introspect(api, token);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().path("active").asBoolean();
  }

  @ParameterizedTest
  @EnumSource(RevocationMode.class)
  void tokenRevokedOnA_withRfc7009_isInactiveOnB(RevocationMode mode) {
    String token = TestJwt.rs256(TestJwt.claims().build());
    String other = TestJwt.rs256(TestJwt.claims().build());
    Api readerB = b(mode, TestServers.REVOKE_READ_KEY);
    assertThat(isActive(readerB, token)).isTrue();

    Api.Response revoked =
        a(mode, TestServers.REVOKE_WRITE_KEY).postForm(REVOKE, Api.form("token", token));

    assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
    awaitOnB(mode, () -> !isActive(readerB, token));
    assertInactive(introspect(readerB, token));
    assertThat(isActive(readerB, other)).isTrue();
  }

  @ParameterizedTest
  @EnumSource(RevocationMode.class)
  void tokenRevokedOnB_withTheRestRoute_isInactiveOnA(RevocationMode mode) {
    String token = TestJwt.hs256(TestJwt.claims().build());
    Api readerA = a(mode, TestServers.REVOKE_READ_KEY);
    assertThat(isActive(readerA, token)).isTrue();

    Api.Response revoked =
        b(mode, TestServers.REVOKE_WRITE_KEY)
            .postJson("/auth/tokens/revoke", Api.json(Map.of("token", token)));

    assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
    awaitOnB(mode, () -> !isActive(readerA, token));
    assertInactive(introspect(readerA, token));
  }

  @ParameterizedTest
  @EnumSource(RevocationMode.class)
  void logoutEverywhereOnA_rejectsOlderTokensOnB_andAcceptsNewerOnes(RevocationMode mode) {
    String subject = "everywhere-" + UUID.randomUUID();
    Instant now = Instant.now();
    Instant notBefore = now.minusSeconds(30);
    // Both well inside the leeway and the lifetime: only the subject-wide marker tells them apart.
    String older = TestJwt.rs256(TestJwt.claims(now.minusSeconds(60)).subject(subject).build());
    String newer = TestJwt.hs256(TestJwt.claims(now.minusSeconds(10)).subject(subject).build());
    String otherSubject =
        TestJwt.rs256(TestJwt.claims(now.minusSeconds(60)).subject("x-" + subject).build());
    Api readerB = b(mode, TestServers.REVOKE_READ_KEY);
    assertThat(isActive(readerB, older)).isTrue();
    assertThat(isActive(readerB, newer)).isTrue();

    Api.Response response =
        a(mode, TestServers.REVOKE_WRITE_KEY)
            .postJson(
                "/auth/subjects/" + subject + "/revoke-all",
                Api.json(Map.of("issuer", ISSUER, "not_before", notBefore.getEpochSecond())));

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    awaitOnB(mode, () -> !isActive(readerB, older));
    assertInactive(introspect(readerB, older));
    assertThat(isActive(readerB, newer)).isTrue();
    assertThat(isActive(readerB, otherSubject)).isTrue();
  }

  @Test
  void redisGone_theJwtRoutesAnswer503WithRetryAfter() throws Exception {
    try (RedisProcess own = RedisProcess.start()) {
      AuthstoreServer server = RedisServers.startReady(RedisServers.on(own, RevocationMode.DIRECT));
      try {
        Api admin = new Api(server.port(), TestServers.ADMIN_KEY);
        String token = TestJwt.rs256(TestJwt.claims().build());
        assertThat(isActive(admin, token)).isTrue();

        own.kill();

        for (String path : List.of(REVOKE, INTROSPECT)) {
          Api.Response r = admin.postForm(path, Api.form("token", token));
          assertOAuthError(r, 503, "temporarily_unavailable");
          assertThat(r.header("Retry-After")).hasValueSatisfying(v -> assertThat(v).isNotBlank());
        }
        Api.Response rest = admin.postJson("/auth/tokens/revoke", Api.json(Map.of("token", token)));
        assertThat(rest.status()).as(rest.body()).isEqualTo(503);
        assertThat(rest.error()).isEqualTo("store_unavailable");
        assertThat(rest.header("Retry-After")).isPresent();
      } finally {
        server.close();
      }
    }
  }

  /** DIRECT: every check reads Redis, so B sees it at once. REPLICATED: through the change feed. */
  private static void awaitOnB(RevocationMode mode, java.util.concurrent.Callable<Boolean> seen)
      throws RuntimeException {
    try {
      if (mode == RevocationMode.DIRECT) {
        assertThat(seen.call()).as("visible on the other instance at once").isTrue();
      } else {
        // A generous bound, not a timing claim.
        await("propagation to the other instance").atMost(RedisServers.PATIENCE).until(seen);
      }
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
