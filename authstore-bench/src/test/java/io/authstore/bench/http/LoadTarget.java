package io.authstore.bench.http;

import io.authstore.redis.RedisConnectionConfig;
import io.authstore.server.ApiKeys;
import io.authstore.server.AuthstoreServer;
import io.authstore.server.ServerConfig;
import io.authstore.testkit.RedisProcess;
import io.authstore.ticket.TicketOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the load runs measure, started in the simulation's JVM: a {@code redis-server} from the test
 * kit, an in-memory authstore server (revocation checks and {@code /health/live}) holding {@link
 * #REVOKED} revoked jtis, and a Redis-backed authstore server (ticket issue + validate). Both bind
 * to 127.0.0.1 on a free port, with rate limits off, ticket caps far above what a run issues, and
 * one admin key that the load sends in {@code X-API-Key}.
 *
 * <p>The revoked jtis are loaded through the HTTP API ({@code POST /auth/revocations}) before any
 * measurement, and the count the server reports is checked.
 *
 * <p>Thread-safe after {@link #start()}: the jti pools are read-only.
 */
final class LoadTarget implements AutoCloseable {
  /** Revoked jtis held by the in-memory server during the check runs. */
  static final int REVOKED = 100_000;

  /** The {@code iss} every revocation and check names. */
  static final String ISSUER = "https://issuer.example";

  /** Lifetime of the issued tickets: bounds the tombstones Redis keeps during a run. */
  static final int TICKET_TTL_SECONDS = 300;

  private static final int LOAD_IN_FLIGHT = 32;

  private final String adminKey = ApiKeys.generateSecret();
  private final String[] revokedJtis = new String[REVOKED];
  private RedisProcess redis;
  private AuthstoreServer memory;
  private AuthstoreServer onRedis;

  private LoadTarget() {}

  /**
   * Starts Redis and both servers and loads the revocations.
   *
   * @return the running target; close it when the run ends
   */
  static LoadTarget start() {
    LoadTarget target = new LoadTarget();
    try {
      target.open();
      return target;
    } catch (RuntimeException | Error e) {
      target.close();
      throw e;
    }
  }

  private void open() {
    ApiKeys keys = ApiKeys.parse("load:" + adminKey + "=admin", "load run");
    TicketOptions tickets =
        TicketOptions.builder().maxActive(1_000_000).maxActivePerSubject(1_000_000).build();
    memory = AuthstoreServer.start(base(keys, tickets).build());
    redis = RedisProcess.start();
    onRedis =
        AuthstoreServer.start(
            base(keys, tickets)
                .redis(
                    RedisConnectionConfig.builder()
                        .standalone("127.0.0.1", redis.port())
                        .commandTimeout(Duration.ofSeconds(5))
                        .build())
                .build());
    for (int i = 0; i < REVOKED; i++) {
      revokedJtis[i] = UUID.randomUUID().toString();
    }
    loadRevocations();
  }

  private static ServerConfig.Builder base(ApiKeys keys, TicketOptions tickets) {
    return ServerConfig.builder()
        .bind("127.0.0.1")
        .port(0)
        .apiKeys(keys)
        .rateLimitPerKey(0)
        .rateLimitPerAddress(0)
        .tickets(tickets);
  }

  /** {@code POST /auth/revocations} for every jti, {@link #LOAD_IN_FLIGHT} at a time. */
  private void loadRevocations() {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    long expiresAt = Instant.now().plus(Duration.ofHours(2)).getEpochSecond();
    URI uri = URI.create(memoryBaseUrl() + "/auth/revocations");
    Semaphore inFlight = new Semaphore(LOAD_IN_FLIGHT);
    AtomicReference<String> failure = new AtomicReference<>();
    List<CompletableFuture<?>> pending = new ArrayList<>();
    for (String jti : revokedJtis) {
      inFlight.acquireUninterruptibly();
      String body =
          "{\"issuer\":\""
              + ISSUER
              + "\",\"jti\":\""
              + jti
              + "\",\"expires_at\":"
              + expiresAt
              + "}";
      HttpRequest request =
          HttpRequest.newBuilder(uri)
              .header("Content-Type", "application/json")
              .header("X-API-Key", adminKey)
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build();
      pending.add(
          client
              .sendAsync(request, HttpResponse.BodyHandlers.ofString())
              .whenComplete(
                  (response, error) -> {
                    inFlight.release();
                    if (error != null) {
                      failure.compareAndSet(null, error.toString());
                    } else if (response.statusCode() != 200
                        || !response.body().contains("\"stored\":true")) {
                      failure.compareAndSet(null, response.statusCode() + " " + response.body());
                    }
                  }));
      if (failure.get() != null) {
        break;
      }
    }
    pending.forEach(f -> f.exceptionally(e -> null).join());
    if (failure.get() != null) {
      throw new IllegalStateException("loading revocations failed: " + failure.get());
    }
    String status = get(client, memoryBaseUrl() + "/auth/session-status");
    if (!status.contains("\"revoked_entries\":" + REVOKED)) {
      throw new IllegalStateException("expected " + REVOKED + " revoked entries: " + status);
    }
  }

  private String get(HttpClient client, String url) {
    try {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(URI.create(url)).header("X-API-Key", adminKey).build(),
              HttpResponse.BodyHandlers.ofString());
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A revoked jti, uniformly drawn. */
  String revokedJti() {
    return revokedJtis[ThreadLocalRandom.current().nextInt(REVOKED)];
  }

  /** The API key with every scope. A secret: never print or log it. */
  String adminKey() {
    return adminKey;
  }

  /** The in-memory server (revocation checks, {@code /health/live}). */
  String memoryBaseUrl() {
    return "http://127.0.0.1:" + memory.port();
  }

  /** The Redis-backed server (tickets). */
  String redisBaseUrl() {
    return "http://127.0.0.1:" + onRedis.port();
  }

  int memoryPort() {
    return memory.port();
  }

  int redisBackedPort() {
    return onRedis.port();
  }

  /** The {@code redis-server} process id, for its CPU time. */
  long redisPid() {
    return redis.pid();
  }

  @Override
  public void close() {
    try (RedisProcess r = redis;
        AuthstoreServer a = onRedis;
        AuthstoreServer b = memory) {
      // Servers first (reverse order), then Redis.
    }
  }
}
