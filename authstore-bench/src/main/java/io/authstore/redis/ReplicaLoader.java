package io.authstore.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Bench-only: fills the replicated store's layout in bulk (pipelined {@code ZADD}s of 1,000
 * members), so a benchmark can start from a million revocations in seconds. It writes what {@link
 * ReplicatedRevocationStore} would, minus the change records, which a bootstrap does not read. In
 * this package only to reach the member encoding.
 */
public final class ReplicaLoader {
  private ReplicaLoader() {}

  /**
   * @param redisUri the server
   * @param issuer the issuer of every entry
   * @param jtis the i-th jti
   * @param count how many entries
   * @param expiresAtMillis their expiry
   */
  public static void load(
      String redisUri, String issuer, IntFunction<String> jtis, int count, long expiresAtMillis)
      throws Exception {
    RedisClient client = RedisClient.create(redisUri);
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      RedisAsyncCommands<String, String> async = c.async();
      List<RedisFuture<Long>> pending = new ArrayList<>();
      String key = RedisConnectionConfig.DEFAULT_KEY_PREFIX + "{revocations}:jti";
      for (int start = 0; start < count; start += 1000) {
        List<ScoredValue<String>> batch = new ArrayList<>(1000);
        for (int i = start; i < Math.min(count, start + 1000); i++) {
          batch.add(
              ScoredValue.just(
                  expiresAtMillis, ReplicatedRevocationStore.jtiMember(issuer, jtis.apply(i))));
        }
        @SuppressWarnings("unchecked")
        ScoredValue<String>[] values = batch.toArray(ScoredValue[]::new);
        pending.add(async.zadd(key, values));
        if (pending.size() >= 64) {
          for (RedisFuture<Long> f : pending) {
            f.get(30, TimeUnit.SECONDS);
          }
          pending.clear();
        }
      }
      for (RedisFuture<Long> f : pending) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      client.shutdown();
    }
  }
}
