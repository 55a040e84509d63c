package io.authstore.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Clock} that stands still until a test moves it, so expiry is tested without sleeping.
 * Millisecond resolution, UTC. Thread-safe: one test thread may move it while store threads read.
 */
public final class MutableClock extends Clock {
  private final AtomicLong millis;

  private MutableClock(long millis) {
    this.millis = new AtomicLong(millis);
  }

  /**
   * @param start the first instant the clock shows
   * @return a clock standing at {@code start}
   */
  public static MutableClock at(Instant start) {
    return new MutableClock(start.toEpochMilli());
  }

  /**
   * @return a clock standing at 2030-01-01T00:00:00Z, far from any edge
   */
  public static MutableClock create() {
    return at(Instant.parse("2030-01-01T00:00:00Z"));
  }

  /**
   * Moves the clock forward (or back, for a negative duration).
   *
   * @param duration how far to move it
   * @return the new instant
   */
  public Instant advance(Duration duration) {
    return Instant.ofEpochMilli(millis.addAndGet(duration.toMillis()));
  }

  /**
   * @param instant the instant the clock shows from now on
   */
  public void set(Instant instant) {
    millis.set(instant.toEpochMilli());
  }

  @Override
  public long millis() {
    return millis.get();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis.get());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    Objects.requireNonNull(zone, "zone");
    if (!zone.equals(ZoneOffset.UTC)) {
      throw new UnsupportedOperationException("MutableClock is always UTC");
    }
    return this;
  }

  @Override
  public String toString() {
    return "MutableClock[" + instant() + "]";
  }
}
