package io.authstore.internal;

/**
 * A seeded 64-bit hash of a pair of strings, the compact key of {@link RevocationTable}.
 *
 * <p>The pair is absorbed as a sequence of 64-bit words (four UTF-16 units each, the first string's
 * length between the two strings), each mixed with the MurmurHash3 round, and finished with
 * MurmurHash3's {@code fmix64}. The encoding is injective, so two different pairs collide only by
 * chance of the mixing: about 2<sup>-64</sup> per pair for inputs not built against the hash. The
 * in-memory store draws its seed per process, so its chance collisions differ from process to
 * process; the replicated store needs one fixed seed that every instance shares.
 *
 * <p>It is not a cryptographic hash, and its rounds are invertible: someone who controls one of the
 * strings (a subject name they chose, say) can build a collision with another, so that revoking
 * their own entry also revokes the other one. The seed does not stop that: two changed words whose
 * differences cancel through the round collide under every seed (a review reproduced one with six
 * characters changed in a 16-character subject). A collision can only make a token count as
 * revoked, never a revoked token count as valid. A keyed PRF (SipHash) with a secret key would
 * close this; for the replicated store, whose instances must agree, that key would be a secret of
 * the deployment, and changing the hash changes the members it stores in Redis.
 */
public final class KeyHash {
  private static final long C1 = 0x87c37b91114253d5L;
  private static final long C2 = 0x4cf5ad432745937fL;

  private KeyHash() {}

  /**
   * @param seed the seed: random per process for a private table, fixed where several processes
   *     must agree on keys (the replicated Redis layout)
   * @param first the first string, e.g. an issuer
   * @param second the second string, e.g. a jti
   * @return the 64-bit key of the pair
   */
  public static long of(long seed, String first, String second) {
    return of(prefix(seed, first), second);
  }

  /**
   * The state after absorbing the first string of a pair, so that a caller that sees the same first
   * string again (one issuer for every token) hashes only the second: {@code of(prefix(seed, a), b)
   * == of(seed, a, b)}.
   *
   * @param seed the seed, as for {@link #of(long, String, String)}
   * @param first the first string of the pair
   * @return the state to hand to {@link #of(long, String)}
   */
  public static long prefix(long seed, String first) {
    return round(absorb(seed, first), first.length() | 0x1_0000_0000L);
  }

  /**
   * @param prefix what {@link #prefix(long, String)} returned for the pair's first string
   * @param second the second string
   * @return the 64-bit key of the pair
   */
  public static long of(long prefix, String second) {
    return fmix64(absorb(prefix, second) ^ second.length());
  }

  private static long absorb(long h, String s) {
    int n = s.length();
    int i = 0;
    for (; i + 4 <= n; i += 4) {
      long w =
          s.charAt(i)
              | (long) s.charAt(i + 1) << 16
              | (long) s.charAt(i + 2) << 32
              | (long) s.charAt(i + 3) << 48;
      h = round(h, w);
    }
    if (i < n) {
      long w = 0;
      for (int shift = 0; i < n; i++, shift += 16) {
        w |= (long) s.charAt(i) << shift;
      }
      h = round(h, w);
    }
    return h;
  }

  private static long round(long h, long w) {
    w *= C1;
    w = Long.rotateLeft(w, 31);
    w *= C2;
    h ^= w;
    h = Long.rotateLeft(h, 27);
    return h * 5 + 0x52dce729;
  }

  private static long fmix64(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
