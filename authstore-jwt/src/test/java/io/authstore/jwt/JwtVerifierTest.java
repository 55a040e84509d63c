package io.authstore.jwt;

import static io.authstore.jwt.Fixture.AUDIENCE;
import static io.authstore.jwt.Fixture.ISSUER;
import static io.authstore.jwt.Fixture.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.authstore.StoreUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JwtVerifierTest {
  final Fixture f = new Fixture();
  final JwtVerifier verifier = JwtVerifier.create(f.rs256().build());
  final long now = NOW.getEpochSecond();

  @Test
  void verify_validToken_exposesItsClaims() {
    String token =
        f.rs256Token(
            "jti",
            "id-1",
            "nbf",
            now - 5,
            "aud",
            List.of(AUDIENCE, "https://other.example"),
            "scope",
            "read  write read",
            "client_id",
            "app",
            "ext",
            Map.of("roles", List.of("admin")));

    VerifiedJwt jwt = verifier.verify(token).jwt();

    assertThat(jwt.issuer()).isEqualTo(ISSUER);
    assertThat(jwt.subject()).contains("alice");
    assertThat(jwt.audience()).containsExactly(AUDIENCE, "https://other.example");
    assertThat(jwt.expiresAt()).isEqualTo(Instant.ofEpochSecond(now + 600));
    assertThat(jwt.issuedAt()).contains(Instant.ofEpochSecond(now - 10));
    assertThat(jwt.notBefore()).contains(Instant.ofEpochSecond(now - 5));
    assertThat(jwt.jti()).contains("id-1");
    assertThat(jwt.scopes()).containsExactly("read", "write");
    assertThat(jwt.clientId()).contains("app");
    assertThat(jwt.claims()).containsEntry("ext", Map.of("roles", List.of("admin")));
    assertThat(jwt.toString()).contains("id-1").doesNotContain("alice");
  }

  @Test
  void claims_cannotBeModified_atAnyDepth() {
    VerifiedJwt jwt = verifier.verify(f.rs256Token("ext", Map.of("roles", List.of("admin")))).jwt();

    assertThatThrownBy(() -> jwt.claims().put("sub", "root"))
        .isInstanceOf(UnsupportedOperationException.class);
    @SuppressWarnings("unchecked")
    List<Object> roles =
        (List<Object>) ((Map<String, Object>) jwt.claims().get("ext")).get("roles");
    assertThatThrownBy(() -> roles.add("root")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void verify_afterTheClockPassesExpiryAndLeeway_isExpired() {
    String token = f.rs256Token("exp", now + 600);
    assertThat(verifier.verify(token).isVerified()).isTrue();

    f.clock.advance(Duration.ofSeconds(600 + 59));
    assertThat(verifier.verify(token).isVerified()).isTrue();

    f.clock.advance(Duration.ofSeconds(1));
    assertThat(verifier.verify(token).rejection()).isEqualTo(Rejection.EXPIRED);
  }

  @Test
  void verify_afterRevokeOnTheStore_isRevoked() {
    String token = f.rs256Token("jti", "to-revoke");
    assertThat(verifier.verify(token).isVerified()).isTrue();

    f.store.revoke(ISSUER, "to-revoke", Instant.ofEpochSecond(now + 600));

    assertThat(verifier.verify(token).rejection()).isEqualTo(Rejection.REVOKED);
  }

  @Test
  void revocation_isKeyedByIssuerAndJti() {
    f.store.revoke("https://another-issuer.example", "same-jti", NOW.plusSeconds(600));

    assertThat(verifier.verify(f.rs256Token("jti", "same-jti")).isVerified()).isTrue();
  }

  @Test
  void logoutEverywhere_revokesOlderTokens_acceptsNewerOnes() {
    String older = f.rs256Token("sub", "bob", "iat", now - 10);
    f.clock.advance(Duration.ofSeconds(30));
    f.store.revokeSubject(ISSUER, "bob", f.clock.instant());
    f.clock.advance(Duration.ofSeconds(1));
    String newer = f.rs256Token("sub", "bob", "iat", f.clock.instant().getEpochSecond());

    assertThat(verifier.verify(older).rejection()).isEqualTo(Rejection.SUBJECT_REVOKED);
    assertThat(verifier.verify(newer).isVerified()).isTrue();
    assertThat(verifier.verify(f.rs256Token("sub", "carol", "iat", now - 10)).isVerified())
        .isTrue();
  }

  @Test
  void tokenWithoutSubject_isCheckedByJtiOnly() {
    String token = f.rs256Token("sub", Fixture.ABSENT, "jti", "machine");
    assertThat(verifier.verify(token).isVerified()).isTrue();

    f.store.revoke(ISSUER, "machine", NOW.plusSeconds(600));

    assertThat(verifier.verify(token).rejection()).isEqualTo(Rejection.REVOKED);
  }

  @Test
  void storeUnavailable_propagates_notARejection() {
    JwtVerifier failing = JwtVerifier.create(f.rs256().revocationStore(new DownStore()).build());

    assertThatThrownBy(() -> failing.verify(f.rs256Token()))
        .isInstanceOf(StoreUnavailableException.class);
  }

  @Test
  void storeUnavailable_isNotConsulted_forATokenRejectedBefore() {
    JwtVerifier failing = JwtVerifier.create(f.rs256().revocationStore(new DownStore()).build());

    assertThat(failing.verify(f.rs256Token("aud", "https://other.example")).rejection())
        .isEqualTo(Rejection.WRONG_AUDIENCE);
  }

  @Test
  void withoutStore_jtiAndIatAreOptional() {
    JwtVerifier noStore = JwtVerifier.create(f.rs256().revocationStore(null).build());

    assertThat(
            noStore.verify(f.rs256Token("jti", Fixture.ABSENT, "iat", Fixture.ABSENT)).jwt().jti())
        .isEmpty();
  }

  @Test
  void requiredClaims_areEnforced() {
    JwtVerifier strict = JwtVerifier.create(f.rs256().requiredClaims("client_id").build());

    assertThat(strict.verify(f.rs256Token()).rejection()).isEqualTo(Rejection.MISSING_CLAIM);
    assertThat(strict.verify(f.rs256Token("client_id", "app")).isVerified()).isTrue();
  }

  @Test
  void verifyForRevocation_acceptsExpiredAndForeignAudience_butNotForgedOrForeignIssuer() {
    String expired = f.rs256Token("iat", now - 7200, "exp", now - 3600);
    String foreign = f.rs256Token("aud", "https://other.example");
    String forged =
        Fixture.token(Fixture.header("RS256"), f.claims(), TestKeys.RSA_OTHER.getPrivate());

    assertThat(verifier.verifyForRevocation(expired).jwt().expiresAt())
        .isEqualTo(Instant.ofEpochSecond(now - 3600));
    assertThat(verifier.verifyForRevocation(foreign).isVerified()).isTrue();
    assertThat(verifier.verifyForRevocation(forged).rejection()).isEqualTo(Rejection.BAD_SIGNATURE);
    assertThat(
            verifier.verifyForRevocation(f.rs256Token("iss", "https://evil.example")).rejection())
        .isEqualTo(Rejection.WRONG_ISSUER);
    assertThat(verifier.verifyForRevocation(f.rs256Token("jti", Fixture.ABSENT)).rejection())
        .isEqualTo(Rejection.MISSING_CLAIM);
  }

  @Test
  void verifyForRevocation_requiresJti_evenWithoutStore() {
    JwtVerifier noStore = JwtVerifier.create(f.rs256().revocationStore(null).build());

    assertThat(noStore.verifyForRevocation(f.rs256Token("jti", Fixture.ABSENT)).rejection())
        .isEqualTo(Rejection.MISSING_CLAIM);
  }

  @Test
  void revoke_thenVerify_isRevoked_alsoInsideTheLeewayAfterExp() {
    String token = f.rs256Token("jti", "logout", "exp", now + 600);

    assertThat(verifier.revoke(token).jwt().jti()).contains("logout");
    assertThat(verifier.verify(token).rejection()).isEqualTo(Rejection.REVOKED);

    // Past exp but inside the leeway the token would be accepted again, were the entry kept
    // only until exp.
    f.clock.advance(Duration.ofSeconds(600 + 30));
    assertThat(verifier.verify(token).rejection()).isEqualTo(Rejection.REVOKED);
  }

  @Test
  void revoke_forgedToken_revokesNothing() {
    String forged =
        Fixture.token(
            Fixture.header("RS256"), f.claims("jti", "victim"), TestKeys.RSA_OTHER.getPrivate());

    assertThat(verifier.revoke(forged).rejection()).isEqualTo(Rejection.BAD_SIGNATURE);
    assertThat(f.store.isRevoked(ISSUER, "victim")).isFalse();
  }

  @Test
  void revoke_expiredToken_verifiesAndStoresNothing() {
    String expired = f.rs256Token("jti", "old", "iat", now - 7200, "exp", now - 3600);

    assertThat(verifier.revoke(expired).isVerified()).isTrue();
    assertThat(f.store.size()).isZero();
  }

  @Test
  void revoke_withoutStore_isAProgrammingError() {
    JwtVerifier noStore = JwtVerifier.create(f.rs256().revocationStore(null).build());

    assertThatThrownBy(() -> noStore.revoke(f.rs256Token()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void verification_accessorsOfTheOtherOutcome_throw() {
    Verification rejected = verifier.verify("x.y.z");
    Verification verified = verifier.verify(f.rs256Token());

    assertThatThrownBy(rejected::jwt).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(verified::rejection).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void pemKey_acceptsAnyKid() {
    JwtVerifier pem =
        JwtVerifier.create(
            f.rs256().jwksFile(null).publicKeyPem(TestKeys.pem(TestKeys.RSA.getPublic())).build());

    assertThat(pem.verify(f.rs256Token()).isVerified()).isTrue();
    assertThat(
            pem.verify(
                    Fixture.token(
                        Fixture.header("RS256", "kid", "whatever"),
                        f.claims(),
                        TestKeys.RSA.getPrivate()))
                .isVerified())
        .isTrue();
  }
}
