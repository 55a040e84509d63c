package io.authstore.server;

import static org.awaitility.Awaitility.await;

import io.authstore.redis.RedisConnectionConfig;
import io.authstore.testkit.RedisProcess;
import io.authstore.ticket.TicketOptions;
import java.time.Duration;

/** Servers on a testkit Redis, for the HTTP tests of the Redis backend. */
final class RedisServers {
  /** How long a Redis command may take before the store reports it unavailable. */
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);

  /**
   * A generous bound for what happens in the background (start-up, propagation, recovery): not a
   * timing claim, only a guard against waiting forever.
   */
  static final Duration PATIENCE = Duration.ofSeconds(30);

  private RedisServers() {}

  /** The connection to a testkit Redis, with the given command timeout. */
  static RedisConnectionConfig connection(RedisProcess redis, Duration commandTimeout) {
    return connectionBuilder(redis, commandTimeout).build();
  }

  private static RedisConnectionConfig.Builder connectionBuilder(
      RedisProcess redis, Duration commandTimeout) {
    return RedisConnectionConfig.builder()
        .standalone("127.0.0.1", redis.port())
        .commandTimeout(commandTimeout)
        .connectTimeout(Duration.ofSeconds(1));
  }

  /**
   * {@link TestServers#memory()} moved onto Redis, revocations kept the given way, caps high enough
   * for the concurrency tests. Each mode has a key prefix of its own: the two revocation layouts
   * cannot share one (the second to start is refused).
   */
  static ServerConfig.Builder on(RedisProcess redis, ServerConfig.RevocationMode mode) {
    return TestServers.memory()
        .redis(
            connectionBuilder(redis, COMMAND_TIMEOUT)
                .keyPrefix("authstore-" + mode.name().toLowerCase(java.util.Locale.ROOT) + ":")
                .build())
        .revocationMode(mode)
        .tickets(TicketOptions.builder().maxActive(100_000).maxActivePerSubject(10_000).build());
  }

  /** Starts a server and waits until it says it is ready (the replicated view bootstraps). */
  static AuthstoreServer startReady(ServerConfig.Builder config) {
    AuthstoreServer server = AuthstoreServer.start(config.build());
    try {
      Api probe = new Api(server.port(), null);
      await("readiness of the server on port " + server.port())
          .atMost(PATIENCE)
          .until(() -> probe.get("/health/ready").status() == 200);
      return server;
    } catch (RuntimeException | Error e) {
      server.close();
      throw e;
    }
  }

  /** Closes every non-null resource, in order, even if one fails. */
  static void closeAll(AutoCloseable... resources) throws Exception {
    Exception first = null;
    for (AutoCloseable r : resources) {
      if (r == null) {
        continue;
      }
      try {
        r.close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
