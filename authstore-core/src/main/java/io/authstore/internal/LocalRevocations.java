package io.authstore.internal;

import io.authstore.revocation.RevocationOptions;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * A revocation list held in this process: jti revocations and subject markers in two {@link
 * RevocationTable}s keyed by {@link KeyHash}, with the input bounds and expiry rules of {@link
 * io.authstore.revocation.RevocationStore}. The in-memory store is this alone; the replicated Redis
 * store is this plus a feed that keeps it complete. Thread-safe: checks take no lock.
 */
public final class LocalRevocations {
  /** What {@link #jtiExpiry} and {@link #subjectNotBefore} return for "store nothing". */
  public static final long NOTHING = Long.MIN_VALUE;

  private static final long MAX_AHEAD_MILLIS = RevocationOptions.MAX_AHEAD.toMillis();

  private final RevocationOptions options;
  private final Clock clock;
  private final long maxLifetimeMillis;
  private final long jtiSeed;
  private final long subjectSeed;
  private final RevocationTable jtis = new RevocationTable(0);
  private final RevocationTable subjects;
  private final int maxIssuerLength;
  private final int maxJtiLength;
  private final int maxSubjectLength;
  private IssuerPrefixes lastIssuer; // a racy cache of an immutable object; see IssuerPrefixes

  /**
   * @param options bounds, clock and maximum token lifetime
   * @param jtiSeed seed of the jti keys
   * @param subjectSeed seed of the subject keys
   */
  public LocalRevocations(RevocationOptions options, long jtiSeed, long subjectSeed) {
    this.options = Objects.requireNonNull(options, "options");
    this.clock = options.clock();
    this.maxLifetimeMillis = options.maxTokenLifetime().toMillis();
    this.jtiSeed = jtiSeed;
    this.subjectSeed = subjectSeed;
    this.subjects = new RevocationTable(maxLifetimeMillis);
    this.maxIssuerLength = options.maxIssuerLength();
    this.maxJtiLength = options.maxJtiLength();
    this.maxSubjectLength = options.maxSubjectLength();
  }

  /**
   * @return the key of a jti revocation
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the jti is empty or a string is too long
   */
  public long jtiKey(String issuer, String jti) {
    requirePair(issuer, "jti", jti, maxJtiLength);
    return KeyHash.of(prefixes(issuer).jti, jti);
  }

  /**
   * @return the key of a subject marker
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the subject is empty or a string is too long
   */
  public long subjectKey(String issuer, String subject) {
    requireSubject(issuer, subject);
    return KeyHash.of(prefixes(issuer).subject, subject);
  }

  /**
   * Checks the arguments of a subject marker without computing its key.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the subject is empty or a string is too long
   */
  public void requireSubject(String issuer, String subject) {
    requirePair(issuer, "subject", subject, maxSubjectLength);
  }

  // One branch on the request path; the checks that name the bad argument only when it fails.
  private void requirePair(String issuer, String name, String value, int max) {
    if (issuer == null
        || value == null
        || value.isEmpty()
        || issuer.length() > maxIssuerLength
        || value.length() > max) {
      Arguments.requireLength("issuer", issuer, maxIssuerLength);
      Arguments.requireText(name, value, max);
    }
  }

  /**
   * The issuer's hash prefixes, from a one-entry cache: a deployment checks tokens of one issuer
   * (or a few), so a check usually hashes only its jti and subject, not the issuer again.
   */
  private IssuerPrefixes prefixes(String issuer) {
    IssuerPrefixes last = lastIssuer;
    if (last != null && last.issuer.equals(issuer)) {
      return last;
    }
    IssuerPrefixes computed =
        new IssuerPrefixes(
            issuer, KeyHash.prefix(jtiSeed, issuer), KeyHash.prefix(subjectSeed, issuer));
    lastIssuer = computed;
    return computed;
  }

  /**
   * Immutable, with final fields only, so the cache field can be plain: a thread sees either null,
   * or a complete object written by some thread (JLS 17.5), and any such object is correct.
   */
  private static final class IssuerPrefixes {
    final String issuer;
    final long jti;
    final long subject;

    IssuerPrefixes(String issuer, long jti, long subject) {
      this.issuer = issuer;
      this.jti = jti;
      this.subject = subject;
    }
  }

