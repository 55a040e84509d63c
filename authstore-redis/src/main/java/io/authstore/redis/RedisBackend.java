package io.authstore.redis;

import io.authstore.StoreUnavailableException;
import io.authstore.revocation.InMemoryRevocationStore;
import io.authstore.revocation.RevocationOptions;
import io.authstore.revocation.RevocationStore;
import io.authstore.ticket.InMemoryTicketStore;
import io.authstore.ticket.TicketOptions;
import io.authstore.ticket.TicketStore;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The revocation and ticket stores of one process on one Redis connection, opened together.
 *
 * <p>With {@link FallbackPolicy#MEMORY}, a Redis that cannot be reached at start gives in-memory
 * stores instead. That is for a single instance only (instances no longer share state), so it is an
 * explicit opt-in, logged as a warning, and reported by {@link #storage()}: the service shows it in
 * health and stats. Once started, a backend never switches: a Redis lost later gives {@link
 * StoreUnavailableException}.
 *
 * <p>Thread-safe.
 */
public final class RedisBackend implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisBackend.class);

  /** What to do when Redis cannot be reached at start. */
  public enum FallbackPolicy {
    /** Fail the start with {@link StoreUnavailableException}: the default. */
    FAIL,
    /** Use in-memory stores, for a single instance; reported by {@link #storage()}. */
    MEMORY
  }

  /** Where the stores of this backend keep their state. */
  public enum Storage {
    /** In Redis, shared by every instance. */
    REDIS,
    /** In this process, because Redis was unreachable at start and fallback was enabled. */
    MEMORY_FALLBACK
  }

  private final RedisConnection redis;
  private final RevocationStore revocations;
  private final TicketStore tickets;

  private RedisBackend(RedisConnection redis, RevocationStore revocations, TicketStore tickets) {
    this.redis = redis;
    this.revocations = revocations;
    this.tickets = tickets;
  }

  /**
   * Connects and creates both stores on one connection.
   *
   * @param config where Redis is
   * @param revocationOptions options of the revocation store
   * @param ticketOptions options of the ticket store
   * @param fallback what to do if Redis cannot be reached now
   * @return the backend
   * @throws StoreUnavailableException if Redis cannot be reached and fallback is {@link
   *     FallbackPolicy#FAIL}
   * @throws io.authstore.AuthstoreException if a standalone Redis answers but refuses the
   *     connection (wrong password or user, a database out of range): whatever the fallback, a
   *     configuration to fix is not taken for an outage. (On Cluster, Lettuce gathers the nodes'
   *     failures in another way and such a refusal is still retried as an outage; not tested.)
   */
  public static RedisBackend open(
      RedisConnectionConfig config,
      RevocationOptions revocationOptions,
      TicketOptions ticketOptions,
      FallbackPolicy fallback) {
    Objects.requireNonNull(revocationOptions, "revocationOptions");
    Objects.requireNonNull(ticketOptions, "ticketOptions");
    Objects.requireNonNull(fallback, "fallback");
    RedisConnection redis;
    try {
      redis = RedisConnection.open(config);
    } catch (StoreUnavailableException e) {
      if (fallback == FallbackPolicy.FAIL) {
        throw e;
      }
      log.warn(
          "redis unreachable at start ({}); FALLING BACK TO IN-MEMORY STORES: this instance shares"
              + " no state with any other",
          e.getMessage());
      return new RedisBackend(
          null,
          InMemoryRevocationStore.create(revocationOptions),
          InMemoryTicketStore.create(ticketOptions));
    }
    return new RedisBackend(
        redis,
        new RedisRevocationStore(redis, false, revocationOptions),
        new RedisTicketStore(redis, false, ticketOptions));
  }

  /**
   * @return where state is kept
   */
  public Storage storage() {
    return redis == null ? Storage.MEMORY_FALLBACK : Storage.REDIS;
  }

  /**
   * Records in Redis that this key prefix keeps revocations in this backend's layout (that of
   * {@link RedisRevocationStore}), before its {@link #revocationStore()} is used: a {@link
   * ReplicatedRevocationStore} on the same Redis and prefix keeps them in another layout, which
   * shares no key with this one, and each claims its own, so the second of two instances that
   * differ is refused at start instead of missing what the other revoked. Does nothing on the
   * in-memory fallback, and skips the check with a warning when Redis cannot take the write now.
   *
   * @throws IllegalStateException if Redis records the replicated layout for this prefix
   */
  public void claimRevocationLayout() {
    if (redis != null) {
      RevocationLayout.DIRECT.claim(redis);
    }
  }

  /**
   * The revocation store, in the direct layout: call {@link #claimRevocationLayout()} first when
   * other processes may use a {@link ReplicatedRevocationStore} on the same Redis and key prefix.
   *
   * @return the revocation store
   */
  public RevocationStore revocationStore() {
    return revocations;
  }

  /**
   * @return the ticket store
   */
  public TicketStore ticketStore() {
    return tickets;
  }

  /**
   * @return true if Redis answers PING within the command timeout; false on fallback
   */
  public boolean isRedisHealthy() {
    return redis != null && redis.ping();
  }

  @Override
  public void close() {
    revocations.close();
    tickets.close();
    if (redis != null) {
      redis.close();
    }
  }
}
