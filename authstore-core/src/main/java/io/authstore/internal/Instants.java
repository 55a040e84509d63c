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
    try {
      return instant.toEpochMilli(); // rounds down
    } catch (ArithmeticException e) {
      return instant.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }
}