  /**
   * @return the expiry to store in epoch ms, or {@link #NOTHING} if the token has expired at {@code
   *     now} (then there is nothing to remember)
   */
  public long jtiExpiry(Instant expiresAt, long now) {
    long exp = aheadAtMost("expiresAt", expiresAt, now);
    return exp <= now ? NOTHING : exp;
  }

  /**
   * The epoch ms of a revocation's {@code expiresAt} or a subject's {@code notBefore}, rounded up.
   *
   * @throws IllegalArgumentException if it lies more than {@link RevocationOptions#MAX_AHEAD} after
   *     {@code now}
   */
  public static long aheadAtMost(String name, Instant at, long now) {
    long ms = Instants.ceilMillis(Objects.requireNonNull(at, name + " must not be null"));
    // ms > now first: a saturated Long.MIN_VALUE minus now would wrap around.
    if (ms > now && ms - now > MAX_AHEAD_MILLIS) {
      throw new IllegalArgumentException(
          name
              + " is more than "
              + RevocationOptions.MAX_AHEAD.toDays()
              + " days ahead: "
              + at
              + " (no token lives that long)");
    }
    return ms;
  }

  /**
   * @return the marker to store in epoch ms, or {@link #NOTHING} if every token it covers has
   *     expired at {@code now}
   */
  public long subjectNotBefore(Instant notBefore, long now) {
    long nb = aheadAtMost("notBefore", notBefore, now);
    return nb <= now - maxLifetimeMillis ? NOTHING : nb;
  }

  /**
   * @return how long a subject marker outlives its {@code notBefore}, in ms
   */
  public long maxLifetimeMillis() {
    return maxLifetimeMillis;
  }

  /**
   * @return expired entries reclaimed on the way
   */
  public int putJti(long key, long expiresAtMillis, long now) {
    return jtis.putMax(key, expiresAtMillis, now);
  }

  /**
   * @return expired entries reclaimed on the way
   */
  public int putSubject(long key, long notBeforeMillis, long now) {
    return subjects.putMax(key, notBeforeMillis, now);
  }

  /**
   * @return true while the jti revocation is alive
   */
  public boolean isRevoked(long jtiKey) {
    long exp = jtis.get(jtiKey);
    // Read the clock only on a hit: most checks are misses.
    return exp != RevocationTable.ABSENT && exp > clock.millis();
  }

  /**
   * @return true if the jti is revoked or a live marker of the subject is after {@code issuedAt}
   */
  public boolean isRevoked(long jtiKey, long subjectKey, Instant issuedAt) {
    Objects.requireNonNull(issuedAt, "issuedAt must not be null");
    return isRevoked(jtiKey) || isBeforeSubjectMarker(subjectKey, issuedAt);
  }

  /**
   * As {@link #isRevoked(long, long, Instant)}, but hashes the subject only when some subject
   * marker exists: most deployments have none most of the time. The arguments must have passed
   * {@link #requireSubject}.
   *
   * @return true if the jti is revoked or a live marker of the subject is after {@code issuedAt}
   */
  public boolean isRevoked(long jtiKey, String issuer, String subject, Instant issuedAt) {
    Objects.requireNonNull(issuedAt, "issuedAt must not be null");
    if (isRevoked(jtiKey)) {
      return true;
    }
    return !subjects.isEmpty()
        && isBeforeSubjectMarker(KeyHash.of(prefixes(issuer).subject, subject), issuedAt);
  }

  private boolean isBeforeSubjectMarker(long key, Instant issuedAt) {
    if (subjects.isEmpty()) {
      return false;
    }
    long nb = subjects.get(key);
    if (nb == RevocationTable.ABSENT) {
      return false;
    }
    boolean alive =
        nb > Long.MAX_VALUE - maxLifetimeMillis || nb + maxLifetimeMillis > clock.millis();
    return alive && Instants.floorMillis(issuedAt) < nb;
  }

  /**
   * @return jti revocations held, including expired ones not yet reclaimed
   */
  public int size() {
    return jtis.size();
  }

  /**
   * @return subject markers held, including expired ones not yet reclaimed
   */
  public int subjectCount() {
    return subjects.size();
  }

  /**
   * @return entries reclaimed
   */
  public int purge(long now) {
    return jtis.purge(now) + subjects.purge(now);
  }

  /**
   * @return the jti table, for replication
   */
  public RevocationTable jtis() {
    return jtis;
  }

  /**
   * @return the subject table (values are {@code notBefore}), for replication
   */
  public RevocationTable subjects() {
    return subjects;
  }
}
