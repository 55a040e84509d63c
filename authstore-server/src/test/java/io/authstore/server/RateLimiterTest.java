package io.authstore.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bucket4j.TimeMeter;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private static final TimeMeter STILL = TestServers.STILL;

  @Test
  void aBucketAllowsItsRate_thenAsksToWait() {
    RateLimiter limiter = new RateLimiter(2, STILL);

    assertThat(limiter.tryTake("k")).isZero();
    assertThat(limiter.tryTake("k")).isZero();
    assertThat(limiter.tryTake("k")).isEqualTo(1);
    assertThat(limiter.tryTake("other")).as("another key, another bucket").isZero();
  }

  @Test
  void aRequestGivenBack_isAvailableAgain() {
    RateLimiter limiter = new RateLimiter(2, STILL);
    limiter.tryTake("k");
    limiter.tryTake("k");

    limiter.giveBack("k");

    assertThat(limiter.tryTake("k")).isZero();
    assertThat(limiter.tryTake("k")).isEqualTo(1);
  }

  @Test
  void givingBack_neverRaisesABucketAboveItsBurst() {
    RateLimiter limiter = new RateLimiter(2, STILL);
    limiter.tryTake("k");

    limiter.giveBack("k");
    limiter.giveBack("k");
    limiter.giveBack("k");

    assertThat(limiter.tryTake("k")).isZero();
    assertThat(limiter.tryTake("k")).isZero();
    assertThat(limiter.tryTake("k")).isEqualTo(1);
  }

  @Test
  void unlimited_neverWaits_andGivingBackIsANoOp() {
    RateLimiter limiter = new RateLimiter(0, STILL);
    limiter.giveBack("k");

    for (int i = 0; i < 1000; i++) {
      assertThat(limiter.tryTake("k")).isZero();
    }
  }

  @Test
  void theConfigurationBound_isTheHighestRateABucketTakes() {
    RateLimiter atTheBound = new RateLimiter(ServerConfig.MAX_RATE_LIMIT, STILL);
    RateLimiter above = new RateLimiter(ServerConfig.MAX_RATE_LIMIT + 1, STILL);

    assertThat(atTheBound.tryTake("k")).isZero();
    // Bucket4j refills at most one token per nanosecond: why ServerConfig refuses more.
    assertThatThrownBy(() -> above.tryTake("k")).isInstanceOf(IllegalArgumentException.class);
  }
}
