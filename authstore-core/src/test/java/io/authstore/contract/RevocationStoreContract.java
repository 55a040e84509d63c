package io.authstore.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.authstore.revocation.RevocationOptions;
import io.authstore.revocation.RevocationStore;
import io.authstore.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link RevocationStore} backend must have, as the interface's Javadoc states
 * it. A backend's test class extends this one and implements {@link #createStore}; every test here
 * then runs against that backend.
 *
 * <p>Time is the {@link MutableClock} in {@link #clock}, handed to the store through its options;
 * tests move it and never sleep. The stores a test creates are closed after it.
 */
public abstract class RevocationStoreContract {
  protected static final String ISSUER = "https://issuer.example";

  /** The clock every store of a test reads; starts at 2030-01-01T00:00:00Z. */
  protected final MutableClock clock = MutableClock.create();

  private final List<RevocationStore> stores = new ArrayList<>();

  /**
   * @param options the options to honour, with {@link #clock} as their clock
   * @return a new store that holds no revocation
   */
  protected abstract RevocationStore createStore(RevocationOptions options);

  /**
   * @return a builder of default options reading {@link #clock}
   */
  protected final RevocationOptions.Builder options() {
    return RevocationOptions.builder().clock(clock);
  }

  /**
   * @return a new store with default options reading {@link #clock}, closed after the test
   */
  protected final RevocationStore newStore() {
    return newStore(options().build());
  }

  /**
   * @return a new store with these options, closed after the test
   */
  protected final RevocationStore newStore(RevocationOptions options) {
    RevocationStore store = createStore(options);
    stores.add(store);
    return store;
  }

  @AfterEach
  void closeStores() {
    for (RevocationStore store : stores) {
      store.close();
    }
    stores.clear();
  }

  private Instant in(Duration duration) {
    return clock.instant().plus(duration);
  }

  // ---------------------------------------------------------------- revoke and isRevoked

  @Test
  void isRevoked_tokenNeverRevoked_isFalse() {
    RevocationStore store = newStore();

    assertThat(store.isRevoked(ISSUER, "jti-1")).isFalse();
    assertThat(store.isRevoked(ISSUER, "jti-1", "alice", clock.instant())).isFalse();
    assertThat(store.size()).isZero();
  }

  @Test
  void revoke_makesTheTokenRevokedUntilJustBeforeItsExpiry() {
    RevocationStore store = newStore();
    Instant exp = in(Duration.ofMinutes(10));

    store.revoke(ISSUER, "jti-1", exp);

    assertThat(store.isRevoked(ISSUER, "jti-1")).isTrue();
    assertThat(store.isRevoked(ISSUER, "jti-1", "alice", clock.instant())).isTrue();
    assertThat(store.size()).isEqualTo(1);
    clock.set(exp.minusMillis(1));
    assertThat(store.isRevoked(ISSUER, "jti-1")).isTrue();
  }

  @Test
  void isRevoked_atExactlyTheExpiry_isFalse() {
    RevocationStore store = newStore();
    Instant exp = in(Duration.ofMinutes(10));
    store.revoke(ISSUER, "jti-1", exp);

    clock.set(exp);

    assertThat(store.isRevoked(ISSUER, "jti-1")).isFalse();
    assertThat(store.isRevoked(ISSUER, "jti-1", "alice", exp.minusSeconds(60))).isFalse();
  }

  @Test
  void isRevoked_afterTheExpiry_isFalse() {
    RevocationStore store = newStore();
    Instant exp = in(Duration.ofMinutes(10));
    store.revoke(ISSUER, "jti-1", exp);

    clock.set(exp.plusMillis(1));
    assertThat(store.isRevoked(ISSUER, "jti-1")).isFalse();
    clock.advance(Duration.ofDays(30));
    assertThat(store.isRevoked(ISSUER, "jti-1")).isFalse();
  }

  @Test
  void revoke_expiryFurtherAheadThanAnyTokenLives_isRefusedAndStoresNothing() {
    RevocationStore store = newStore();

    for (Instant far : List.of(Instant.MAX, in(RevocationOptions.MAX_AHEAD).plusMillis(1))) {
      assertThatThrownBy(() -> store.revoke(ISSUER, "jti-far", far))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("expiresAt is more than 367 days ahead");
    }
    assertThat(store.isRevoked(ISSUER, "jti-far")).isFalse();
    assertThat(store.size()).isZero();
    // The far past is only expired.
    store.revoke(ISSUER, "jti-far", Instant.MIN);
    assertThat(store.size()).isZero();

    Instant farthest = in(RevocationOptions.MAX_AHEAD);
    store.revoke(ISSUER, "jti-far", farthest);
    assertThat(store.isRevoked(ISSUER, "jti-far")).isTrue();
    clock.set(farthest.minusMillis(1));
    assertThat(store.isRevoked(ISSUER, "jti-far")).isTrue();
    clock.set(farthest);
    assertThat(store.isRevoked(ISSUER, "jti-far")).isFalse();
  }

  @Test
  void revokeSubject_notBeforeFurtherAheadThanAnyTokenLives_isRefusedAndStoresNothing() {
    RevocationStore store = newStore();

    for (Instant far : List.of(Instant.MAX, in(RevocationOptions.MAX_AHEAD).plusMillis(1))) {
      assertThatThrownBy(() -> store.revokeSubject(ISSUER, "alice", far))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("notBefore is more than 367 days ahead");
    }
    assertThat(store.isRevoked(ISSUER, "jti-1", "alice", clock.instant())).isFalse();
    store.revokeSubject(ISSUER, "alice", Instant.MIN);
    assertThat(store.isRevoked(ISSUER, "jti-1", "alice", clock.instant())).isFalse();

    store.revokeSubject(ISSUER, "alice", in(RevocationOptions.MAX_AHEAD));
    assertThat(store.isRevoked(ISSUER, "jti-1", "alice", in(Duration.ofDays(300)))).isTrue();
  }

  @Test
  void revoke_tokenThatExpiredInThePast_succeedsAndStoresNothing() {
    RevocationStore store = newStore();

    store.revoke(ISSUER, "jti-1", clock.instant().minusSeconds(60));

    assertThat(store.isRevoked(ISSUER, "jti-1")).isFalse();
    assertThat(store.size()).isZero();
  }

  @Test
  void revoke_tokenExpiringExactlyNow_succeedsAndStoresNothing() {
    RevocationStore store = newStore();

    store.revoke(ISSUER, "jti-1", clock.instant());

    assertThat(store.isRevoked(ISSUER, "jti-1")).isFalse();
    assertThat(store.size()).isZero();
  }

  @Test
  void revoke_tokenExpiringOneMillisecondFromNow_isRevokedForThatMillisecond() {
    RevocationStore store = newStore();
    Instant exp = in(Duration.ofMillis(1));

    store.revoke(ISSUER, "jti-1", exp);

    assertThat(store.isRevoked(ISSUER, "jti-1")).isTrue();
    clock.set(exp);
    assertThat(store.isRevoked(ISSUER, "jti-1")).isFalse();
  }

  @Test
  void revoke_twice_keepsTheLaterExpiry() {
    RevocationStore store = newStore();
    Instant early = in(Duration.ofMinutes(10));
    Instant late = in(Duration.ofMinutes(20));

    store.revoke(ISSUER, "jti-1", early);
    store.revoke(ISSUER, "jti-1", late);

    assertThat(store.size()).isEqualTo(1);
    clock.set(early);
    assertThat(store.isRevoked(ISSUER, "jti-1")).isTrue();
    clock.set(late.minusMillis(1));
    assertThat(store.isRevoked(ISSUER, "jti-1")).isTrue();
    clock.set(late);
    assertThat(store.isRevoked(ISSUER, "jti-1")).isFalse();
  }

  @Test
  void revoke_againWithAnEarlierExpiry_keepsTheLaterExpiry() {
    RevocationStore store = newStore();
    Instant early = in(Duration.ofMinutes(10));
    Instant late = in(Duration.ofMinutes(20));

    store.revoke(ISSUER, "jti-1", late);
    store.revoke(ISSUER, "jti-1", early);
    store.revoke(ISSUER, "jti-1", clock.instant().minusSeconds(1));

    assertThat(store.size()).isEqualTo(1);
    clock.set(early);
    assertThat(store.isRevoked(ISSUER, "jti-1")).isTrue();
    clock.set(late);
    assertThat(store.isRevoked(ISSUER, "jti-1")).isFalse();
  }

  @Test
  void revoke_sameTokenTwiceWithTheSameExpiry_isIdempotent() {
    RevocationStore store = newStore();
    Instant exp = in(Duration.ofMinutes(10));

    store.revoke(ISSUER, "jti-1", exp);
    store.revoke(ISSUER, "jti-1", exp);

    assertThat(store.size()).isEqualTo(1);
    assertThat(store.isRevoked(ISSUER, "jti-1")).isTrue();
    clock.set(exp);
    assertThat(store.isRevoked(ISSUER, "jti-1")).isFalse();
  }

  @Test
  void revoke_afterTheEarlierRevocationExpiredAndWasPurged_revokesAgain() {
    RevocationStore store = newStore();
    store.revoke(ISSUER, "jti-1", in(Duration.ofMinutes(1)));
    clock.advance(Duration.ofMinutes(1));
    store.purgeExpired();

    store.revoke(ISSUER, "jti-1", in(Duration.ofMinutes(1)));

    assertThat(store.isRevoked(ISSUER, "jti-1")).isTrue();
    assertThat(store.size()).isEqualTo(1);
  }

  @Test
  void revoke_manyTokens_keepsEveryOneAndNoOther() {
    RevocationStore store = newStore();
    Instant exp = in(Duration.ofHours(1));
    int tokens = 3_000;

    for (int i = 0; i < tokens; i++) {
      store.revoke(ISSUER, "jti-" + i, exp);
    }

    assertThat(store.size()).isEqualTo(tokens);
    for (int i = 0; i < tokens; i++) {
      assertThat(store.isRevoked(ISSUER, "jti-" + i)).as("jti-%d", i).isTrue();
      assertThat(store.isRevoked(ISSUER, "other-" + i)).as("other-%d", i).isFalse();
    }
  }

  // ---------------------------------------------------------------- keys: issuer and jti together

  @Test
  void revoke_isKeyedByIssuerAndJtiTogether() {
    RevocationStore store = newStore();
    Instant exp = in(Duration.ofMinutes(10));

    store.revoke("issuer-a", "jti-1", exp);

    assertThat(store.isRevoked("issuer-a", "jti-1")).isTrue();
    assertThat(store.isRevoked("issuer-b", "jti-1")).isFalse();
    assertThat(store.isRevoked("", "jti-1")).isFalse();
    assertThat(store.isRevoked("issuer-a", "jti-2")).isFalse();

    store.revoke("issuer-b", "jti-1", exp);

    assertThat(store.isRevoked("issuer-b", "jti-1")).isTrue();
    assertThat(store.size()).isEqualTo(2);
  }

  /** Stores may cache per-issuer work; checks that alternate between issuers must not mix them. */
  @Test
  void checks_alternatingBetweenIssuers_answerForTheirOwnIssuer() {
    RevocationStore store = newStore();
    Instant exp = in(Duration.ofMinutes(10));
    Instant iat = clock.instant().minusSeconds(60);
    store.revoke("issuer-a", "jti-a", exp);
    store.revoke("issuer-b", "jti-b", exp);
    store.revokeSubject("issuer-b", "alice", clock.instant());

    for (int round = 0; round < 3; round++) {
      assertThat(store.isRevoked("issuer-a", "jti-a")).isTrue();
      assertThat(store.isRevoked("issuer-b", "jti-a")).isFalse();
      assertThat(store.isRevoked("issuer-b", "jti-b")).isTrue();
      assertThat(store.isRevoked("issuer-a", "jti-b")).isFalse();
      assertThat(store.isRevoked("issuer-a", "jti-x", "alice", iat)).isFalse();
      assertThat(store.isRevoked("issuer-b", "jti-x", "alice", iat)).isTrue();
      assertThat(store.isRevoked(new String("issuer-a"), "jti-x", "alice", iat)).isFalse();
      assertThat(store.isRevoked("", "jti-a")).isFalse();
    }
  }

  @Test
  void revoke_withEmptyIssuer_isAllowedAndDistinctFromNamedIssuers() {
    RevocationStore store = newStore();

    store.revoke("", "jti-1", in(Duration.ofMinutes(10)));

    assertThat(store.isRevoked("", "jti-1")).isTrue();
    assertThat(store.isRevoked(ISSUER, "jti-1")).isFalse();
    assertThat(store.isRevoked(" ", "jti-1")).isFalse();
  }

  @Test
  void revoke_issuerAndJtiThatRunTogetherAlike_areDistinct() {
    RevocationStore store = newStore();
    Instant exp = in(Duration.ofMinutes(10));

    store.revoke("ab", "c", exp);
    store.revoke("x:y", "z", exp);
    store.revoke("abcd", "efgh", exp);

    assertThat(store.isRevoked("ab", "c")).isTrue();
    assertThat(store.isRevoked("a", "bc")).isFalse();
    assertThat(store.isRevoked("", "abc")).isFalse();
    assertThat(store.isRevoked("x", "y:z")).isFalse();
    assertThat(store.isRevoked("", "x:y:z")).isFalse();
    assertThat(store.isRevoked("abcde", "fgh")).isFalse();
    assertThat(store.isRevoked("abc", "defgh")).isFalse();
    assertThat(store.isRevoked("abcd", "efgh\u0000")).isFalse();
    assertThat(store.isRevoked("abcd\u0000", "efgh")).isFalse();
  }

  @Test
  void revoke_unicodeIssuersAndJtis_areStoredAndTellApart() {
    RevocationStore store = newStore();
    Instant exp = in(Duration.ofMinutes(10));

    store.revoke("https://例え.jp", "トークン-1", exp);
    store.revoke("🔐-issuer", "jti-😀", exp);
    store.revoke("", "한국어-ĳ-ß", exp);
    store.revoke(ISSUER, "cafe\u0301", exp); // "café" with a combining acute accent

    assertThat(store.isRevoked("https://例え.jp", "トークン-1")).isTrue();
    assertThat(store.isRevoked("https://例え.jp", "トークン-2")).isFalse();
    assertThat(store.isRevoked("🔐-issuer", "jti-😀")).isTrue();
    // U+1F601 shares its high surrogate with U+1F600.
    assertThat(store.isRevoked("🔐-issuer", "jti-😁")).isFalse();
    assertThat(store.isRevoked("", "한국어-ĳ-ß")).isTrue();
    assertThat(store.isRevoked("", "한국어-ij-ss")).isFalse();
    assertThat(store.isRevoked(ISSUER, "cafe\u0301")).isTrue();
    // Not normalized: a JWT claim is compared as the exact string.
    assertThat(store.isRevoked(ISSUER, "caf\u00e9")).isFalse();
    assertThat(store.size()).isEqualTo(4);
  }

  // ---------------------------------------------------------------- purge and size

  @Test
  void purgeExpired_removesTheExpiredRevocations_andSizeDrops() {
    RevocationStore store = newStore();
    store.revoke(ISSUER, "a", in(Duration.ofMinutes(1)));
    store.revoke(ISSUER, "b", in(Duration.ofMinutes(2)));
    store.revoke(ISSUER, "c", in(Duration.ofMinutes(10)));
    assertThat(store.size()).isEqualTo(3);

    clock.advance(Duration.ofMinutes(2));
    int removed = store.purgeExpired();

    assertThat(removed).isEqualTo(2);
    assertThat(store.size()).isEqualTo(1);
    assertThat(store.isRevoked(ISSUER, "a")).isFalse();
    assertThat(store.isRevoked(ISSUER, "b")).isFalse();
    assertThat(store.isRevoked(ISSUER, "c")).isTrue();
    assertThat(store.purgeExpired()).isZero();
  }

  @Test
  void purgeExpired_withNothingExpired_removesNothing() {
    RevocationStore store = newStore();
    store.revoke(ISSUER, "a", in(Duration.ofMinutes(1)));
    store.revokeSubject(ISSUER, "alice", clock.instant());

    assertThat(store.purgeExpired()).isZero();
    assertThat(store.size()).isEqualTo(1);
    assertThat(store.isRevoked(ISSUER, "a")).isTrue();
    assertThat(store.isRevoked(ISSUER, "j", "alice", clock.instant().minusSeconds(1))).isTrue();
  }

  @Test
  void size_doesNotCountSubjectMarkers() {
    RevocationStore store = newStore();

    store.revokeSubject(ISSUER, "alice", clock.instant());
    store.revokeSubject(ISSUER, "bob", clock.instant());

    assertThat(store.size()).isZero();
  }

  @Test
  void purgeExpired_removesSubjectMarkersPastTheirLifetime() {
    RevocationStore store = newStore(options().maxTokenLifetime(Duration.ofHours(1)).build());
    store.revokeSubject(ISSUER, "alice", clock.instant());
    store.revoke(ISSUER, "jti-1", in(Duration.ofHours(2)));

    clock.advance(Duration.ofHours(1));

    assertThat(store.purgeExpired()).isEqualTo(1);
    assertThat(store.size()).isEqualTo(1);
    assertThat(store.isRevoked(ISSUER, "jti-1")).isTrue();
  }

  // ---------------------------------------------------------------- subject-wide markers

  @Test
  void revokeSubject_revokesTheSubjectsTokensIssuedBeforeNotBefore() {
    RevocationStore store = newStore();
    Instant notBefore = clock.instant();

    store.revokeSubject(ISSUER, "alice", notBefore);

    assertThat(store.isRevoked(ISSUER, "jti-1", "alice", notBefore.minusMillis(1))).isTrue();
    assertThat(store.isRevoked(ISSUER, "jti-2", "alice", notBefore.minusSeconds(1))).isTrue();
    assertThat(store.isRevoked(ISSUER, "jti-3", "alice", notBefore.minus(Duration.ofHours(23))))
        .isTrue();
  }

  @Test
  void revokeSubject_doesNotRevokeTokensIssuedAtOrAfterNotBefore() {
    RevocationStore store = newStore();
    Instant notBefore = clock.instant().minusSeconds(30);

    store.revokeSubject(ISSUER, "alice", notBefore);

    assertThat(store.isRevoked(ISSUER, "jti-1", "alice", notBefore)).isFalse();
    assertThat(store.isRevoked(ISSUER, "jti-2", "alice", notBefore.plusMillis(1))).isFalse();
    assertThat(store.isRevoked(ISSUER, "jti-3", "alice", clock.instant())).isFalse();
  }

  @Test
  void revokeSubject_leavesOtherSubjectsAndIssuersUntouched() {
    RevocationStore store = newStore();
    Instant notBefore = clock.instant();
    Instant iat = notBefore.minusSeconds(60);

    store.revokeSubject("issuer-a", "alice", notBefore);

    assertThat(store.isRevoked("issuer-a", "jti-1", "alice", iat)).isTrue();
    assertThat(store.isRevoked("issuer-a", "jti-1", "bob", iat)).isFalse();
    assertThat(store.isRevoked("issuer-a", "jti-1", "alice2", iat)).isFalse();
    assertThat(store.isRevoked("issuer-b", "jti-1", "alice", iat)).isFalse();
    assertThat(store.isRevoked("", "jti-1", "alice", iat)).isFalse();
  }

  @Test
  void revokeSubject_issuerAndSubjectThatRunTogetherAlike_areDistinct() {
    RevocationStore store = newStore();
    Instant iat = clock.instant().minusSeconds(60);

    store.revokeSubject("ab", "c", clock.instant());

    assertThat(store.isRevoked("ab", "jti", "c", iat)).isTrue();
    assertThat(store.isRevoked("a", "jti", "bc", iat)).isFalse();
    assertThat(store.isRevoked("", "jti", "abc", iat)).isFalse();
  }

  @Test
  void revokeSubject_withEmptyIssuerAndUnicodeSubject_isAllowed() {
    RevocationStore store = newStore();
    Instant iat = clock.instant().minusSeconds(60);

    store.revokeSubject("", "用户-😀-e\u0301", clock.instant());

    assertThat(store.isRevoked("", "jti", "用户-😀-e\u0301", iat)).isTrue();
    assertThat(store.isRevoked("", "jti", "用户-😀-\u00e9", iat)).isFalse();
    assertThat(store.isRevoked(ISSUER, "jti", "用户-😀-e\u0301", iat)).isFalse();
  }

  @Test
  void revokeSubject_isNotConsideredByTheJtiOnlyCheck() {
    RevocationStore store = newStore();

    store.revokeSubject(ISSUER, "alice", clock.instant());

    assertThat(store.isRevoked(ISSUER, "jti-1")).isFalse();
    assertThat(store.isRevoked(ISSUER, "jti-1", "alice", clock.instant().minusSeconds(1))).isTrue();
  }

  @Test
  void isRevoked_tokenWhoseJtiIsRevoked_isRevokedWhateverItsSubjectAndIssueTime() {
    RevocationStore store = newStore();

    store.revoke(ISSUER, "jti-1", in(Duration.ofMinutes(10)));

    assertThat(store.isRevoked(ISSUER, "jti-1", "alice", clock.instant())).isTrue();
    assertThat(store.isRevoked(ISSUER, "jti-1", "bob", in(Duration.ofMinutes(5)))).isTrue();
    assertThat(store.isRevoked(ISSUER, "jti-2", "alice", clock.instant())).isFalse();
  }

  @Test
  void revokeSubject_markerEndsAtNotBeforePlusTheMaxTokenLifetime() {
    RevocationStore store = newStore(options().maxTokenLifetime(Duration.ofHours(1)).build());
    Instant notBefore = clock.instant();
    Instant iat = notBefore.minusSeconds(1);

    store.revokeSubject(ISSUER, "alice", notBefore);

    clock.set(notBefore.plus(Duration.ofHours(1)).minusMillis(1));
    assertThat(store.isRevoked(ISSUER, "jti-1", "alice", iat)).isTrue();
    clock.set(notBefore.plus(Duration.ofHours(1)));
    assertThat(store.isRevoked(ISSUER, "jti-1", "alice", iat)).isFalse();
    clock.advance(Duration.ofDays(2));
    assertThat(store.isRevoked(ISSUER, "jti-1", "alice", iat)).isFalse();
  }

  @Test
  void revokeSubject_laterCallWithAnEarlierNotBefore_doesNotUndoTheEarlierCall() {
    RevocationStore store = newStore(options().maxTokenLifetime(Duration.ofHours(1)).build());
    Instant notBefore = clock.instant();
    Instant iat = notBefore.minusSeconds(60);

    store.revokeSubject(ISSUER, "alice", notBefore);
    store.revokeSubject(ISSUER, "alice", notBefore.minus(Duration.ofMinutes(10)));

    assertThat(store.isRevoked(ISSUER, "jti-1", "alice", iat)).isTrue();
    assertThat(store.isRevoked(ISSUER, "jti-1", "alice", notBefore)).isFalse();
    // The marker still lives as long as the later notBefore asks.
    clock.set(notBefore.plus(Duration.ofHours(1)).minusMillis(1));
    assertThat(store.isRevoked(ISSUER, "jti-1", "alice", iat)).isTrue();
  }

  @Test
  void revokeSubject_laterCallWithALaterNotBefore_extendsTheMarker() {
    RevocationStore store = newStore();
    Instant first = clock.instant().minus(Duration.ofMinutes(10));
    Instant second = clock.instant();

    store.revokeSubject(ISSUER, "alice", first);
    store.revokeSubject(ISSUER, "alice", second);

    assertThat(store.isRevoked(ISSUER, "jti-1", "alice", first.plusSeconds(60))).isTrue();
    assertThat(store.isRevoked(ISSUER, "jti-1", "alice", second)).isFalse();
  }

  @Test
  void revokeSubject_withNotBeforeInTheFuture_coversTokensIssuedUntilThen() {
    RevocationStore store = newStore();
    Instant notBefore = in(Duration.ofHours(1));

    store.revokeSubject(ISSUER, "alice", notBefore);

    clock.advance(Duration.ofMinutes(30));
    assertThat(store.isRevoked(ISSUER, "jti-1", "alice", clock.instant())).isTrue();
    clock.set(notBefore);
    assertThat(store.isRevoked(ISSUER, "jti-2", "alice", clock.instant())).isFalse();
  }

  @Test
  void revokeSubject_withNotBeforeAMaxTokenLifetimeAgo_revokesNothing() {
    RevocationStore store = newStore(options().maxTokenLifetime(Duration.ofHours(1)).build());
    Instant notBefore = clock.instant().minus(Duration.ofHours(1));

    store.revokeSubject(ISSUER, "alice", notBefore);
    store.revokeSubject(ISSUER, "bob", notBefore.minus(Duration.ofDays(3)));

    assertThat(store.isRevoked(ISSUER, "jti-1", "alice", notBefore.minusSeconds(1))).isFalse();
    assertThat(store.isRevoked(ISSUER, "jti-1", "bob", notBefore.minus(Duration.ofDays(4))))
        .isFalse();
    assertThat(store.purgeExpired()).isZero();
  }

  @Test
  void
      revokeSubject_withNotBeforeJustUnderAMaxTokenLifetimeAgo_revokesForTheRemainingMillisecond() {
    RevocationStore store = newStore(options().maxTokenLifetime(Duration.ofHours(1)).build());
    Instant notBefore = clock.instant().minus(Duration.ofHours(1)).plusMillis(1);

    store.revokeSubject(ISSUER, "alice", notBefore);

    assertThat(store.isRevoked(ISSUER, "jti-1", "alice", notBefore.minusSeconds(1))).isTrue();
    clock.advance(Duration.ofMillis(1));
    assertThat(store.isRevoked(ISSUER, "jti-1", "alice", notBefore.minusSeconds(1))).isFalse();
  }

  // ---------------------------------------------------------------- argument bounds

  @Test
  void revoke_jtiOfExactlyTheMaximumLength_isAccepted_oneMoreIsRejectedNamingJtiAndLength() {
    RevocationStore store = newStore();
    int max = RevocationOptions.DEFAULT_MAX_JTI_LENGTH;
    String atMax = "j".repeat(max);
    String overMax = atMax + "j";
    Instant exp = in(Duration.ofMinutes(10));

    store.revoke(ISSUER, atMax, exp);

    assertThat(store.isRevoked(ISSUER, atMax)).isTrue();
    assertThatIllegalArgumentException()
        .isThrownBy(() -> store.revoke(ISSUER, overMax, exp))
        .withMessageContaining("jti")
        .withMessageContaining(String.valueOf(max + 1));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> store.isRevoked(ISSUER, overMax))
        .withMessageContaining("jti")
        .withMessageContaining(String.valueOf(max + 1));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> store.isRevoked(ISSUER, overMax, "alice", clock.instant()))
        .withMessageContaining("jti")
        .withMessageContaining(String.valueOf(max + 1));
    assertThat(store.size()).isEqualTo(1);
  }

  @Test
  void revoke_issuerOfExactlyTheMaximumLength_isAccepted_oneMoreIsRejectedNamingIssuerAndLength() {
    RevocationStore store = newStore();
    int max = RevocationOptions.DEFAULT_MAX_ISSUER_LENGTH;
    String atMax = "i".repeat(max);
    String overMax = atMax + "i";
    Instant exp = in(Duration.ofMinutes(10));

    store.revoke(atMax, "jti-1", exp);
    store.revokeSubject(atMax, "alice", clock.instant());

    assertThat(store.isRevoked(atMax, "jti-1")).isTrue();
    assertThat(store.isRevoked(atMax, "jti-2", "alice", clock.instant().minusSeconds(1))).isTrue();
    assertThatIllegalArgumentException()
        .isThrownBy(() -> store.revoke(overMax, "jti-1", exp))
        .withMessageContaining("issuer")
        .withMessageContaining(String.valueOf(max + 1));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> store.isRevoked(overMax, "jti-1"))
        .withMessageContaining("issuer")
        .withMessageContaining(String.valueOf(max + 1));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> store.revokeSubject(overMax, "alice", clock.instant()))
        .withMessageContaining("issuer")
        .withMessageContaining(String.valueOf(max + 1));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> store.isRevoked(overMax, "jti-1", "alice", clock.instant()))
        .withMessageContaining("issuer")
        .withMessageContaining(String.valueOf(max + 1));
  }

  @Test
  void revokeSubject_subjectOfExactlyTheMaximumLength_isAccepted_oneMoreIsRejectedNamingIt() {
    RevocationStore store = newStore();
    int max = RevocationOptions.DEFAULT_MAX_SUBJECT_LENGTH;
    String atMax = "s".repeat(max);
    String overMax = atMax + "s";
    Instant iat = clock.instant().minusSeconds(1);

    store.revokeSubject(ISSUER, atMax, clock.instant());

    assertThat(store.isRevoked(ISSUER, "jti-1", atMax, iat)).isTrue();
    assertThatIllegalArgumentException()
        .isThrownBy(() -> store.revokeSubject(ISSUER, overMax, clock.instant()))
        .withMessageContaining("subject")
        .withMessageContaining(String.valueOf(max + 1));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> store.isRevoked(ISSUER, "jti-1", overMax, iat))
        .withMessageContaining("subject")
        .withMessageContaining(String.valueOf(max + 1));
  }

  @Test
  void lengthBounds_honourTheConfiguredLimits() {
    RevocationStore store =
        newStore(options().maxIssuerLength(8).maxJtiLength(4).maxSubjectLength(6).build());
    Instant exp = in(Duration.ofMinutes(10));

    store.revoke("12345678", "1234", exp);
    store.revokeSubject("12345678", "123456", clock.instant());

    assertThat(store.isRevoked("12345678", "1234")).isTrue();
    assertThatIllegalArgumentException()
        .isThrownBy(() -> store.revoke("123456789", "1234", exp))
        .withMessageContaining("issuer")
        .withMessageContaining("9");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> store.revoke("", "12345", exp))
        .withMessageContaining("jti")
        .withMessageContaining("5");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> store.revokeSubject("", "1234567", clock.instant()))
        .withMessageContaining("subject")
        .withMessageContaining("7");
  }

  @Test
  void lengthBounds_countCharacters_soMaximumLengthCjkTextIsAccepted() {
    RevocationStore store = newStore();
    String jti = "語".repeat(RevocationOptions.DEFAULT_MAX_JTI_LENGTH);
    String subject = "名".repeat(RevocationOptions.DEFAULT_MAX_SUBJECT_LENGTH);
    Instant iat = clock.instant().minusSeconds(1);

    store.revoke(ISSUER, jti, in(Duration.ofMinutes(10)));
    store.revokeSubject(ISSUER, subject, clock.instant());

    assertThat(store.isRevoked(ISSUER, jti)).isTrue();
    assertThat(store.isRevoked(ISSUER, "jti-1", subject, iat)).isTrue();
    assertThatIllegalArgumentException()
        .isThrownBy(() -> store.revoke(ISSUER, jti + "語", in(Duration.ofMinutes(10))))
        .withMessageContaining("jti");
  }

  @Test
  void emptyJtiOrSubject_isRejectedNamingIt() {
    RevocationStore store = newStore();
    Instant now = clock.instant();

    assertThatIllegalArgumentException()
        .isThrownBy(() -> store.revoke(ISSUER, "", now.plusSeconds(60)))
        .withMessageContaining("jti");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> store.isRevoked(ISSUER, ""))
        .withMessageContaining("jti");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> store.isRevoked(ISSUER, "", "alice", now))
        .withMessageContaining("jti");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> store.revokeSubject(ISSUER, "", now))
        .withMessageContaining("subject");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> store.isRevoked(ISSUER, "jti-1", "", now))
        .withMessageContaining("subject");
    assertThat(store.size()).isZero();
  }

  @Test
  void revoke_nullArgument_isRejectedWithNpeNamingIt() {
    RevocationStore store = newStore();
    Instant exp = in(Duration.ofMinutes(10));

    assertThatNullPointerException()
        .isThrownBy(() -> store.revoke(null, "jti-1", exp))
        .withMessageContaining("issuer");
    assertThatNullPointerException()
        .isThrownBy(() -> store.revoke(ISSUER, null, exp))
        .withMessageContaining("jti");
    assertThatNullPointerException()
        .isThrownBy(() -> store.revoke(ISSUER, "jti-1", null))
        .withMessageContaining("expiresAt");
    assertThat(store.size()).isZero();
  }

  @Test
  void isRevoked_nullArgument_isRejectedWithNpeNamingIt() {
    RevocationStore store = newStore();
    Instant iat = clock.instant();

    assertThatNullPointerException()
        .isThrownBy(() -> store.isRevoked(null, "jti-1"))
        .withMessageContaining("issuer");
    assertThatNullPointerException()
        .isThrownBy(() -> store.isRevoked(ISSUER, null))
        .withMessageContaining("jti");
    assertThatNullPointerException()
        .isThrownBy(() -> store.isRevoked(null, "jti-1", "alice", iat))
        .withMessageContaining("issuer");
    assertThatNullPointerException()
        .isThrownBy(() -> store.isRevoked(ISSUER, null, "alice", iat))
        .withMessageContaining("jti");
    assertThatNullPointerException()
        .isThrownBy(() -> store.isRevoked(ISSUER, "jti-1", null, iat))
        .withMessageContaining("subject");
    assertThatNullPointerException()
        .isThrownBy(() -> store.isRevoked(ISSUER, "jti-1", "alice", null))
        .withMessageContaining("issuedAt");
  }

  @Test
  void revokeSubject_nullArgument_isRejectedWithNpeNamingIt() {
    RevocationStore store = newStore();
    Instant notBefore = clock.instant();

    assertThatNullPointerException()
        .isThrownBy(() -> store.revokeSubject(null, "alice", notBefore))
        .withMessageContaining("issuer");
    assertThatNullPointerException()
        .isThrownBy(() -> store.revokeSubject(ISSUER, null, notBefore))
        .withMessageContaining("subject");
    assertThatNullPointerException()
        .isThrownBy(() -> store.revokeSubject(ISSUER, "alice", null))
        .withMessageContaining("notBefore");
    assertThat(store.isRevoked(ISSUER, "jti-1", "alice", notBefore.minusSeconds(1))).isFalse();
  }

  // ---------------------------------------------------------------- close

  @Test
  void close_thenEveryOperation_throwsIllegalStateException() {
    RevocationStore store = newStore();
    Instant now = clock.instant();
    store.revoke(ISSUER, "jti-1", now.plusSeconds(60));

    store.close();

    assertThatIllegalStateException().isThrownBy(() -> store.revoke(ISSUER, "jti-2", now));
    assertThatIllegalStateException().isThrownBy(() -> store.isRevoked(ISSUER, "jti-1"));
    assertThatIllegalStateException()
        .isThrownBy(() -> store.isRevoked(ISSUER, "jti-1", "alice", now));
    assertThatIllegalStateException().isThrownBy(() -> store.revokeSubject(ISSUER, "alice", now));
    assertThatIllegalStateException().isThrownBy(store::size);
    assertThatIllegalStateException().isThrownBy(store::purgeExpired);
  }

  @Test
  void close_twice_isHarmless() {
    RevocationStore store = newStore();

    store.close();
    store.close();

    assertThatIllegalStateException().isThrownBy(store::size);
  }

  // ---------------------------------------------------------------- listener

  @Test
  void listener_isToldOfStoredRevocationsAndEveryAnswer_butNotOfRevocationsThatStoreNothing() {
    RecordingListener listener = new RecordingListener();
    RevocationStore store =
        newStore(options().listener(listener).maxTokenLifetime(Duration.ofHours(1)).build());
    Instant now = clock.instant();

    store.revoke(ISSUER, "live", now.plusSeconds(60));
    store.revoke(ISSUER, "expired", now.minusSeconds(60));
    store.revokeSubject(ISSUER, "alice", now);
    store.revokeSubject(ISSUER, "bob", now.minus(Duration.ofHours(2)));
    store.isRevoked(ISSUER, "live");
    store.isRevoked(ISSUER, "expired");
    store.isRevoked(ISSUER, "other", "alice", now.minusSeconds(1));

    assertThat(listener.revoked).hasValue(1);
    assertThat(listener.subjectRevoked).hasValue(1);
    assertThat(listener.checkedRevoked).hasValue(2);
    assertThat(listener.checkedNotRevoked).hasValue(1);

    clock.advance(Duration.ofHours(1));
    assertThat(store.purgeExpired()).isEqualTo(2);
    assertThat(listener.reclaimed).hasValue(2);
    assertThat(listener.reclaimedCounts).allSatisfy(n -> assertThat(n).isPositive());
  }

  // ---------------------------------------------------------------- concurrency

  /**
   * Writers revoke while readers check. A writer publishes how many of its revocations have
   * returned; a reader that sees that count must find each of those revoked (the newest and a
   * random older one), and must never find revoked a token nobody revoked.
   */
  @Test
  void concurrentRevokeAndCheck_everyReturnedRevokeIsSeenByEveryThread_andNothingElseIs()
      throws InterruptedException {
    RevocationStore store = newStore();
    int writers = 4;
    int readers = 4;
    int perWriter = 2_000;
    Instant exp = in(Duration.ofHours(1));
    AtomicIntegerArray returned = new AtomicIntegerArray(writers);
    AtomicInteger writersRunning = new AtomicInteger(writers);
    LongAdder checks = new LongAdder();
    LongAdder missed = new LongAdder();
    LongAdder falselyRevoked = new LongAdder();

    Concurrently.run(
        writers + readers,
        thread -> {
          if (thread < writers) {
            for (int i = 0; i < perWriter; i++) {
              store.revoke(ISSUER, jti(thread, i), exp);
              returned.set(thread, i + 1);
            }
            writersRunning.decrementAndGet();
            return;
          }
          SplittableRandom random = new SplittableRandom(thread);
          boolean lastRound;
          do {
            lastRound = writersRunning.get() == 0;
            int w = random.nextInt(writers);
            int done = returned.get(w);
            if (done > 0) {
              if (!store.isRevoked(ISSUER, jti(w, done - 1))) {
                missed.increment();
              }
              if (!store.isRevoked(ISSUER, jti(w, random.nextInt(done)))) {
                missed.increment();
              }
              checks.add(2);
            }
            if (store.isRevoked(ISSUER, jti(w, perWriter + random.nextInt(perWriter)))) {
              falselyRevoked.increment();
            }
            if (store.isRevoked("other-issuer", jti(w, random.nextInt(perWriter)))) {
              falselyRevoked.increment();
            }
          } while (!lastRound);
        });

    assertThat(missed.sum()).isZero();
    assertThat(falselyRevoked.sum()).isZero();
    assertThat(checks.sum()).isPositive();
    assertThat(store.size()).isEqualTo((long) writers * perWriter);
    for (int w = 0; w < writers; w++) {
      for (int i = 0; i < perWriter; i++) {
        assertThat(store.isRevoked(ISSUER, jti(w, i))).as(jti(w, i)).isTrue();
      }
    }
  }

  private static String jti(int writer, int i) {
    return "w" + writer + "-" + i;
  }
}
