package io.authstore.jwt;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The claims of a token that {@link JwtVerifier} verified. Immutable and thread-safe.
 *
 * <p>Registered claims have accessors with Java types; {@link #claims()} has every claim as the
 * JSON held it (strings, {@code Long} or {@code Double} numbers, booleans, lists, maps, nulls), in
 * collections that cannot be modified.
 *
 * <p>{@link #toString()} shows the issuer, jti and expiry only: subjects and custom claims may be
 * personal data and stay out of logs unless a caller puts them there.
 */
public final class VerifiedJwt {
  private final String issuer;
  private final String subject;
  private final List<String> audience;
  private final Instant expiresAt;
  private final Instant issuedAt;
  private final Instant notBefore;
  private final String jti;
  private final Set<String> scopes;
  private final String clientId;
  private final Map<String, Object> claims;

  VerifiedJwt(
      String issuer,
      String subject,
      List<String> audience,
      Instant expiresAt,
      Instant issuedAt,
      Instant notBefore,
      String jti,
      Set<String> scopes,
      String clientId,
      Map<String, Object> claims) {
    this.issuer = issuer;
    this.subject = subject;
    this.audience = List.copyOf(audience);
    this.expiresAt = expiresAt;
    this.issuedAt = issuedAt;
    this.notBefore = notBefore;
    this.jti = jti;
    this.scopes = scopes;
    this.clientId = clientId;
    this.claims = claims;
  }

  /**
   * @return {@code iss}, one of the accepted issuers
   */
  public String issuer() {
    return issuer;
  }

  /**
   * @return {@code sub}, if the token has one
   */
  public Optional<String> subject() {
    return Optional.ofNullable(subject);
  }

  /**
   * @return {@code aud} as a list (a single string becomes a list of one); empty only for a token
   *     verified by {@link JwtVerifier#verifyForRevocation}, which does not require an audience
   */
  public List<String> audience() {
    return audience;
  }

  /**
   * @return {@code exp}, whole seconds (fractions of a second in the token are dropped)
   */
  public Instant expiresAt() {
    return expiresAt;
  }

  /**
   * @return {@code iat}, if the token has one
   */
  public Optional<Instant> issuedAt() {
    return Optional.ofNullable(issuedAt);
  }

  /**
   * @return {@code nbf}, if the token has one
   */
  public Optional<Instant> notBefore() {
    return Optional.ofNullable(notBefore);
  }

  /**
   * @return {@code jti}, if the token has one (always present when a revocation store is
   *     configured)
   */
  public Optional<String> jti() {
    return Optional.ofNullable(jti);
  }

  /**
   * @return the space-separated values of the {@code scope} claim (RFC 8693, RFC 9068) in token
   *     order, without duplicates; empty if the token has none
   */
  public Set<String> scopes() {
    return scopes;
  }

  /**
   * @return {@code client_id} (RFC 9068), if the token has one
   */
  public Optional<String> clientId() {
    return Optional.ofNullable(clientId);
  }

  /**
   * @return every claim of the payload, unmodifiable (nested lists and maps too)
   */
  public Map<String, Object> claims() {
    return claims;
  }

  @Override
  public String toString() {
    return "VerifiedJwt[iss=" + issuer + ", jti=" + jti + ", exp=" + expiresAt + "]";
  }
}
