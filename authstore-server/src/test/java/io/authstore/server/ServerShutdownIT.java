package io.authstore.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.authstore.server.ServerConfig.RevocationMode;
import io.authstore.testkit.RedisProcess;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Graceful shutdown: a request inside a store call when {@link AuthstoreServer#close()} begins is
 * answered in full, and the server takes no new connection afterwards.
 */
class ServerShutdownIT {
  // Long enough that the paused Redis, not the timeout, decides when the store call returns.
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);
  private static final long BOUND_SECONDS = 60;

  private static RedisProcess redis;
  private static AuthstoreServer server;
  private static final ExecutorService pool = Executors.newFixedThreadPool(2);

  @BeforeAll
  static void start() {
    redis = RedisProcess.start();
    server =
        RedisServers.startReady(
            RedisServers.on(redis, RevocationMode.DIRECT)
                .redis(RedisServers.connection(redis, COMMAND_TIMEOUT))
                .shutdownGrace(Duration.ofSeconds(30)));
  }

  @AfterAll
  static void stop() throws Exception {
    pool.shutdownNow();
    if (redis != null && redis.isAlive()) {
      redis.resume();
    }
    RedisServers.closeAll(server, redis);
  }

  @Test
  void close_withAnIssueBlockedInTheStore_answersItInFull_thenRefusesNewConnections()
      throws Exception {
    int port = server.port();
    Api issuer = new Api(port, TestServers.ISSUE_KEY);
    assertThat(issuer.issue("warm-up")).isNotEmpty();

    redis.pause();
    CompletableFuture<Api.Response> inFlight =
        CompletableFuture.supplyAsync(
            () -> issuer.postJson("/auth/sessions", "{\"subject\":\"alice\"}"), pool);
    await("the issue request waiting on Redis inside the server")
        .atMost(RedisServers.PATIENCE)
        .until(() -> aServerThreadIsIn(TicketRoutes.class, "issue"));

    CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close, pool);
    await("shutdown under way: new requests are turned away")
        .atMost(RedisServers.PATIENCE)
        .until(() -> freshRequestTurnedAway(port));
    assertThat(inFlight).isNotDone();

    redis.resume();

    Api.Response response = inFlight.get(BOUND_SECONDS, TimeUnit.SECONDS);
    assertThat(response.status()).as(response.body()).isEqualTo(201);
    assertThat(response.json().path("token").asText()).hasSize(43);
    closing.get(BOUND_SECONDS, TimeUnit.SECONDS);

    assertThatThrownBy(() -> freshClient().send(live(port), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(ConnectException.class);
  }

  /** Whether some thread of this JVM is executing {@code type.method} right now. */
  private static boolean aServerThreadIsIn(Class<?> type, String method) {
    return Thread.getAllStackTraces().values().stream()
        .flatMap(Arrays::stream)
        .anyMatch(f -> f.getClassName().equals(type.getName()) && f.getMethodName().equals(method));
  }

  /** A request on a new connection is refused or answered 503. */
  private static boolean freshRequestTurnedAway(int port) throws InterruptedException {
    try {
      return freshClient().send(live(port), HttpResponse.BodyHandlers.ofString()).statusCode()
          == 503;
    } catch (IOException e) {
      return true;
    }
  }

  private static HttpClient freshClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  private static HttpRequest live(int port) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/live"))
        .timeout(Duration.ofSeconds(5))
        .build();
  }
}
