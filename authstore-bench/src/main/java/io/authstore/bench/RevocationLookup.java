package io.authstore.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.authstore.revocation.InMemoryRevocationStore;
import io.authstore.revocation.RevocationOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One revocation list under test, reduced to what the benchmarks call: revoke a jti until an
 * instant, ask whether a jti is revoked. authstore keys by issuer and jti, with one fixed issuer;
 * the peers key by jti only, as the source design did. Implementations are thread-safe.
 */
interface RevocationLookup {
  /** The issuer of every token in the benchmarks. */
  String ISSUER = "https://issuer.example";

  /**
   * @param jti the token id
   * @param expiresAtMillis the token's exp, epoch millis, in the future
   */
  void revoke(String jti, long expiresAtMillis);

  /**
   * @return true if {@code jti} is revoked and its exp has not passed
   */
  boolean isRevoked(String jti);

  /** Finishes work the structure defers (Caffeine's write buffer), before it is measured. */
  default void settle() {}

  /**
   * @param impl {@code authstore}, {@code chm} or {@code caffeine}
   * @param clock the clock every expiry decision reads
   * @return an empty structure of that kind
   */
  static RevocationLookup create(String impl, Clock clock) {
    switch (impl.toLowerCase(Locale.ROOT)) {
      case "authstore":
        return new Authstore(clock);
      case "chm":
        return new ConcurrentHashMapPeer(clock);
      case "caffeine":
        return new CaffeinePeer(clock);
      default:
        throw new IllegalArgumentException(
            "unknown impl: " + impl + ", expected authstore, chm or caffeine");
    }
  }

  /**
   * @return a structure of that kind holding the {@link Jtis#REVOKED} revoked jtis, each with an
   *     exp between one and two hours from now, built from fresh strings that nothing else keeps
   */
  static RevocationLookup filled(String impl, Clock clock) {
    RevocationLookup lookup = create(impl, clock);
    long hourFromNow = clock.millis() + Duration.ofHours(1).toMillis();
    for (int i = 0; i < Jtis.REVOKED; i++) {
      lookup.revoke(Jtis.revoked(i), hourFromNow + (i % 3600) * 1000L);
    }
    lookup.settle();
    return lookup;
  }

  /** Ours: {@link InMemoryRevocationStore}, keyed by the fixed issuer and the jti. */
  final class Authstore implements RevocationLookup {
    private final InMemoryRevocationStore store;

    Authstore(Clock clock) {
      this.store = InMemoryRevocationStore.create(RevocationOptions.builder().clock(clock).build());
    }

    @Override
    public void revoke(String jti, long expiresAtMillis) {
      store.revoke(ISSUER, jti, Instant.ofEpochMilli(expiresAtMillis));
    }

    @Override
    public boolean isRevoked(String jti) {
      return store.isRevoked(ISSUER, jti);
    }
  }

  /**
   * The source's design ported to Java: jti to exp (epoch millis); revoked iff present and exp is
   * in the future. Like ours, it reads the clock only on a hit.
   */
  final class ConcurrentHashMapPeer implements RevocationLookup {
    private final ConcurrentHashMap<String, Long> map = new ConcurrentHashMap<>();
    private final Clock clock;

    ConcurrentHashMapPeer(Clock clock) {
      this.clock = clock;
    }

    @Override
    public void revoke(String jti, long expiresAtMillis) {
      map.merge(jti, expiresAtMillis, Math::max);
    }

    @Override
    public boolean isRevoked(String jti) {
      Long exp = map.get(jti);
      return exp != null && exp > clock.millis();
    }
  }

  /** Caffeine with per-entry expiry at the token's exp; revoked iff the cache still has it. */
  final class CaffeinePeer implements RevocationLookup {
    private final Cache<String, Long> cache;

    CaffeinePeer(Clock clock) {
      this.cache =
          Caffeine.newBuilder()
              .expireAfter(
                  Expiry.writing((String jti, Long exp) -> Duration.ofMillis(exp - clock.millis())))
              .build();
    }

    @Override
    public void revoke(String jti, long expiresAtMillis) {
      cache.asMap().merge(jti, expiresAtMillis, Math::max);
    }

    @Override
    public boolean isRevoked(String jti) {
      return cache.getIfPresent(jti) != null;
    }

    @Override
    public void settle() {
      cache.cleanUp();
    }
  }
}
