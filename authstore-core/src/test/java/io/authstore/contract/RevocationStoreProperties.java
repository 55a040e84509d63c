package io.authstore.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.authstore.revocation.RevocationOptions;
import io.authstore.revocation.RevocationStore;
import io.authstore.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * Invariants of every {@link RevocationStore} backend, checked against a plain model for random
 * sequences of operations and clock moves. A backend's test class extends this one and implements
 * {@link #createStore}. Each try creates its own store and closes it.
 */
public abstract class RevocationStoreProperties {
  private static final String[] ISSUERS = {"", "https://issuer.example"};
  private static final String[] NAMES = {"a", "b", "ab", "用户-😀"};
  private static final Duration MAX_TOKEN_LIFETIME = Duration.ofSeconds(10);

  /**
   * @param options the options to honour; their clock is a {@link MutableClock}
   * @return a new store that holds no revocation
   */
  protected abstract RevocationStore createStore(RevocationOptions options);

  // ---------------------------------------------------------------- revoked iff now < exp

  sealed interface Op permits Revoke, RevokeSubject, Advance, Purge, Check {}

  /** Revokes {@code (ISSUERS[issuer], NAMES[name])} with exp = now + expiresIn. */
  record Revoke(int issuer, int name, long expiresIn) implements Op {}

  /** Revokes every token of {@code (ISSUERS[issuer], NAMES[name])} before now + notBeforeIn. */
  record RevokeSubject(int issuer, int name, long notBeforeIn) implements Op {}

  /** Moves the clock forward. */
  record Advance(long millis) implements Op {}

  /** Reclaims expired entries. */
  record Purge() implements Op {}

  /** Checks a token of {@code (ISSUERS[issuer], NAMES[name])} issued at now + issuedIn. */
  record Check(int issuer, int name, long issuedIn) implements Op {}

  @Provide
  @SuppressWarnings("unchecked")
  Arbitrary<List<Op>> revocationRuns() {
    Arbitrary<Integer> issuer = Arbitraries.integers().between(0, ISSUERS.length - 1);
    Arbitrary<Integer> name = Arbitraries.integers().between(0, NAMES.length - 1);
    Arbitrary<Op> revoke =
        Combinators.combine(issuer, name, Arbitraries.longs().between(-2_000, 6_000))
            .as(Revoke::new);
    return Arbitraries.frequencyOf(
            Tuple.of(5, revoke), Tuple.of(3, advances()), Tuple.of(1, purges()))
        .list()
        .ofMinSize(1)
        .ofMaxSize(40);
  }

  /**
   * For any sequence of revocations (past, present and future expiries, repeated tokens) and clock
   * moves, a token is revoked exactly while now is before the latest expiry it was revoked with;
   * after a purge, the size is the number of such tokens.
   */
  @Property(tries = 200)
  void isRevoked_matchesTheModel_revokedExactlyWhileNowIsBeforeTheLatestExpiry(
      @ForAll("revocationRuns") List<Op> ops) {
    MutableClock clock = MutableClock.create();
    Map<List<Integer>, Long> latestExpiry = new HashMap<>();
    try (RevocationStore store = createStore(RevocationOptions.builder().clock(clock).build())) {
      for (Op op : ops) {
        long now = clock.millis();
        if (op instanceof Revoke r) {
          long exp = now + r.expiresIn();
          store.revoke(ISSUERS[r.issuer()], NAMES[r.name()], Instant.ofEpochMilli(exp));
          latestExpiry.merge(List.of(r.issuer(), r.name()), exp, Math::max);
        } else if (op instanceof Advance a) {
          clock.advance(Duration.ofMillis(a.millis()));
        } else if (op instanceof Purge) {
          store.purgeExpired();
          assertThat(store.size()).as("size after purge").isEqualTo(live(latestExpiry, now));
        }
        now = clock.millis();
        for (int i = 0; i < ISSUERS.length; i++) {
          for (int n = 0; n < NAMES.length; n++) {
            Long exp = latestExpiry.get(List.of(i, n));
            assertThat(store.isRevoked(ISSUERS[i], NAMES[n]))
                .as("isRevoked(%s, %s) at %s after %s", ISSUERS[i], NAMES[n], now, op)
                .isEqualTo(exp != null && now < exp);
          }
        }
        assertThat(store.size()).as("size").isGreaterThanOrEqualTo(live(latestExpiry, now));
      }
    }
  }

  private static long live(Map<List<Integer>, Long> latestExpiry, long now) {
    return latestExpiry.values().stream().filter(exp -> now < exp).count();
  }

  // ---------------------------------------------------------------- idempotent, keeps the max

  /**
   * Revoking one token with any expiries, in any order and any number of times, leaves it revoked
   * exactly until the latest of them (or not at all if none is after now), as one entry.
   */
  @Property(tries = 200)
  void revoke_isIdempotentAndKeepsTheLatestExpiry(
      @ForAll @Size(min = 1, max = 8) List<@LongRange(min = -3_000, max = 3_000) Long> expiresIn) {
    MutableClock clock = MutableClock.create();
    Instant now = clock.instant();
    List<Long> replay = new ArrayList<>(expiresIn);
    Collections.reverse(replay);
    replay.addAll(expiresIn);
    try (RevocationStore store = createStore(RevocationOptions.builder().clock(clock).build())) {
      for (long e : expiresIn) {
        store.revoke("iss", "jti", now.plusMillis(e));
      }
      for (long e : replay) {
        store.revoke("iss", "jti", now.plusMillis(e));
      }

      long latest = Collections.max(expiresIn);
      if (latest <= 0) {
        assertThat(store.isRevoked("iss", "jti")).isFalse();
        assertThat(store.size()).isZero();
        return;
      }
      assertThat(store.size()).isEqualTo(1);
      assertThat(store.isRevoked("iss", "jti")).isTrue();
      clock.set(now.plusMillis(latest - 1));
      assertThat(store.isRevoked("iss", "jti")).isTrue();
      clock.set(now.plusMillis(latest));
      assertThat(store.isRevoked("iss", "jti")).isFalse();
    }
  }

  // ---------------------------------------------------------------- subject markers

  @Provide
  @SuppressWarnings("unchecked")
  Arbitrary<List<Op>> subjectRuns() {
    Arbitrary<Integer> issuer = Arbitraries.integers().between(0, ISSUERS.length - 1);
    Arbitrary<Integer> name = Arbitraries.integers().between(0, NAMES.length - 1);
    Arbitrary<Op> revokeSubject =
        Combinators.combine(issuer, name, Arbitraries.longs().between(-12_000, 3_000))
            .as(RevokeSubject::new);
    Arbitrary<Op> check =
        Combinators.combine(issuer, name, Arbitraries.longs().between(-15_000, 5_000))
            .as(Check::new);
    return Arbitraries.frequencyOf(
            Tuple.of(3, revokeSubject),
            Tuple.of(3, advances()),
            Tuple.of(4, check),
            Tuple.of(1, purges()))
        .list()
        .ofMinSize(1)
        .ofMaxSize(40);
  }

  /**
   * For any sequence of subject-wide revocations and clock moves, a token of a subject is revoked
   * exactly when its iat is before the largest notBefore given for that issuer and subject, and
   * that marker is still alive (now before largest notBefore + max token lifetime).
   */
  @Property(tries = 200)
  void subjectMarker_revokesExactlyTheTokensIssuedBeforeTheLatestNotBefore_whileAlive(
      @ForAll("subjectRuns") List<Op> ops) {
    MutableClock clock = MutableClock.create();
    long lifetime = MAX_TOKEN_LIFETIME.toMillis();
    Map<List<Integer>, Long> latestNotBefore = new HashMap<>();
    RevocationOptions options =
        RevocationOptions.builder().clock(clock).maxTokenLifetime(MAX_TOKEN_LIFETIME).build();
    try (RevocationStore store = createStore(options)) {
      for (Op op : ops) {
        long now = clock.millis();
        if (op instanceof RevokeSubject r) {
          long notBefore = now + r.notBeforeIn();
          store.revokeSubject(
              ISSUERS[r.issuer()], NAMES[r.name()], Instant.ofEpochMilli(notBefore));
          latestNotBefore.merge(List.of(r.issuer(), r.name()), notBefore, Math::max);
        } else if (op instanceof Advance a) {
          clock.advance(Duration.ofMillis(a.millis()));
        } else if (op instanceof Purge) {
          store.purgeExpired();
        } else if (op instanceof Check c) {
          Long notBefore = latestNotBefore.get(List.of(c.issuer(), c.name()));
          long iat = now + c.issuedIn();
          assertThat(store.isRevoked(ISSUERS[c.issuer()], "jti", NAMES[c.name()], ofMillis(iat)))
              .as("token of %s issued at %s, checked at %s", NAMES[c.name()], iat, now)
              .isEqualTo(notBefore != null && iat < notBefore && now < notBefore + lifetime);
        }
        // The edges of every marker: just before notBefore is revoked, at notBefore is not.
        now = clock.millis();
        for (Map.Entry<List<Integer>, Long> e : latestNotBefore.entrySet()) {
          String issuer = ISSUERS[e.getKey().get(0)];
          String subject = NAMES[e.getKey().get(1)];
          long notBefore = e.getValue();
          boolean alive = now < notBefore + lifetime;
          assertThat(store.isRevoked(issuer, "jti", subject, ofMillis(notBefore - 1)))
              .as("%s/%s issued just before %s, checked at %s", issuer, subject, notBefore, now)
              .isEqualTo(alive);
          assertThat(store.isRevoked(issuer, "jti", subject, ofMillis(notBefore))).isFalse();
        }
        assertThat(store.size()).as("subject markers are not counted").isZero();
      }
    }
  }

  // ---------------------------------------------------------------- shared arbitraries

  private static Arbitrary<Op> advances() {
    // Whole seconds often, so that clock moves land exactly on expiries.
    return Arbitraries.oneOf(
            Arbitraries.longs().between(0, 4_000), Arbitraries.of(1_000L, 2_000L, 3_000L))
        .map(Advance::new);
  }

  private static Arbitrary<Op> purges() {
    return Arbitraries.just(new Purge());
  }

  private static Instant ofMillis(long millis) {
    return Instant.ofEpochMilli(millis);
  }
}
