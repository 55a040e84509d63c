package io.authstore.server;

import io.authstore.StoreUnavailableException;
import io.authstore.redis.RedisBackend;
import io.authstore.redis.ReplicatedRevocationStore;
import io.authstore.redis.ReplicationOptions;
import io.authstore.revocation.InMemoryRevocationStore;
import io.authstore.revocation.RevocationOptions;
import io.authstore.revocation.RevocationStore;
import io.authstore.ticket.InMemoryTicketStore;
import io.authstore.ticket.TicketOptions;
import io.authstore.ticket.TicketStore;
import java.time.Duration;

/**
 * The stores one server instance uses, opened from its configuration: in memory, or on Redis with
 * tickets in Redis and revocations either replicated locally or checked in Redis. Knows how to
 * describe itself for the start line, status, health and readiness.
 *
 * <p>Thread-safe.
 */
final class Stores implements AutoCloseable {
  /** Readiness: whether to take traffic, and why not. */
  record Readiness(boolean ready, String status, String message) {}

  private final RedisBackend redis;
  private final ReplicatedRevocationStore replicated;
  private final RevocationStore revocations;
  private final TicketStore tickets;
  private final String storage;
  private final String description;
  private final boolean servesStale;

  private Stores(
      RedisBackend redis,
      ReplicatedRevocationStore replicated,
      RevocationStore revocations,
      TicketStore tickets,
      String storage,
      String description,
      boolean servesStale) {
    this.redis = redis;
    this.replicated = replicated;
    this.revocations = revocations;
    this.tickets = tickets;
    this.storage = storage;
    this.description = description;
    this.servesStale = servesStale;
  }

  /**
   * Opens the stores the configuration asks for.
   *
   * @throws StoreUnavailableException if Redis is unreachable and fallback is not enabled
   */
  static Stores open(ServerConfig config, Metrics metrics) {
    TicketOptions ticketOptions = config.tickets().toBuilder().listener(metrics).build();
    RevocationOptions revocationOptions =
        config.revocations().toBuilder()
            .maxTokenLifetime(subjectMarkerLifetime(config))
            .listener(metrics)
            .build();
    if (config.redis() == null) {
      return new Stores(
          null,
          null,
          InMemoryRevocationStore.create(revocationOptions),
          InMemoryTicketStore.create(ticketOptions),
          "memory",
          "memory",
          false);
    }
    RedisBackend backend =
        RedisBackend.open(config.redis(), revocationOptions, ticketOptions, config.fallback());
    if (backend.storage() == RedisBackend.Storage.MEMORY_FALLBACK) {
      return new Stores(
          backend,
          null,
          backend.revocationStore(),
          backend.ticketStore(),
          "memory_fallback",
          "memory (FALLBACK: redis " + config.redis().topology() + " was unreachable at start)",
          false);
    }
    String topology = config.redis().topology().toString().toLowerCase(java.util.Locale.ROOT);
    if (config.revocationMode() == ServerConfig.RevocationMode.DIRECT) {
      try {
        backend.claimRevocationLayout();
      } catch (RuntimeException e) {
        backend.close();
        throw e;
      }
      return new Stores(
          backend,
          null,
          backend.revocationStore(),
          backend.ticketStore(),
          "redis",
          "redis " + topology + ", revocations checked in redis",
          false);
    }
    ReplicationOptions replication =
        ReplicationOptions.builder()
            .maxStaleness(config.replication().maxStaleness())
            .policy(config.replication().policy())
            .feedMaxLength(config.replication().feedMaxLength())
            .listener(metrics)
            .build();
    ReplicatedRevocationStore view;
    try {
      view = ReplicatedRevocationStore.connect(config.redis(), revocationOptions, replication);
    } catch (RuntimeException e) {
      backend.close();
      throw e;
    }
    return new Stores(
        backend,
        view,
        view,
        backend.ticketStore(),
        "redis",
        "redis " + topology + ", revocations replicated locally",
        config.replication().policy() == ReplicationOptions.StalenessPolicy.SERVE_STALE);
  }

