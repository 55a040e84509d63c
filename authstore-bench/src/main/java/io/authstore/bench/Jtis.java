package io.authstore.bench;

import java.util.UUID;

/**
 * The token ids every benchmark uses: random-looking version-4 UUID strings, made from an index so
 * that a benchmark's structure and its probes agree on which ids are revoked without sharing any
 * object. Every call returns a new {@code String} with no cached hash code.
 */
final class Jtis {
  /** How many jtis a benchmark revokes. */
  static final int REVOKED = 1_000_000;

  /** Characters in every jti: a UUID in its canonical form. */
  static final int LENGTH = 36;

  private static final long REVOKED_KIND = 1L << 40;
  private static final long NEVER_REVOKED_KIND = 2L << 40;
  private static final long SEED = 0x2545F4914F6CDD1DL;
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private Jtis() {}

  /**
   * @param i in {@code [0, REVOKED)}
   * @return the i-th revoked jti
   */
  static String revoked(int i) {
    return uuid(REVOKED_KIND | i);
  }

  /**
   * @param i any non-negative index below 2^40
   * @return the i-th jti that no benchmark revokes
   */
  static String neverRevoked(long i) {
    return uuid(NEVER_REVOKED_KIND | i);
  }

  private static String uuid(long key) {
    // key * odd constant and mix64 are both bijections, so different keys give different msbs.
    long msb = mix64(key * GOLDEN_GAMMA + SEED);
    long lsb = mix64(msb ^ SEED);
    msb = (msb & ~0xF000L) | 0x4000L; // version 4
    lsb = (lsb & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L; // IETF variant
    return new UUID(msb, lsb).toString();
  }

  // SplittableRandom's finalizer (Stafford variant 13).
  private static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
