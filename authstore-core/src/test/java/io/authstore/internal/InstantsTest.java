package io.authstore.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InstantsTest {
  private static final BigInteger NANOS_PER_MILLI = BigInteger.valueOf(1_000_000);
  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  @Test
  void wholeMillisecond_isThatMillisecond_bothWays() {
    for (long millis : new long[] {0, 1, -1, 1_234_567, -1_234_567, 1_893_456_000_000L}) {
      Instant instant = Instant.ofEpochMilli(millis);

      assertThat(Instants.floorMillis(instant)).as("floor %s", instant).isEqualTo(millis);
      assertThat(Instants.ceilMillis(instant)).as("ceil %s", instant).isEqualTo(millis);
    }
  }

  @Test
  void fractionOfAMillisecond_floorsDown_andCeilsUp() {
    assertThat(Instants.floorMillis(Instant.ofEpochSecond(1, 1))).isEqualTo(1_000);
    assertThat(Instants.ceilMillis(Instant.ofEpochSecond(1, 1))).isEqualTo(1_001);
    assertThat(Instants.floorMillis(Instant.ofEpochSecond(1, 999_999))).isEqualTo(1_000);
    assertThat(Instants.ceilMillis(Instant.ofEpochSecond(1, 999_999))).isEqualTo(1_001);
    assertThat(Instants.floorMillis(Instant.ofEpochSecond(0, 1_500_000))).isEqualTo(1);
    assertThat(Instants.ceilMillis(Instant.ofEpochSecond(0, 1_500_000))).isEqualTo(2);
  }

  @Test
  void fractionOfAMillisecondBeforeTheEpoch_floorsTowardNegativeInfinity() {
    Instant minusOneNano = Instant.ofEpochSecond(0, -1);
    Instant minusHalfMilli = Instant.ofEpochSecond(-1, 999_500_000);
    Instant minusOnePointFiveMillis = Instant.ofEpochSecond(-1, 998_500_000);

    assertThat(Instants.floorMillis(minusOneNano)).isEqualTo(-1);
    assertThat(Instants.ceilMillis(minusOneNano)).isEqualTo(0);
    assertThat(Instants.floorMillis(minusHalfMilli)).isEqualTo(-1);
    assertThat(Instants.ceilMillis(minusHalfMilli)).isEqualTo(0);
    assertThat(Instants.floorMillis(minusOnePointFiveMillis)).isEqualTo(-2);
    assertThat(Instants.ceilMillis(minusOnePointFiveMillis)).isEqualTo(-1);
  }

  @Test
  void instantsBeyondTheRangeOfLongMillis_saturate() {
    assertThat(Instants.floorMillis(Instant.MAX)).isEqualTo(Long.MAX_VALUE);
    assertThat(Instants.ceilMillis(Instant.MAX)).isEqualTo(Long.MAX_VALUE);
    assertThat(Instants.floorMillis(Instant.MIN)).isEqualTo(Long.MIN_VALUE);
    assertThat(Instants.ceilMillis(Instant.MIN)).isEqualTo(Long.MIN_VALUE);
    Instant justBeyond = Instant.ofEpochSecond(Long.MAX_VALUE / 1000 + 1);
    assertThat(Instants.floorMillis(justBeyond)).isEqualTo(Long.MAX_VALUE);
    assertThat(Instants.ceilMillis(justBeyond)).isEqualTo(Long.MAX_VALUE);
    Instant justBelow = Instant.ofEpochSecond(Long.MIN_VALUE / 1000 - 1);
    assertThat(Instants.floorMillis(justBelow)).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void randomInstants_matchExactArithmetic() {
    SplittableRandom random = new SplittableRandom(2030);
    // Within ±9e15 seconds (±285 million years) every result is representable.
    long bound = 9_000_000_000_000_000L;
    for (int i = 0; i < 20_000; i++) {
      long seconds = random.nextLong(-bound, bound);
      int nanos =
          random.nextInt(4) == 0
              ? random.nextInt(1_000) * 1_000_000
              : random.nextInt(1_000_000_000);
      Instant instant = Instant.ofEpochSecond(seconds, nanos);
      BigInteger totalNanos =
          BigInteger.valueOf(seconds)
              .multiply(BigInteger.valueOf(1_000_000_000))
              .add(BigInteger.valueOf(nanos));
      BigInteger[] qr = totalNanos.divideAndRemainder(NANOS_PER_MILLI);
      BigInteger floor = qr[1].signum() < 0 ? qr[0].subtract(BigInteger.ONE) : qr[0];
      BigInteger ceil = qr[1].signum() > 0 ? qr[0].add(BigInteger.ONE) : qr[0];

      assertThat(Instants.floorMillis(instant)).as("floor %s", instant).isEqualTo(clamp(floor));
      assertThat(Instants.ceilMillis(instant)).as("ceil %s", instant).isEqualTo(clamp(ceil));
    }
  }

  private static long clamp(BigInteger value) {
    return value.max(LONG_MIN).min(LONG_MAX).longValueExact();
  }
}
