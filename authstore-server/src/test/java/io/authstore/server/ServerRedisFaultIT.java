package io.authstore.server;

import static io.authstore.server.ServerRedisIT.tokenBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.authstore.internal.TicketCodec;
import io.authstore.redis.ReplicationOptions.StalenessPolicy;
import io.authstore.server.ServerConfig.RevocationMode;
import io.authstore.testkit.RedisProcess;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Redis killed under a running server, then restarted on the same port: the service answers 503
 * with {@code Retry-After} (never 500, never a hang) while Redis is gone, its probes say so, and it
 * serves again once Redis is back, without a restart of its own. The replicated revocation view
 * follows its freshness policy meanwhile.
 */
class ServerRedisFaultIT {
  private static final Duration STALENESS_BOUND = Duration.ofMillis(500);
  // Bounds every response is awaited within: far above the 1 s command timeout, so a request that
  // does not return is a hang, not a slow machine.
  private static final long RESPONSE_BOUND_SECONDS = 60;

  private static final List<AutoCloseable> STARTED =
      Collections.synchronizedList(new ArrayList<>());
  // Unknown tickets of the right shape, which only the store can reject.
  private static final TicketCodec WELL_FORMED = TicketCodec.create();
  private static final ExecutorService pool = Executors.newFixedThreadPool(8);

  private RedisProcess redis;
  private AuthstoreServer server;

  @AfterEach
  void stopEach() throws Exception {
    RedisServers.closeAll(server, redis);
  }

  @AfterAll
  static void stopAll() throws Exception {
    pool.shutdownNow();
    // Whatever a failed test left behind.
    RedisServers.closeAll(STARTED.toArray(AutoCloseable[]::new));
    assertThat(LogCapture.linesWithSecrets()).isEmpty();
  }

  private void start(RevocationMode mode, StalenessPolicy policy) {
    redis = RedisProcess.start();
    STARTED.add(redis);
    server =
        RedisServers.startReady(RedisServers.on(redis, mode).freshness(STALENESS_BOUND, policy));
    STARTED.add(0, server);
  }

  private Api api(String key) {
    return new Api(server.port(), key);
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID();
  }

  @Test
  void scrapeWhileRedisIsPaused_readsTheStoreGaugesTogether_andReportsTheStoreDown() {
    start(RevocationMode.DIRECT, StalenessPolicy.FAIL_CLOSED);
    Api anonymous = api(null);
    assertThat(ServerMemoryIT.metric(anonymous.get("/metrics").body(), "authstore_store_up"))
        .isEqualTo(1.0);

    redis.pause();
    try {
      long started = System.nanoTime();
      Api.Response scrape = anonymous.get("/metrics");
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      assertThat(scrape.status()).isEqualTo(200);
      assertThat(ServerMemoryIT.metric(scrape.body(), "authstore_store_up")).isEqualTo(0.0);
      assertThat(scrape.body())
          .contains("authstore_tickets_active NaN", "authstore_revocations_entries NaN");
      // Four gauges ask the store (ticket stats twice, revoked entries, readiness): read one after
      // another, each waited out the 1 s command timeout, 4 s and more. Read together, about one.
      assertThat(took).isLessThan(Duration.ofMillis(3_000));
    } finally {
      redis.resume();
    }
    await("store up again")
        .atMost(RedisServers.PATIENCE)
        .until(
            () ->
                ServerMemoryIT.metric(anonymous.get("/metrics").body(), "authstore_store_up")
                    == 1.0);
  }

