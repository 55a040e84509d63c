package io.authstore.internal;

import java.time.Instant;

/** Conversions between {@link Instant} and epoch milliseconds that never overflow. */
public final class Instants {
  private Instants() {}

  /**
   * @return epoch milliseconds rounded up, saturated to the range of {@code long}
   */
  public static long ceilMillis(Instant instant) {
    long floor = floorMillis(instant);
    boolean fraction = instant.getNano() % 1_000_000 != 0;
    return fraction && floor != Long.MAX_VALUE ? floor + 1 : floor;
  }

  /**
   * @return epoch milliseconds rounded down, saturated to the range of {@code long}
   */
  public static long floorMillis(Instant instant) {
    long seconds = instant.getEpochSecond();
    if (seconds > Long.MAX_VALUE / 1000 - 1) {
      return Long.MAX_VALUE;
    }
    if (seconds < Long.MIN_VALUE / 1000 + 1) {
      return Long.MIN_VALUE;
    }
    return seconds * 1000 + instant.getNano() / 1_000_000;
  }
}