  /**
   * How long a subject-wide revocation is kept. The JWT verifier accepts a token until {@code exp}
   * plus its leeway, and {@code exp - iat} up to its maximum lifetime: a marker kept for less than
   * the two together could expire while a token it covers is still accepted. So with JWT settings
   * the configured lifetime is raised to at least that sum (within the store's limit); raising it
   * only keeps markers longer.
   */
  static Duration subjectMarkerLifetime(ServerConfig config) {
    Duration configured = config.revocations().maxTokenLifetime();
    if (config.jwt() == null) {
      return configured;
    }
    Duration needed = config.jwt().maxTokenLifetime().plus(config.jwt().leeway());
    if (needed.compareTo(RevocationOptions.MAX_TOKEN_LIFETIME_LIMIT) > 0) {
      needed = RevocationOptions.MAX_TOKEN_LIFETIME_LIMIT;
    }
    return needed.compareTo(configured) > 0 ? needed : configured;
  }

  RevocationStore revocations() {
    return revocations;
  }

  TicketStore tickets() {
    return tickets;
  }

  /**
   * The source's {@code storage} field: {@code memory}, {@code redis} or {@code memory_fallback}.
   */
  String storage() {
    return storage;
  }

  /** For the start line. */
  String description() {
    return description;
  }

  /** Whether Redis is configured and answering a PING; false on the in-memory backend. */
  boolean redisHealthy() {
    return redis != null && redis.isRedisHealthy();
  }

  /** Whether a Redis backend (not a fallback) is in use. */
  boolean usesRedis() {
    return "redis".equals(storage);
  }

  /** The replicated view, or null. */
  ReplicatedRevocationStore replicated() {
    return replicated;
  }

  Readiness readiness() {
    if (usesRedis() && !redisHealthy()) {
      if (servesStale && viewAnswers()) {
        // What SERVE_STALE chose: with Redis down for every instance nobody can revoke, so the
        // view stays complete; taking the instance out of rotation would fail the very checks
        // the policy keeps answering.
        return new Readiness(
            true,
            "degraded",
            "redis is unreachable: tickets unavailable, revocation checks served from the local"
                + " view (SERVE_STALE)");
      }
      return new Readiness(false, "down", "redis is unreachable");
    }
    if (replicated != null) {
      switch (replicated.state()) {
        case BOOTSTRAPPING:
          return new Readiness(false, "down", "revocation view is bootstrapping");
        case STALE:
          if (servesStale) {
            return new Readiness(
                true, "degraded", "revocation view is stale; serving it (SERVE_STALE)");
          }
          return new Readiness(false, "down", "revocation view is stale (FAIL_CLOSED)");
        case CLOSED:
          return new Readiness(false, "down", "closed");
        default:
          break;
      }
    }
    if (storage.equals("memory_fallback")) {
      return new Readiness(
          true, "degraded", "redis was unreachable at start: in-memory fallback, state not shared");
    }
    return new Readiness(true, "up", "ok");
  }

  /**
   * The replicated view's state in lower case ({@code bootstrapping}, {@code ready}, {@code stale},
   * {@code closed}), or null when revocations are not replicated.
   */
  String revocationView() {
    return replicated == null ? null : replicated.state().name().toLowerCase(java.util.Locale.ROOT);
  }

  private boolean viewAnswers() {
    ReplicatedRevocationStore.State state = replicated == null ? null : replicated.state();
    return state == ReplicatedRevocationStore.State.READY
        || state == ReplicatedRevocationStore.State.STALE;
  }

  @Override
  public void close() {
    if (replicated != null) {
      replicated.close();
    }
    if (redis != null) {
      redis.close();
    } else {
      revocations.close();
      tickets.close();
    }
  }
}
