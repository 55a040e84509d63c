package io.authstore.server;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;

/**
 * Token buckets (Bucket4j), one per key of a kind (API key name, client address), each allowing a
 * rate per second with a burst of the same size. Idle buckets are dropped after a minute, so the
 * number of buckets held is bounded by the number of distinct clients seen in the last minute and
 * capped at {@value #MAX_BUCKETS}.
 *
 * <p>Thread-safe.
 */
final class RateLimiter {
  static final int MAX_BUCKETS = 100_000;

  private final int perSecond;
  private final Cache<String, Bucket> buckets;
  private final TimeMeter time;

  /**
   * @param perSecond requests per second per key; 0 means unlimited; at most {@link
   *     ServerConfig#MAX_RATE_LIMIT}, above which Bucket4j refuses to build a bucket
   * @param time what the buckets refill by: {@link TimeMeter#SYSTEM_NANOTIME}, or in tests one that
   *     stands still
   */
  RateLimiter(int perSecond, TimeMeter time) {
    this.perSecond = perSecond;
    this.time = time;
    this.buckets =
        Caffeine.newBuilder()
            .maximumSize(MAX_BUCKETS)
            .expireAfterAccess(Duration.ofMinutes(1))
            .build();
  }

  /** Whether this limit is on (a rate other than 0). */
  boolean isOn() {
    return perSecond != 0;
  }

  /**
   * Takes one request from the key's bucket.
   *
   * @return 0 if allowed, else how many seconds to wait (at least 1)
   */
  long tryTake(String key) {
    if (perSecond == 0) {
      return 0;
    }
    Bucket bucket = buckets.get(key, k -> newBucket());
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    if (probe.isConsumed()) {
      return 0;
    }
    long nanos = probe.getNanosToWaitForRefill();
    return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
  }

  /**
   * Returns a request taken by {@link #tryTake} that another limit then refused, so that requests
   * which were not served do not spend this key's budget.
   */
  void giveBack(String key) {
    if (perSecond == 0) {
      return;
    }
    Bucket bucket = buckets.getIfPresent(key);
    if (bucket != null) {
      bucket.addTokens(1);
    }
  }

  private Bucket newBucket() {
    return Bucket.builder()
        .withCustomTimePrecision(time)
        .addLimit(
            Bandwidth.builder()
                .capacity(perSecond)
                .refillGreedy(perSecond, Duration.ofSeconds(1))
                .build())
        .build();
  }
}
