package io.authstore.server;

import static io.authstore.server.ServerRedisIT.tokenBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.authstore.server.ServerConfig.RevocationMode;
import io.authstore.testkit.RedisProcess;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two server instances on one Redis, per revocation mode: a ticket is consumed once across both,
 * and a revocation written on one is enforced by the other (in replicated mode once it propagated).
 */
class ServerTwoInstancesIT {
  private static final int TICKETS = 500;
  private static final int PRESENTATIONS_PER_INSTANCE = 4;
  private static final int PRESENTATIONS = 2 * PRESENTATIONS_PER_INSTANCE;

  private static RedisProcess redis;
  private static final Map<RevocationMode, AuthstoreServer[]> PAIRS =
      new EnumMap<>(RevocationMode.class);
  private static ExecutorService pool;

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
    pool = Executors.newFixedThreadPool(PRESENTATIONS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (pool != null) {
      pool.shutdownNow();
    }
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

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID();
  }

  @Test
  void ticketIssuedOnA_isConsumedOnB_andThenRejectedOnA() {
    RevocationMode mode = RevocationMode.REPLICATED;
    String subject = unique("alice");
    String ticket = a(mode, TestServers.ISSUE_KEY).issue(subject);

    Api.Response onB = b(mode, TestServers.CONSUME_KEY).postJson(validate(), tokenBody(ticket));
    Api.Response againOnA =
        a(mode, TestServers.CONSUME_KEY).postJson(validate(), tokenBody(ticket));

    assertThat(onB.status()).isEqualTo(200);
    assertThat(onB.json().path("subject").asText()).isEqualTo(subject);
    assertThat(againOnA.status()).isEqualTo(401);
    assertThat(againOnA.error()).isEqualTo("invalid_ticket");
  }

  @Test
  void eachOf500Tickets_presented8TimesConcurrentlyAcrossBothInstances_isAcceptedExactlyOnce()
      throws Exception {
    RevocationMode mode = RevocationMode.REPLICATED;
    Api issuer = a(mode, TestServers.ISSUE_KEY);
    Api consumerA = a(mode, TestServers.CONSUME_KEY);
    Api consumerB = b(mode, TestServers.CONSUME_KEY);
    Api admin = b(mode, TestServers.ADMIN_KEY);
    long usedBefore = admin.get("/auth/session-status").json().path("total_used").asLong();
    long reusedBefore =
        admin.get("/auth/session-status").json().path("total_reuse_attempts").asLong();
    List<String> subjects = new ArrayList<>();
    List<String> tickets = new ArrayList<>();
    for (int i = 0; i < TICKETS; i++) {
      subjects.add("user-" + i + "-" + UUID.randomUUID());
      tickets.add(issuer.issue(subjects.get(i)));
    }

    int[] accepted = new int[TICKETS];
    int[] rejected = new int[TICKETS];
    List<String> others = new ArrayList<>();
    for (int i = 0; i < TICKETS; i++) {
      String body = tokenBody(tickets.get(i));
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Api.Response>> presentations = new ArrayList<>();
      // Alternating instances: half the presentations go to A, half to B.
      for (int p = 0; p < PRESENTATIONS; p++) {
        Api consumer = p % 2 == 0 ? consumerA : consumerB;
        presentations.add(
            pool.submit(
                () -> {
                  go.await();
                  return consumer.postJson(validate(), body);
                }));
      }
      go.countDown();
      for (Future<Api.Response> f : presentations) {
        Api.Response r = f.get(1, TimeUnit.MINUTES);
        if (r.status() == 200) {
          accepted[i]++;
          assertThat(r.json().path("subject").asText()).isEqualTo(subjects.get(i));
        } else if (r.status() == 401 && "invalid_ticket".equals(r.error())) {
          rejected[i]++;
        } else {
          others.add(r.status() + " " + r.body());
        }
      }
    }

    assertThat(others).as("answers other than 200 and 401 invalid_ticket").isEmpty();
    for (int i = 0; i < TICKETS; i++) {
      assertThat(accepted[i]).as("acceptances of ticket %d", i).isEqualTo(1);
      assertThat(rejected[i]).as("rejections of ticket %d", i).isEqualTo(PRESENTATIONS - 1);
    }
    assertThat(Arrays.stream(accepted).sum()).isEqualTo(TICKETS);
    assertThat(Arrays.stream(rejected).sum()).isEqualTo((PRESENTATIONS - 1) * TICKETS);
    JsonNode status = a(mode, TestServers.ADMIN_KEY).get("/auth/session-status").json();
    assertThat(status.path("total_used").asLong() - usedBefore).isEqualTo(TICKETS);
    assertThat(status.path("total_reuse_attempts").asLong() - reusedBefore)
        .isEqualTo((PRESENTATIONS - 1L) * TICKETS);
  }

