package io.authstore.redis;

import io.authstore.AuthstoreException;
import io.authstore.StoreUnavailableException;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.ConnectionFuture;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.support.ConnectionPoolSupport;
import java.time.Duration;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One multiplexed Lettuce connection (standalone, Sentinel or Cluster) set up to fail fast and
 * recover alone, shared by the Redis stores it is given to. Every connection of the process runs on
 * one set of Lettuce resources ({@link SharedResources}).
 *
 * <p>Lettuce's defaults queue commands without bound while disconnected and time out after 60 s.
 * Here: commands issued while disconnected are rejected at once ({@code REJECT_COMMANDS}); the
 * queue per connection is bounded; every command is cancelled after the command timeout; TCP
 * keep-alive detects dead peers; reconnects back off from 50 ms to 1 s, so the same object works
 * again soon after Redis is back; Cluster topology is refreshed every 30 s and on every redirection
 * or disconnect. Every failure reaches the caller as {@link StoreUnavailableException} within the
 * command timeout.
 *
 * <p>Thread-safe.
 */
final class RedisConnection implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisConnection.class);

  /**
   * Added to every key TTL. Expiry decisions read the store's clock, key TTLs run on Redis's: the
   * slack absorbs clock differences between instances and Redis (and a test clock that stands
   * still), so a key never vanishes while an entry is still alive by the store's clock; trims keep
   * it too ({@link #trimBound}). Readers ignore entries past their expiry, so the slack never
   * extends a revocation or a ticket.
   */
  static final long TTL_SLACK_MILLIS = 1000;

  /** A write that waits for replicas keeps 1/this of the command timeout for itself. */
  private static final int WRITE_RESERVE_DIVISOR = 10;

  /** What a write that waits for replicas and got no connection in time says: it was not sent. */
  private static final String NOT_SENT =
      ": no connection in time for a write that waits for replicas, nothing was written";

  /** The least time before the deadline a WAIT's own timeout ends, for its reply to come back. */
  private static final long WAIT_REPLY_MARGIN_MILLIS = 50;

  /**
   * The highest score a write may drop from a sorted set whose scores are expiries, given the
   * writer's {@code expiredAtOrBefore}: the same slack back, so that an instance whose clock runs
   * ahead of another's by less than the slack never drops an entry the other still holds alive.
   * Readers ignore expired entries, so keeping them longer changes no answer.
   */
  static long trimBound(long expiredAtOrBefore) {
    return expiredAtOrBefore - TTL_SLACK_MILLIS;
  }

  private final RedisConnectionConfig config;
  private final ClientResources resources;
  private final AbstractRedisClient client;
  private final StatefulConnection<String, String> connection;
  private final RedisClusterAsyncCommands<String, String> async;
  private final long timeoutNanos;

  /**
   * Connections of their own for writes followed by {@code WAIT}, one caller at a time: {@code
   * WAIT} holds up every command behind it on its connection, so on the shared one a replica that
   * lags would hold up every caller. Null unless {@link RedisConnectionConfig#waitReplicas()} is
   * set.
   */
  private final GenericObjectPool<StatefulRedisConnection<String, String>> waiting;

  private final AtomicBoolean released = new AtomicBoolean();

  /** At most this many writes wait for replicas at once; more wait for a connection. */
  static final int MAX_WAITING_WRITES = 16;

  private RedisConnection(
      RedisConnectionConfig config,
      ClientResources resources,
      AbstractRedisClient client,
      StatefulConnection<String, String> connection,
      RedisClusterAsyncCommands<String, String> async,
      GenericObjectPool<StatefulRedisConnection<String, String>> waiting) {
    this.config = config;
    this.resources = resources;
    this.client = client;
    this.connection = connection;
    this.async = async;
    this.waiting = waiting;
    // Lettuce cancels a command at the command timeout; the extra margin only guards against a
    // future that is never completed.
    this.timeoutNanos = config.commandTimeout().toNanos() + TimeUnit.MILLISECONDS.toNanos(200);
  }

  /**
   * Connects, trying {@link RedisConnectionConfig#connectAttempts()} times, with the waits between
   * attempts that {@link RedisConnectionConfig#DEFAULT_CONNECT_ATTEMPTS} describes.
   *
   * @throws StoreUnavailableException if Redis cannot be reached
   * @throws AuthstoreException if Redis refuses the connection (see {@link #CONFIGURATION_ERRORS}),
   *     or the thread is interrupted while it waits to try again (the interrupt is kept)
   */
  static RedisConnection open(RedisConnectionConfig config) {
    SocketOptions socket =
        SocketOptions.builder()
            .connectTimeout(config.connectTimeout())
            .keepAlive(
                SocketOptions.KeepAliveOptions.builder()
                    .enable()
                    .idle(Duration.ofSeconds(15))
                    .interval(Duration.ofSeconds(5))
                    .count(3)
                    .build())
            .build();
    TimeoutOptions timeouts = TimeoutOptions.enabled(config.commandTimeout());
    List<RedisURI> uris = config.toRedisUris();
    RuntimeException last = null;
    // Released on every way out below that returns no connection.
    ClientResources resources = SharedResources.acquire();
    for (int attempt = 1; attempt <= config.connectAttempts(); attempt++) {
      if (attempt > 1) {
        // A Redis that is still starting refuses connections for a moment: attempts back to back
        // would all fail within milliseconds of each other, and a fallback be taken for good.
        try {
          Thread.sleep(RedisConnectionConfig.connectRetryDelay(attempt - 1).toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          SharedResources.release();
          // Not StoreUnavailableException: a start that is being stopped is not an outage to
          // fall back from.
          AuthstoreException interrupted =
              new AuthstoreException(
                  "interrupted while waiting to connect to redis "
                      + config.nodes()
                      + " after "
                      + (attempt - 1)
                      + " attempts",
                  last);
          interrupted.addSuppressed(e);
          throw interrupted;
        }
      }
      AbstractRedisClient client = null;
      try {
        if (config.topology() == RedisConnectionConfig.Topology.CLUSTER) {
          RedisClusterClient cluster = RedisClusterClient.create(resources, uris);
          client = cluster;
          cluster.setOptions(
              ClusterClientOptions.builder()
                  .autoReconnect(true)
                  .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                  .requestQueueSize(config.requestQueueSize())
                  .timeoutOptions(timeouts)
                  .socketOptions(socket)
                  .validateClusterNodeMembership(false)
                  .topologyRefreshOptions(
                      ClusterTopologyRefreshOptions.builder()
                          .enablePeriodicRefresh(Duration.ofSeconds(30))
                          .enableAllAdaptiveRefreshTriggers()
                          .adaptiveRefreshTriggersTimeout(Duration.ofSeconds(1))
                          .build())
                  .build());
          StatefulRedisClusterConnection<String, String> c = cluster.connect(StringCodec.UTF8);
          return new RedisConnection(config, resources, cluster, c, c.async(), null);
        }
        RedisClient standalone = RedisClient.create(resources);
        client = standalone;
        standalone.setOptions(
            ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(config.requestQueueSize())
                .timeoutOptions(timeouts)
                .socketOptions(socket)
                .build());
        StatefulRedisConnection<String, String> c =
            standalone.connect(StringCodec.UTF8, uris.get(0));
        GenericObjectPool<StatefulRedisConnection<String, String>> waiting = null;
        if (config.waitReplicas() > 0) {
          GenericObjectPoolConfig<StatefulRedisConnection<String, String>> pool =
              new GenericObjectPoolConfig<>();
          pool.setMaxTotal(MAX_WAITING_WRITES);
          pool.setMaxIdle(MAX_WAITING_WRITES);
          pool.setMinIdle(0);
          pool.setMaxWait(config.commandTimeout());
          pool.setJmxEnabled(false);
          RedisURI uri = uris.get(0);
          Duration within = config.commandTimeout();
          // Not wrapped: Lettuce wraps only what borrowObject() without a wait returns, so a
          // wrapped connection's close() would not return what borrowObject(Duration) lends.
          // release() gives each one back to the pool, or invalidates it, itself.
          waiting =
              ConnectionPoolSupport.createGenericObjectPool(
                  () -> connectWithin(standalone, uri, within), pool, false);
        }
        return new RedisConnection(config, resources, standalone, c, c.async(), waiting);
      } catch (RuntimeException e) {
        last = e;
        if (client != null) {
          client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
        RedisCommandExecutionException refusal = refusal(e);
        if (refusal != null && isConfigurationError(refusal.getMessage())) {
          // Redis answered, and said no (WRONGPASS, NOAUTH, NOPERM, a database out of range, a
          // Cluster client on a standalone server): a configuration to fix, not an outage to
          // wait out or to fall back from. A "not now" (LOADING, ...) is retried as before.
          // Redis's error texts carry no password.
          SharedResources.release();
          throw new AuthstoreException(
              "redis " + config.nodes() + " refused the connection: " + refusal.getMessage(), e);
        }
        log.warn(
            "redis connection attempt {}/{} to {} failed{}: {}",
            attempt,
            config.connectAttempts(),
            config.nodes(),
            attempt < config.connectAttempts()
                ? ", next in " + RedisConnectionConfig.connectRetryDelay(attempt).toMillis() + " ms"
                : "",
            causes(e));
      }
    }
    SharedResources.release();
    throw new StoreUnavailableException(
        "cannot connect to redis "
            + config.nodes()
            + " after "
            + config.connectAttempts()
            + " attempts",
        last);
  }

  /**
   * Replies that say the configuration is wrong, not that Redis is busy: anything else (LOADING,
   * "ERR max number of clients reached", ...) is retried and may be fallen back from.
   */
  private static final List<String> CONFIGURATION_ERRORS =
      List.of(
          "WRONGPASS",
          "NOAUTH",
          "NOPERM",
          "DENIED",
          "ERR DB index",
          "ERR invalid password",
          "ERR AUTH",
          "ERR Client sent AUTH",
          "ERR This instance has cluster support disabled");

  private static boolean isConfigurationError(String reply) {
    return reply != null && CONFIGURATION_ERRORS.stream().anyMatch(reply::startsWith);
  }

  /** The error reply Redis gave while a connection was being set up, if that is what failed. */
  private static RedisCommandExecutionException refusal(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof RedisCommandExecutionException e) {
        return e;
      }
    }
    return null;
  }

  /** The messages of a failure and its causes: Lettuce's own says only "Unable to connect". */
  private static String causes(Throwable failure) {
    StringJoiner text = new StringJoiner(": ");
    for (Throwable t = failure; t != null; t = t.getCause()) {
      text.add(String.valueOf(t.getMessage()));
    }
    return text.toString();
  }

  RedisClusterAsyncCommands<String, String> async() {
    return async;
  }

  RedisConnectionConfig config() {
    return config;
  }

  /**
   * A connection for the pool of {@link #waiting}, made within {@code within} (the command timeout,
   * where the socket's connect timeout is longer): a borrower that has to wait for one to be made
   * waits no longer than it would for one to be returned.
   */
  private static StatefulRedisConnection<String, String> connectWithin(
      RedisClient client, RedisURI uri, Duration within) {
    ConnectionFuture<StatefulRedisConnection<String, String>> made =
        client.connectAsync(StringCodec.UTF8, uri);
    try {
      return made.get(within.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      // Made after all, later: closed, not leaked.
      made.thenAccept(StatefulConnection::closeAsync);
      throw new RedisConnectionException("no connection within " + within, e);
    } catch (ExecutionException e) {
      throw new RedisConnectionException("cannot connect: " + e.getCause().getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RedisConnectionException("interrupted while connecting", e);
    }
  }

  /** Waits for a command's reply within the command timeout; translates every failure. */
  <T> T await(RedisFuture<T> future, String operation) {
    return await(future, operation, System.nanoTime() + timeoutNanos);
  }

  /** Waits for a command's reply until {@code deadline} (nanoTime); translates every failure. */
  private <T> T await(RedisFuture<T> future, String operation, long deadline) {
    try {
      return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (ExecutionException | TimeoutException e) {
      future.cancel(false);
      throw RedisFailures.translate(e, operation);
    } catch (InterruptedException e) {
      future.cancel(false);
      throw RedisFailures.translate(e, operation);
    } catch (RuntimeException e) {
      throw RedisFailures.translate(e, operation);
    }
  }

  /** Runs a script by its digest, sending its text only when the server does not know it yet. */
  <T> T eval(LuaScript script, ScriptOutputType type, String[] keys, String... args) {
    return eval(async, System.nanoTime() + timeoutNanos, script, type, keys, args);
  }

  private <T> T eval(
      RedisClusterAsyncCommands<String, String> on,
      long deadline,
      LuaScript script,
      ScriptOutputType type,
      String[] keys,
      String... args) {
    try {
      return await(on.evalsha(script.sha1(), type, keys, args), script.name(), deadline);
    } catch (RuntimeException e) {
      if (!RedisFailures.isNoScript(e.getCause()) && !RedisFailures.isNoScript(e)) {
        throw e;
      }
      // A restarted or failed-over server has an empty script cache: EVAL loads it again.
      return await(on.eval(script.text(), type, keys, args), script.name(), deadline);
    }
  }

  /**
   * Runs a write script and then, if {@link RedisConnectionConfig#waitReplicas()} is set and the
   * result needs it, waits for that many replicas, both on a connection no other caller uses
   * meanwhile (see {@link #waiting}).
   *
   * @param replicate whether this result was a write the replicas must have (a reuse or a refusal
   *     writes nothing that must survive a failover)
   * @param operation the name for errors
   * @throws StoreUnavailableException if Redis fails, or too few replicas acknowledge within the
   *     wait timeout (the write may then be applied: see {@link RedisConnectionConfig})
   */
  <T> T evalAndAwait(
      LuaScript script,
      ScriptOutputType type,
      String[] keys,
      Predicate<T> replicate,
      String operation,
      String... args) {
    if (waiting == null) {
      return eval(script, type, keys, args);
    }
    // One command timeout for the whole call: the wait for a pooled connection (or for one to be
    // made), the write and the WAIT, so a call that waits for replicas fails within it as every
    // other call does, not after three times it. The wait for a connection leaves the write a
    // tenth of it at least: a write is never sent with no time left for its reply, which would
    // report as failed a write Redis applied (and a retried consume as a reuse).
    long budget = config.commandTimeout().toNanos();
    long deadline = System.nanoTime() + budget;
    long reserve = budget / WRITE_RESERVE_DIVISOR;
    StatefulRedisConnection<String, String> own = borrow(operation, deadline - reserve);
    boolean reusable = false;
    try {
      if (deadline - System.nanoTime() < reserve) {
        // Making a connection took the time (the pool waits no longer than deadline - reserve).
        reusable = true;
        throw new StoreUnavailableException(operation + NOT_SENT);
      }
      RedisAsyncCommands<String, String> on = own.async();
      T result;
      try {
        result = eval(on, deadline, script, type, keys, args);
      } catch (StoreUnavailableException e) {
        // Sent, and no reply in time (or the connection failed): Redis may have applied it.
        throw new StoreUnavailableException(
            operation + " may have been written (no reply in time): " + e.getMessage(), e);
      }
      Replication replication =
          replicate.test(result)
              ? awaitReplication(on, operation, deadline, TimeUnit.NANOSECONDS.toMillis(reserve))
              : null;
      // Every command sent has answered: the connection carries nothing pending.
      reusable = true;
      if (replication != null && replication.acked() < config.waitReplicas()) {
        throw new StoreUnavailableException(
            operation
                + " was written, but reached "
                + replication.acked()
                + " of "
                + config.waitReplicas()
                + " replicas within "
                + replication.timeoutMillis()
                + " ms");
      }
      return result;
    } finally {
      release(own, reusable);
    }
  }

  /**
   * Back to the pool, or, after a command that may still be pending on it (a reply not awaited to
   * the end), closed: the next borrower's commands must not queue behind it.
   */
  private void release(StatefulRedisConnection<String, String> own, boolean reusable) {
    try {
      if (reusable) {
        waiting.returnObject(own);
      } else {
        waiting.invalidateObject(own);
      }
    } catch (Exception e) {
      // The pool refuses only what it did not lend; nothing else to do but close it.
      log.warn("a pooled connection could not be given back: {}", e.toString());
      own.closeAsync();
    }
  }

  private StatefulRedisConnection<String, String> borrow(String operation, long deadline) {
    try {
      return waiting.borrowObject(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
    } catch (RedisException e) {
      throw RedisFailures.translate(e, operation);
    } catch (Exception e) {
      // Every other failure to lend one (the pool exhausted past its wait: NoSuchElementException,
      // or a connection that could not be made) is the store being unavailable, not a bug.
      throw new StoreUnavailableException(operation + NOT_SENT + ": " + e.getMessage(), e);
    }
  }

  /** How many replicas acknowledged a write, within how long a WAIT. */
  private record Replication(long acked, long timeoutMillis) {}

  /**
   * The replicas that acknowledged, the WAIT timed so that its reply arrives by the deadline.
   *
   * @throws StoreUnavailableException saying that the write was applied, if the count does not
   *     arrive (in time) all the same
   */
  private Replication awaitReplication(
      RedisClusterAsyncCommands<String, String> on,
      String operation,
      long deadline,
      long reserveMillis) {
    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    // Redis answers a WAIT when its timeout ends, and the reply needs a moment to come back: the
    // timeout ends half the write's reserve (at least WAIT_REPLY_MARGIN_MILLIS, at most half of
    // what is left) before the deadline. At least 1 ms: WAIT 0 blocks until the replicas answer.
    long margin = Math.min(Math.max(WAIT_REPLY_MARGIN_MILLIS, reserveMillis / 2), left / 2);
    long timeout = Math.max(1, Math.min(config.waitTimeout().toMillis(), left - margin));
    try {
      return new Replication(
          await(on.waitForReplication(config.waitReplicas(), timeout), operation, deadline),
          timeout);
    } catch (RuntimeException e) {
      throw new StoreUnavailableException(
          operation + " was written, but how many replicas have it is unknown: " + e.getMessage(),
          e);
    }
  }

  /**
   * @return true if the server answered PING within the command timeout
   */
  boolean ping() {
    try {
      return "PONG".equals(await(async.ping(), "ping"));
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Override
  public void close() {
    try {
      if (waiting != null) {
        waiting.close();
      }
      connection.close();
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      if (released.compareAndSet(false, true)) {
        SharedResources.release();
      }
    }
  }

  /** The resources every connection of this process uses, for tests. */
  ClientResources resources() {
    return resources;
  }

  /**
   * One set of Lettuce resources (its event loops, computation threads and timer) for every
   * connection of the process, as Lettuce advises: a server in the replicated mode opens three
   * connections (the stores', the revocation writer's, the follower's), and each set costs a few
   * threads. Shut down when the last connection that uses it is closed; the next one makes another.
   */
  static final class SharedResources {
    private static ClientResources current; // guarded by the class
    private static int users; // guarded by the class

    private SharedResources() {}

    static synchronized ClientResources acquire() {
      if (users++ == 0) {
        current =
            DefaultClientResources.builder()
                .reconnectDelay(
                    Delay.exponential(
                        Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
      }
      return current;
    }

    static synchronized void release() {
      if (--users == 0) {
        current.shutdown(0, 2, TimeUnit.SECONDS);
        current = null;
      }
    }

    static synchronized int users() {
      return users;
    }
  }
}
