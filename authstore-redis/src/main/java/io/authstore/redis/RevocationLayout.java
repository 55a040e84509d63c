package io.authstore.redis;

import io.authstore.StoreUnavailableException;
import io.lettuce.core.SetArgs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two ways revocations are kept in Redis, which share no key: {@link RedisRevocationStore}'s
 * sorted sets per shard ({@link #DIRECT}) and {@link ReplicatedRevocationStore}'s sets and feed
 * ({@link #REPLICATED}). An instance of one layout does not see what an instance of the other
 * revoked, so the layout a key prefix holds is recorded in Redis, under {@code
 * <prefix>revocation-layout} (a fixed-size key without a TTL, like the ticket totals), by the first
 * instance that claims it, and an instance of the other layout is refused at start.
 *
 * <p>The check is made at start only, and is skipped with a warning when Redis cannot take the
 * write then (still loading, say). The marker goes with everything else when Redis is flushed or
 * restarts empty: replicated instances write it back with their entries when they see the loss;
 * with direct instances only, the next instance to start records its layout again.
 */
enum RevocationLayout {
  DIRECT("direct"),
  REPLICATED("replicated");

  private static final Logger log = LoggerFactory.getLogger(RevocationLayout.class);

  private final String wireName;

  RevocationLayout(String wireName) {
    this.wireName = wireName;
  }

  /**
   * Records this layout for the connection's key prefix, or checks that it is the one recorded.
   *
   * @throws IllegalStateException if the other layout is recorded
   */
  void claim(RedisConnection redis) {
    String key = redis.config().keyPrefix() + "revocation-layout";
    String recorded;
    try {
      if (redis.await(redis.async().set(key, wireName, SetArgs.Builder.nx()), "claim") != null) {
        return;
      }
      recorded = redis.await(redis.async().get(key), "claim");
    } catch (StoreUnavailableException e) {
      // A Redis that answers but cannot take the write yet (LOADING, MISCONF, a slow reply):
      // starting matters more than this check, which the next start makes again.
      log.warn(
          "could not check which revocation layout redis holds ({}); starting without the check",
          e.getMessage());
      return;
    }
    if (recorded == null || recorded.equals(wireName)) {
      // Deleted in between by an operator changing layouts: the next start records it again.
      return;
    }
    throw new IllegalStateException(
        "this Redis holds revocations in the "
            + recorded
            + " layout under the key prefix '"
            + redis.config().keyPrefix()
            + "' (key "
            + key
            + "), and this instance would keep them in the "
            + wireName
            + " layout, which shares no key with it: neither would see what the other revoked. Run"
            + " every instance on one Redis and key prefix with the same revocation mode; to change"
            + " the mode, stop every instance and delete that key (the revocations of the old"
            + " layout are then no longer seen)");
  }
}