  @ParameterizedTest
  @EnumSource(RevocationMode.class)
  void jtiRevokedOnA_isRevokedOnB(RevocationMode mode) {
    String jti = unique("jti");
    Api reader = b(mode, TestServers.REVOKE_READ_KEY);
    assertThat(isRevoked(reader, "/auth/revocations/" + jti)).isFalse();

    Api.Response revoked =
        a(mode, TestServers.REVOKE_WRITE_KEY)
            .postJson(
                "/auth/revocations",
                "{\"jti\":\""
                    + jti
                    + "\",\"expires_at\":\""
                    + Instant.now().plusSeconds(600)
                    + "\"}");

    assertThat(revoked.status()).isEqualTo(200);
    if (mode == RevocationMode.DIRECT) {
      // Every check is a Redis read: visible on B as soon as A answered.
      assertThat(isRevoked(reader, "/auth/revocations/" + jti)).isTrue();
    } else {
      // Propagation through the change feed: a generous bound, not a timing claim.
      await("propagation to B")
          .atMost(RedisServers.PATIENCE)
          .until(() -> isRevoked(reader, "/auth/revocations/" + jti));
    }
    assertThat(isRevoked(reader, "/auth/revocations/" + unique("jti"))).isFalse();
  }

  @ParameterizedTest
  @EnumSource(RevocationMode.class)
  void logoutEverywhereOnA_revokesOlderTokensOfTheSubjectOnB_andNotNewerOnes(RevocationMode mode) {
    String subject = unique("bob");
    Instant notBefore = Instant.now().minusSeconds(60);
    String older = notBefore.minusSeconds(300).toString();
    String newer = notBefore.plusSeconds(5).toString();
    Api reader = b(mode, TestServers.REVOKE_READ_KEY);
    String check = "/auth/revocations/" + unique("jti") + "?subject=" + subject + "&issued_at=";
    assertThat(isRevoked(reader, check + older)).isFalse();

    Api.Response response =
        a(mode, TestServers.REVOKE_WRITE_KEY)
            .postJson(
                "/auth/subjects/" + subject + "/revoke-all",
                "{\"not_before\":\"" + notBefore + "\"}");

    assertThat(response.status()).isEqualTo(200);
    await("propagation to B")
        .atMost(RedisServers.PATIENCE)
        .until(() -> isRevoked(reader, check + older));
    assertThat(isRevoked(reader, check + newer)).isFalse();
    assertThat(
            isRevoked(reader, "/auth/revocations/x?subject=" + unique("x") + "&issued_at=" + older))
        .isFalse();
  }

  @Test
  void ticketsRevokedForASubjectOnA_areRejectedOnB() {
    RevocationMode mode = RevocationMode.DIRECT;
    String subject = unique("carol");
    Api issuer = a(mode, TestServers.ISSUE_KEY);
    List<String> tickets = List.of(issuer.issue(subject), issuer.issue(subject));
    String other = issuer.issue(unique("dave"));

    Api.Response revoked = issuer.delete("/auth/subjects/" + subject + "/sessions");

    assertThat(revoked.status()).isEqualTo(200);
    assertThat(revoked.json().path("revoked").asInt()).isEqualTo(2);
    Api consumer = b(mode, TestServers.CONSUME_KEY);
    assertThat(
            tickets.stream()
                .map(t -> consumer.postJson(validate(), tokenBody(t)).status())
                .collect(Collectors.toList()))
        .containsExactly(401, 401);
    assertThat(consumer.postJson(validate(), tokenBody(other)).status()).isEqualTo(200);
  }

  @Test
  void anInstanceOfTheOtherRevocationMode_onTheSameKeyPrefix_isRefusedAtStart() {
    // The replicated pair already runs on its prefix; a direct instance there would miss (and
    // hide) every revocation they make.
    String prefix = "authstore-replicated:";
    ServerConfig direct =
        RedisServers.on(redis, RevocationMode.REPLICATED)
            .revocationMode(RevocationMode.DIRECT)
            .build();

    org.assertj.core.api.Assertions.assertThatIllegalStateException()
        .isThrownBy(() -> AuthstoreServer.start(direct).close())
        .withMessageContaining("holds revocations in the replicated layout")
        .withMessageContaining(prefix + "revocation-layout");
  }

  private static String validate() {
    return "/auth/sessions/validate";
  }

  private static boolean isRevoked(Api reader, String path) {
    Api.Response r = reader.get(path);
    assertThat(r.status()).as("GET %s: %s", path, r.body()).isEqualTo(200);
    return r.json().path("revoked").asBoolean();
  }
}
