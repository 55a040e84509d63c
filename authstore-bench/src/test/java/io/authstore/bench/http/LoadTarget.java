package io.authstore.bench.http;

import io.authstore.redis.RedisConnectionConfig;
import io.authstore.server.ApiKeys;
import io.authstore.server.AuthstoreServer;
import io.authstore.server.ServerConfig;
import io.authstore.testkit.RedisProcess;
import io.authstore.ticket.TicketOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

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

  private static final int LOAD_THREADS = 4;

  private final String adminKey = ApiKeys.generateSecret();
  private final String[] revokedJtis = new String[REVOKED];
  private RedisProcess redis;
  private AuthstoreServer memory;
  private AuthstoreServer onRedis;
  private double loadSeconds;

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

  /**
   * {@code POST /auth/revocations} for every jti, from {@link #LOAD_THREADS} threads, each on its
   * own keep-alive connection ({@link SetupConnection}), then checks the count the server reports.
   */
  private void loadRevocations() {
    long start = System.nanoTime();
    long expiresAt = Instant.now().plus(Duration.ofHours(2)).getEpochSecond();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger threadNumber = new AtomicInteger();
    ExecutorService threads =
        Executors.newFixedThreadPool(
            LOAD_THREADS, r -> new Thread(r, "load-setup-" + threadNumber.incrementAndGet()));
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < LOAD_THREADS; t++) {
        done.add(
            threads.submit(
                () -> {
                  try (SetupConnection http = new SetupConnection(memory.port(), adminKey)) {
                    for (int i = next.getAndIncrement(); i < REVOKED; i = next.getAndIncrement()) {
                      String body =
                          "{\"issuer\":\""
                              + ISSUER
                              + "\",\"jti\":\""
                              + revokedJtis[i]
                              + "\",\"expires_at\":"
                              + expiresAt
                              + "}";
                      String answer = http.send("POST", "/auth/revocations", body);
                      if (!answer.startsWith("200 ") || !answer.contains("\"stored\":true")) {
                        throw new IllegalStateException("revoke answered " + answer);
                      }
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      try (SetupConnection http = new SetupConnection(memory.port(), adminKey)) {
        String status = http.send("GET", "/auth/session-status", null);
        if (!status.contains("\"revoked_entries\":" + REVOKED)) {
          throw new IllegalStateException("expected " + REVOKED + " revoked entries: " + status);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("loading revocations failed", e.getCause());
    } finally {
      threads.shutdownNow();
    }
    loadSeconds = (System.nanoTime() - start) / 1e9;
  }

  /** Seconds it took to revoke the {@link #REVOKED} jtis over HTTP. */
  double loadSeconds() {
    return loadSeconds;
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