  @Test
  void redisKilledUnderLoad_issueAndValidateAnswer503WithRetryAfter_andServeAgainAfterRestart()
      throws Exception {
    start(RevocationMode.DIRECT, StalenessPolicy.FAIL_CLOSED);
    Api issuer = api(TestServers.ISSUE_KEY);
    Api consumer = api(TestServers.CONSUME_KEY);
    Api anonymous = api(null);
    String issuedBefore = issuer.issue("alice");

    // Requests keep coming while Redis dies: each answers, with success or 503, never 500.
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger answered = new AtomicInteger();
    AtomicInteger unavailable = new AtomicInteger();
    List<Future<List<Api.Response>>> load = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      boolean issuing = t % 2 == 0;
      load.add(
          pool.submit(
              () -> {
                List<Api.Response> seen = new ArrayList<>();
                while (!stop.get() && seen.size() < 5_000) {
                  Api.Response r =
                      issuing
                          ? issuer.postJson(
                              "/auth/sessions", "{\"subject\":\"" + unique("load") + "\"}")
                          : consumer.postJson(
                              "/auth/sessions/validate", tokenBody(WELL_FORMED.newTicket()));
                  seen.add(r);
                  answered.incrementAndGet();
                  if (r.status() == 503) {
                    unavailable.incrementAndGet();
                  }
                }
                return seen;
              }));
    }
    await("load running").atMost(RedisServers.PATIENCE).until(() -> answered.get() >= 40);
    redis.kill();
    await("load meeting the dead Redis")
        .atMost(RedisServers.PATIENCE)
        .until(() -> unavailable.get() >= 8);
    stop.set(true);
    List<Api.Response> underKill = new ArrayList<>();
    for (Future<List<Api.Response>> f : load) {
      underKill.addAll(f.get(RESPONSE_BOUND_SECONDS, TimeUnit.SECONDS));
    }
    assertThat(underKill).allSatisfy(r -> assertThat(r.status()).as(r.body()).isIn(201, 401, 503));
    assertThat(underKill)
        .filteredOn(r -> r.status() == 503)
        .allSatisfy(ServerRedisFaultIT::assertStoreUnavailable);

