package io.authstore.jwt;

import java.util.Objects;

/**
 * The outcome of {@link JwtVerifier#verify}: either a {@link VerifiedJwt} or a {@link Rejection}.
 * Immutable and thread-safe.
 */
public final class Verification {
  private final VerifiedJwt jwt;
  private final Rejection rejection;

  private Verification(VerifiedJwt jwt, Rejection rejection) {
    this.jwt = jwt;
    this.rejection = rejection;
  }

  static Verification verified(VerifiedJwt jwt) {
    return new Verification(Objects.requireNonNull(jwt, "jwt"), null);
  }

  static Verification rejected(Rejection rejection) {
    return new Verification(null, Objects.requireNonNull(rejection, "rejection"));
  }

  /**
   * @return true if the token verified, false if it was rejected
   */
  public boolean isVerified() {
    return jwt != null;
  }

  /**
   * @return the verified token
   * @throws IllegalStateException if the token was rejected
   */
  public VerifiedJwt jwt() {
    if (jwt == null) {
      throw new IllegalStateException("the token was rejected: " + rejection);
    }
    return jwt;
  }

  /**
   * @return why the token was rejected
   * @throws IllegalStateException if the token verified
   */
  public Rejection rejection() {
    if (rejection == null) {
      throw new IllegalStateException("the token verified");
    }
    return rejection;
  }

  @Override
  public String toString() {
    return jwt != null ? "Verification[verified " + jwt + "]" : "Verification[" + rejection + "]";
  }
}
