package io.authstore.revocation;

import java.time.Instant;

/**
 * A list of revoked JWTs, keyed by issuer and {@code jti} together (RFC 7519 makes a jti unique per
 * issuer), plus subject-wide "logout everywhere" markers.
 *
 * <p>An entry lives exactly until the token's own expiry; after that the token is refused for being
 * expired, so the entry is no longer needed. A token counts as revoked while {@code now <
 * expiresAt}, where {@code now} is read from the store's clock: at {@code now == expiresAt} the
 * token is expired and the entry is gone.
 *
 * <p>Issuer may be the empty string, for deployments with a single unnamed issuer; jti and subject
 * may not. Every string has a maximum length (see {@link RevocationOptions}); a longer one is
 * refused with {@link IllegalArgumentException} naming the value's length.
 *
 * <p>Implementations are thread-safe. {@link #revoke} and {@link #revokeSubject} return only after
 * the backing store acknowledged the write; from then on {@link #isRevoked} answers true on every
 * instance that shares the store. Operations on a backend that cannot be reached throw {@link
 * io.authstore.StoreUnavailableException} within the configured command timeout.
 */
public interface RevocationStore extends AutoCloseable {

  /**
   * Revokes one token until its expiry. Revoking a token twice keeps the later expiry. Revoking a
   * token whose {@code expiresAt} is not after now succeeds and stores nothing.
   *
   * @param issuer the token's {@code iss}, or "" when the deployment has one unnamed issuer
   * @param jti the token's {@code jti}; not empty
   * @param expiresAt the token's {@code exp}
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if a string is empty where it may not be, or too long, or if
   *     {@code expiresAt} lies more than {@link RevocationOptions#MAX_AHEAD} after now
   * @throws io.authstore.StoreUnavailableException if the store cannot be reached
   */
  void revoke(String issuer, String jti, Instant expiresAt);

  /**
   * Tells whether one token id is revoked. Does not consider subject-wide markers; use {@link
   * #isRevoked(String, String, String, Instant)} to check a whole token.
   *
   * @param issuer the token's {@code iss}, or ""
   * @param jti the token's {@code jti}
   * @return true while a revocation of this issuer and jti is alive
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if a string is empty where it may not be, or too long
   * @throws io.authstore.StoreUnavailableException if the store cannot answer
   */
  boolean isRevoked(String issuer, String jti);

  /**
   * "Logout everywhere": every token of {@code subject} from {@code issuer} issued before {@code
   * notBefore} counts as revoked from now on. A later call with an earlier {@code notBefore} does
   * not undo an earlier call. The marker lives until {@code notBefore} plus the configured maximum
   * token lifetime, after which no token it covers can still be unexpired.
   *
   * @param issuer the tokens' {@code iss}, or ""
   * @param subject the tokens' {@code sub}; not empty
   * @param notBefore tokens with {@code iat} strictly before this instant are revoked
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if a string is empty where it may not be, or too long, or if
   *     {@code notBefore} lies more than {@link RevocationOptions#MAX_AHEAD} after now
   * @throws io.authstore.StoreUnavailableException if the store cannot be reached
   */
  void revokeSubject(String issuer, String subject, Instant notBefore);

  /**
   * Tells whether a token is revoked, by its id or by a subject-wide marker: true if {@link
   * #isRevoked(String, String)} is, or if a live marker for this issuer and subject has a {@code
   * notBefore} after {@code issuedAt}.
   *
   * <p>JWT {@code iat} has whole seconds, so a token issued in the same second as a "logout
   * everywhere" but after it counts as revoked: the check errs on the safe side.
   *
   * @param issuer the token's {@code iss}, or ""
   * @param jti the token's {@code jti}
   * @param subject the token's {@code sub}
   * @param issuedAt the token's {@code iat}
   * @return true if the token must be refused as revoked
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if a string is empty where it may not be, or too long
   * @throws io.authstore.StoreUnavailableException if the store cannot answer
   */
  boolean isRevoked(String issuer, String jti, String subject, Instant issuedAt);

  /**
   * @return how many jti revocations the store holds, including expired ones it has not yet
   *     reclaimed; subject markers are not counted
   * @throws io.authstore.StoreUnavailableException if the store cannot answer
   */
  long size();

  /**
   * Reclaims every expired entry now. Stores also reclaim as they go; this is for maintenance tasks
   * and tests.
   *
   * @return how many entries were removed
   * @throws io.authstore.StoreUnavailableException if the store cannot be reached
   */
  int purgeExpired();

  /** Releases the store's resources. Further calls fail with {@link IllegalStateException}. */
  @Override
  void close();
}
