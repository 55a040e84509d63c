package io.authstore.redis;

import io.authstore.StoreUnavailableException;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One multiplexed Lettuce connection (standalone, Sentinel or Cluster) set up to fail fast and
 * recover alone, shared by the Redis stores of one process.
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
   * still), so a key never vanishes while an entry is still alive by the store's clock. Readers
   * ignore entries past their expiry, so the slack never extends a revocation or a ticket.
   */
  static final long TTL_SLACK_MILLIS = 1000;

  private final RedisConnectionConfig config;
  private final ClientResources resources;
  private final AbstractRedisClient client;
  private final StatefulConnection<String, String> connection;
  private final RedisClusterAsyncCommands<String, String> async;
  private final long timeoutNanos;

  private RedisConnection(
      RedisConnectionConfig config,
      ClientResources resources,
      AbstractRedisClient client,
      StatefulConnection<String, String> connection,
      RedisClusterAsyncCommands<String, String> async) {
    this.config = config;
    this.resources = resources;
    this.client = client;
    this.connection = connection;
    this.async = async;
    // Lettuce cancels a command at the command timeout; the extra margin only guards against a
    // future that is never completed.
    this.timeoutNanos = config.commandTimeout().toNanos() + TimeUnit.MILLISECONDS.toNanos(200);
  }

  /**
   * Connects, trying {@link RedisConnectionConfig#connectAttempts()} times.
   *
   * @throws StoreUnavailableException if Redis cannot be reached
   */
  static RedisConnection open(RedisConnectionConfig config) {
    ClientResources resources =
        DefaultClientResources.builder()
            .reconnectDelay(
                Delay.exponential(
                    Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
            .build();
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
    for (int attempt = 1; attempt <= config.connectAttempts(); attempt++) {
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
          return new RedisConnection(config, resources, cluster, c, c.async());
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
        return new RedisConnection(config, resources, standalone, c, c.async());
      } catch (RuntimeException e) {
        last = e;
        if (client != null) {
          client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
        log.warn(
            "redis connection attempt {}/{} to {} failed: {}",
            attempt,
            config.connectAttempts(),
            config.nodes(),
            e.getMessage());
      }
    }
    resources.shutdown(0, 1, TimeUnit.SECONDS);
    throw new StoreUnavailableException(
        "cannot connect to redis "
            + config.nodes()
            + " after "
            + config.connectAttempts()
            + " attempts",
        last);
  }

  RedisClusterAsyncCommands<String, String> async() {
    return async;
  }

  RedisConnectionConfig config() {
    return config;
  }

  /** Waits for a command's reply within the command timeout; translates every failure. */
  <T> T await(RedisFuture<T> future, String operation) {
    try {
      return future.get(timeoutNanos, TimeUnit.NANOSECONDS);
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
    try {
      return await(async.evalsha(script.sha1(), type, keys, args), script.name());
    } catch (RuntimeException e) {
      if (!RedisFailures.isNoScript(e.getCause()) && !RedisFailures.isNoScript(e)) {
        throw e;
      }
      // A restarted or failed-over server has an empty script cache: EVAL loads it again.
      return await(async.eval(script.text(), type, keys, args), script.name());
    }
  }

  /** Waits for the configured number of replicas, if any, after a write on this connection. */
  void awaitReplication(String operation) {
    if (config.waitReplicas() == 0 || config.topology() == RedisConnectionConfig.Topology.CLUSTER) {
      return;
    }
    long acked =
        await(
            async.waitForReplication(config.waitReplicas(), config.waitTimeout().toMillis()),
            operation);
    if (acked < config.waitReplicas()) {
      throw new StoreUnavailableException(
          operation
              + " reached "
              + acked
              + " of "
              + config.waitReplicas()
              + " replicas within "
              + config.waitTimeout());
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
      connection.close();
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }
}
