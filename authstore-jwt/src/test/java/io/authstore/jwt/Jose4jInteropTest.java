package io.authstore.jwt;

import static io.authstore.jwt.Fixture.AUDIENCE;
import static io.authstore.jwt.Fixture.ISSUER;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.Key;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Tokens minted by jose4j, an independent JOSE implementation, verify here. */
class Jose4jInteropTest {
  final Fixture f = new Fixture();

  static Stream<Arguments> algorithms() {
    return Stream.of(
        Arguments.of(AlgorithmIdentifiers.RSA_USING_SHA256, TestKeys.RSA.getPrivate(), "rsa"),
        Arguments.of(
            AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256, TestKeys.EC.getPrivate(), "ec"),
        Arguments.of(AlgorithmIdentifiers.EDDSA, TestKeys.ED25519.getPrivate(), "ed25519"),
        Arguments.of(AlgorithmIdentifiers.HMAC_SHA256, new HmacKey(TestKeys.HMAC_SECRET), "hmac"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("algorithms")
  void jose4jToken_verifies(String alg, Key signingKey, String keyKind) throws Exception {
    long now = f.clock.instant().getEpochSecond();
    JwtClaims claims = new JwtClaims();
    claims.setIssuer(ISSUER);
    claims.setAudience(AUDIENCE);
    claims.setSubject("alice");
    claims.setIssuedAt(NumericDate.fromSeconds(now - 10));
    claims.setExpirationTime(NumericDate.fromSeconds(now + 600));
    claims.setJwtId("jose4j-" + keyKind);
    claims.setClaim("scope", "read write");
    claims.setClaim("client_id", "app");
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(claims.toJson());
    jws.setKey(signingKey);
    jws.setAlgorithmHeaderValue(alg);
    jws.setKeyIdHeaderValue("some-kid");
    jws.setHeader("typ", "at+jwt");
    String token = jws.getCompactSerialization();

    JwtVerifierOptions.Builder options =
        JwtVerifierOptions.builder()
            .allowedAlgorithms(alg)
            .issuers(ISSUER)
            .audiences(AUDIENCE)
            .requiredType("at+jwt")
            .clock(f.clock)
            .revocationStore(f.store);
    switch (keyKind) {
      case "rsa" -> options.publicKeyPem(TestKeys.pem(TestKeys.RSA.getPublic()));
      case "ec" -> options.publicKeyPem(TestKeys.pem(TestKeys.EC.getPublic()));
      case "ed25519" -> options.publicKeyPem(TestKeys.pem(TestKeys.ED25519.getPublic()));
      default -> options.hmacSecret(TestKeys.HMAC_SECRET);
    }
    JwtVerifier verifier = JwtVerifier.create(options.build());

    VerifiedJwt jwt = verifier.verify(token).jwt();
    assertThat(jwt.subject()).contains("alice");
    assertThat(jwt.jti()).contains("jose4j-" + keyKind);
    assertThat(jwt.audience()).isEqualTo(List.of(AUDIENCE));
    assertThat(jwt.expiresAt()).isEqualTo(Instant.ofEpochSecond(now + 600));
    assertThat(jwt.scopes()).containsExactly("read", "write");
    assertThat(jwt.clientId()).contains("app");

    // and one flipped bit of the signature breaks it
    String tampered = flipLastSignatureBit(token);
    assertThat(verifier.verify(tampered).isVerified()).isFalse();
  }

  private static String flipLastSignatureBit(String token) {
    int dot = token.lastIndexOf('.');
    byte[] sig = java.util.Base64.getUrlDecoder().decode(token.substring(dot + 1));
    sig[sig.length / 2] ^= 1;
    return token.substring(0, dot + 1) + TestKeys.b64(sig);
  }
}
