package io.authstore.revocation;

import io.authstore.StoreListener;
import io.authstore.internal.LocalRevocations;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * A {@link RevocationStore} in this process's memory: the zero-setup default for a single instance,
 * and the local replica behind the replicated Redis store.
 *
 * <h2>Structure and cost</h2>
 *
 * Entries are kept in a {@link RevocationTable} under a 64-bit seeded hash of issuer and jti, not
 * the strings themselves: a check hashes the jti (about one multiply per four characters; the
 * issuer's part of the hash is cached for the last issuer seen) and reads one cache line of a
 * compact tag array, plus one entry line on a hit; it takes no lock and allocates nothing. The
 * subject of a four-argument check is hashed only while some subject marker exists. An entry costs
 * 24 to 48 heap bytes (about 37 at a million entries).
 *
 * <h2>False positives</h2>
 *
 * Two different tokens whose keys collide would make the second count as revoked. For tokens with
 * random jtis (UUIDs, as issuers make them) the chance that a given unrevoked token is reported
 * revoked is about {@code n / 2^64} for {@code n} stored entries: 5.4e-11 at a billion entries, or
 * one false refusal in about eighteen billion checks at that size. A token is never reported
 * unrevoked because of the hash: a revoked token's own key is always found. Chance is all this
 * bounds: someone who can choose a subject (or jti) can build one that collides with another's,
 * whatever the seed, and "logout everywhere" of their own then logs the other out too (see {@link
 * io.authstore.internal.KeyHash}).
 *
 * <h2>Expiry</h2>
 *
 * Every decision reads the clock from the {@link RevocationOptions}. Expired entries are reclaimed
 * as writes happen and by {@link #purgeExpired()}; readers never wait for either.
 *
 * <p>Thread-safe. Checks never block; writes are serialized on one lock, held for one insert (a
 * rebuild of the table, amortized O(1) per insert, copies the live entries while readers continue
 * on the old arrays).
 */
public final class InMemoryRevocationStore implements RevocationStore {
  private final RevocationOptions options;
  private final Clock clock;
  private final StoreListener listener;
  private final LocalRevocations local;
  private volatile boolean closed;

  private InMemoryRevocationStore(RevocationOptions options) {
    this.options = options;
    this.clock = options.clock();
    this.listener = options.listener();
    SecureRandom random = new SecureRandom();
    this.local = new LocalRevocations(options, random.nextLong(), random.nextLong());
  }

  /**
   * @return a store with {@link RevocationOptions#defaults()}
   */
  public static InMemoryRevocationStore create() {
    return create(RevocationOptions.defaults());
  }

  /**
   * @param options limits, clock and listener
   * @return a new, empty store
   */
  public static InMemoryRevocationStore create(RevocationOptions options) {
    return new InMemoryRevocationStore(Objects.requireNonNull(options, "options"));
  }

  @Override
  public void revoke(String issuer, String jti, Instant expiresAt) {
    checkOpen();
    long key = local.jtiKey(issuer, jti);
    long now = clock.millis();
    long exp = local.jtiExpiry(expiresAt, now);
    if (exp == LocalRevocations.NOTHING) {
      return; // the token is dead anyway: nothing to remember
    }
    int reclaimed = local.putJti(key, exp, now);
    listener.revoked();
    reportReclaimed(reclaimed);
  }

  @Override
  public boolean isRevoked(String issuer, String jti) {
    checkOpen();
    boolean revoked = local.isRevoked(local.jtiKey(issuer, jti));
    listener.revocationChecked(revoked);
    return revoked;
  }

  @Override
  public void revokeSubject(String issuer, String subject, Instant notBefore) {
    checkOpen();
    long key = local.subjectKey(issuer, subject);
    long now = clock.millis();
    long nb = local.subjectNotBefore(notBefore, now);
    if (nb == LocalRevocations.NOTHING) {
      return; // every token it covers has expired already
    }
    int reclaimed = local.putSubject(key, nb, now);
    listener.subjectRevoked();
    reportReclaimed(reclaimed);
  }

  @Override
  public boolean isRevoked(String issuer, String jti, String subject, Instant issuedAt) {
    checkOpen();
    long key = local.jtiKey(issuer, jti);
    local.requireSubject(issuer, subject);
    boolean revoked = local.isRevoked(key, issuer, subject, issuedAt);
    listener.revocationChecked(revoked);
    return revoked;
  }

  @Override
  public long size() {
    checkOpen();
    return local.size();
  }

  @Override
  public int purgeExpired() {
    checkOpen();
    int removed = local.purge(clock.millis());
    reportReclaimed(removed);
    return removed;
  }

  @Override
  public void close() {
    closed = true;
  }

  /**
   * @return the options this store was created with
   */
  public RevocationOptions options() {
    return options;
  }

  private void reportReclaimed(int count) {
    if (count > 0) {
      listener.expiredReclaimed(count);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("store is closed");
    }
  }
}