    // Redis is gone: every issue and validate answers 503 store_unavailable with Retry-After.
    List<Callable<Api.Response>> calls = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      calls.add(() -> issuer.postJson("/auth/sessions", "{\"subject\":\"alice\"}"));
      calls.add(() -> consumer.postJson("/auth/sessions/validate", tokenBody(issuedBefore)));
    }
    List<Api.Response> whileDown = new ArrayList<>();
    for (Future<Api.Response> f : pool.invokeAll(calls)) {
      whileDown.add(f.get(RESPONSE_BOUND_SECONDS, TimeUnit.SECONDS));
    }
    assertThat(whileDown).hasSize(16);
    assertThat(whileDown).allSatisfy(ServerRedisFaultIT::assertStoreUnavailable);

    Api.Response ready = anonymous.get("/health/ready");
    assertThat(ready.status()).isEqualTo(503);
    assertThat(ready.header("Retry-After")).isPresent();
    assertThat(ready.json().path("status").asText()).isEqualTo("down");
    // A balancer probing with HEAD sees the same 503.
    Api.Response readyHead = anonymous.send("HEAD", "/health/ready", null, null);
    assertThat(readyHead.status()).isEqualTo(503);
    assertThat(readyHead.header("Retry-After")).isPresent();
    Api.Response health = anonymous.get("/auth/redis-health");
    assertThat(health.status()).isEqualTo(503);
    assertThat(health.json().path("status").asText()).isEqualTo("unhealthy");
    assertThat(anonymous.get("/health/live").status()).isEqualTo(200);

    redis.restart();

    await("issue after Redis restarted")
        .atMost(RedisServers.PATIENCE)
        .until(() -> issuer.postJson("/auth/sessions", "{\"subject\":\"alice\"}").status() == 201);
    String ticket = issuer.issue("alice");
    assertThat(consumer.postJson("/auth/sessions/validate", tokenBody(ticket)).status())
        .isEqualTo(200);
    assertThat(consumer.postJson("/auth/sessions/validate", tokenBody(ticket)).status())
        .isEqualTo(401);
    await("readiness after Redis restarted")
        .atMost(RedisServers.PATIENCE)
        .until(() -> anonymous.get("/health/ready").status() == 200);
    assertThat(anonymous.get("/auth/redis-health").status()).isEqualTo(200);
  }

  @Test
  void
      replicatedFailClosed_redisKilled_revocationChecksTurn503_andAfterRestartTheRevocationHolds() {
    start(RevocationMode.REPLICATED, StalenessPolicy.FAIL_CLOSED);
    String jti = unique("jti");
    revoke(jti);
    Api reader = api(TestServers.REVOKE_READ_KEY);
    assertThat(reader.get("/auth/revocations/" + jti).json().path("revoked").asBoolean()).isTrue();

    redis.kill();

    await("checks fail closed once the view is past its staleness bound")
        .atMost(RedisServers.PATIENCE)
        .until(() -> reader.get("/auth/revocations/" + jti).status() == 503);
    assertStoreUnavailable(reader.get("/auth/revocations/" + jti));
    assertStoreUnavailable(reader.get("/auth/revocations/" + unique("jti")));
    Api.Response ready = api(null).get("/health/ready");
    assertThat(ready.status()).isEqualTo(503);
    assertThat(ready.json().path("status").asText()).isEqualTo("down");

    // Redis comes back empty (no persistence): the view writes its entries back.
    redis.restart();

    // The bound is 500 ms: on a loaded machine a late follower read can make the view stale for
    // a moment even once Redis is back, so each check is asked until it answers; the first answer
    // is the one asserted.
    assertThat(firstAnswer(reader, "/auth/revocations/" + jti).path("revoked").asBoolean())
        .isTrue();
    assertThat(
            firstAnswer(reader, "/auth/revocations/" + unique("jti")).path("revoked").asBoolean())
        .isFalse();
  }

  /** The body of the first 200 for {@code path}, asking again while it answers 503. */
  private static JsonNode firstAnswer(Api api, String path) {
    AtomicReference<Api.Response> answer = new AtomicReference<>();
    await("an answer from " + path)
        .atMost(RedisServers.PATIENCE)
        .until(
            () -> {
              Api.Response r = api.get(path);
              assertThat(r.status()).as(r.body()).isIn(200, 503);
              answer.set(r);
              return r.status() == 200;
            });
    return answer.get().json();
  }

  @Test
  void replicatedServeStale_redisKilled_revocationChecksKeepAnswering_andReadinessSaysDegraded() {
    start(RevocationMode.REPLICATED, StalenessPolicy.SERVE_STALE);
    String jti = unique("jti");
    revoke(jti);
    Api reader = api(TestServers.REVOKE_READ_KEY);
    Api anonymous = api(null);

    redis.kill();

    await("the view goes stale")
        .atMost(RedisServers.PATIENCE)
        .until(
            () -> anonymous.get("/health/ready").json().path("revocation_view").asText(),
            "stale"::equals);
    Api.Response ready = anonymous.get("/health/ready");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().path("status").asText()).isEqualTo("degraded");
    Api.Response revoked = reader.get("/auth/revocations/" + jti);
    assertThat(revoked.status()).isEqualTo(200);
    assertThat(revoked.json().path("revoked").asBoolean()).isTrue();
    Api.Response other = reader.get("/auth/revocations/" + unique("jti"));
    assertThat(other.status()).isEqualTo(200);
    assertThat(other.json().path("revoked").asBoolean()).isFalse();
    // What needs Redis itself still fails, visibly.
    assertStoreUnavailable(
        api(TestServers.ISSUE_KEY).postJson("/auth/sessions", "{\"subject\":\"alice\"}"));
    assertThat(anonymous.get("/auth/redis-health").status()).isEqualTo(503);

    redis.restart();

    await("readiness up after Redis restarted")
        .atMost(RedisServers.PATIENCE)
        .until(() -> anonymous.get("/health/ready").json().path("status").asText(), "up"::equals);
    assertThat(reader.get("/auth/revocations/" + jti).json().path("revoked").asBoolean()).isTrue();
  }

  private void revoke(String jti) {
    Api.Response r =
        api(TestServers.REVOKE_WRITE_KEY)
            .postJson(
                "/auth/revocations",
                "{\"jti\":\""
                    + jti
                    + "\",\"expires_at\":\""
                    + Instant.now().plusSeconds(600)
                    + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  private static void assertStoreUnavailable(Api.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(503);
    assertThat(r.error()).isEqualTo("store_unavailable");
    assertThat(r.header("Retry-After"))
        .hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isPositive());
  }
}
