package io.authstore.jwt;

/**
 * Why {@link JwtVerifier} refused a token. Meant for logs and metrics; callers answer every
 * rejection the same way to the presenter (RFC 6750 {@code invalid_token}), so the reason tells an
 * attacker nothing.
 *
 * <p>Reasons after {@link #BAD_SIGNATURE} are only given for tokens whose signature verified: a
 * forged token is refused before any of its claims is looked at.
 */
public enum Rejection {
  /** Longer than {@link JwtVerifierOptions#maxTokenLength()}; refused before any parsing. */
  TOO_LARGE,
  /** Not a JWS in compact serialization with a JSON header and a JSON object payload. */
  MALFORMED,
  /** The header's {@code alg} is not in {@link JwtVerifierOptions#allowedAlgorithms()}. */
  ALGORITHM_NOT_ALLOWED,
  /** No configured or published key fits the header's {@code kid} and {@code alg}. */
  UNKNOWN_KEY,
  /** The signature does not verify with any key that fits. */
  BAD_SIGNATURE,
  /** The header's {@code typ} is not {@link JwtVerifierOptions#requiredType()}. */
  WRONG_TYPE,
  /** A claim that must be present is absent: {@code exp}, {@code iss}, {@code aud}, and more. */
  MISSING_CLAIM,
  /** A claim has the wrong JSON type or a value out of range (an {@code exp} of 1e20). */
  INVALID_CLAIM,
  /** {@code iss} is not one of the accepted issuers. */
  WRONG_ISSUER,
  /** No value of {@code aud} is one of the accepted audiences. */
  WRONG_AUDIENCE,
  /** {@code exp} is not after now minus the leeway. */
  EXPIRED,
  /** {@code nbf} or {@code iat} is after now plus the leeway. */
  NOT_YET_VALID,
  /** {@code exp - iat}, or {@code exp - now}, exceeds the maximum token lifetime. */
  LIFETIME_TOO_LONG,
  /** The token's issuer and {@code jti} are on the revocation list. */
  REVOKED,
  /** The token was issued before a "logout everywhere" of its subject. */
  SUBJECT_REVOKED
}
