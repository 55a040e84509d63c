package io.authstore.server;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/**
 * JWT keys, the server settings that trust them, and tokens minted with Nimbus for the tests of the
 * JWT routes. Two keys are configured, through one JWK Set file: an HMAC secret (HS256, kid {@value
 * #HS_KID}) and an RSA key (RS256, kid {@value #RS_KID}). Every minted token is recorded in {@link
 * LogCapture} as a secret, so no log line may carry one.
 */
final class TestJwt {
  static final String ISSUER = "https://issuer.test";
  static final String AUDIENCE = "https://authstore.test";
  static final String HS_KID = "hs-1";
  static final String RS_KID = "rs-1";

  static final byte[] HMAC_SECRET = random(32);
  static final RSAKey RSA = rsa(RS_KID);

  /** An RSA key the server does not know, under a kid it does not know. */
  static final RSAKey UNKNOWN_RSA = rsa("rs-unknown");

  /** An RSA key the server does not know, under the kid of the one it knows. */
  static final RSAKey IMPOSTOR_RSA = rsa(RS_KID);

  static final Path JWKS_FILE = jwksFile();

  private TestJwt() {}

  /**
   * HS256 and RS256 from {@link #JWKS_FILE}, issuer {@link #ISSUER}, audience {@link #AUDIENCE}.
   */
  static JwtSettings settings() {
    return JwtSettings.builder()
        .jwksFile(JWKS_FILE)
        .allowedAlgorithms("HS256", "RS256")
        .issuers(ISSUER)
        .audiences(AUDIENCE)
        .build();
  }

  /**
   * Claims of a valid access token issued at {@code iat}: the issuer and audience the server
   * accepts, subject {@code alice}, ten minutes of life, a random jti.
   */
  static JWTClaimsSet.Builder claims(Instant iat) {
    return new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .subject("alice")
        .audience(AUDIENCE)
        .issueTime(Date.from(iat))
        .expirationTime(Date.from(iat.plus(Duration.ofMinutes(10))))
        .jwtID(UUID.randomUUID().toString());
  }

  /** {@link #claims(Instant)} issued now, by the system clock. */
  static JWTClaimsSet.Builder claims() {
    return claims(Instant.now());
  }

  static String hs256(JWTClaimsSet claims) {
    return sign(JWSAlgorithm.HS256, HS_KID, macSigner(HMAC_SECRET), claims);
  }

  static String rs256(JWTClaimsSet claims) {
    return rs256(RSA, claims);
  }

  /** Signed with {@code key}, under its kid. */
  static String rs256(RSAKey key, JWTClaimsSet claims) {
    try {
      return sign(JWSAlgorithm.RS256, key.getKeyID(), new RSASSASigner(key), claims);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** HS256 under the known kid, but with another secret: the signature does not verify. */
  static String hs256WithWrongSecret(JWTClaimsSet claims) {
    return sign(JWSAlgorithm.HS256, HS_KID, macSigner(random(32)), claims);
  }

  /**
   * HS256 over a payload given as JSON text, as it is: for claims a claims builder cannot write,
   * such as a {@code \\u} escape of half a surrogate pair.
   */
  static String hs256Payload(String json) {
    JWSObject jws =
        new JWSObject(
            new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(HS_KID).build(), new Payload(json));
    try {
      jws.sign(macSigner(HMAC_SECRET));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    String token = jws.serialize();
    LogCapture.secret(token);
    return token;
  }

  static String sign(JWSAlgorithm alg, String kid, JWSSigner signer, JWTClaimsSet claims) {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    String token = jwt.serialize();
    LogCapture.secret(token);
    return token;
  }

  private static JWSSigner macSigner(byte[] secret) {
    try {
      return new MACSigner(secret);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] random(int bytes) {
    byte[] b = new byte[bytes];
    new SecureRandom().nextBytes(b);
    return b;
  }

  private static RSAKey rsa(String kid) {
    try {
      return new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path jwksFile() {
    try {
      Path file = Files.createTempFile("authstore-test-jwks", ".json");
      file.toFile().deleteOnExit();
      OctetSequenceKey hmac =
          new OctetSequenceKey.Builder(HMAC_SECRET)
              .keyID(HS_KID)
              .algorithm(JWSAlgorithm.HS256)
              .keyUse(KeyUse.SIGNATURE)
              .build();
      // toString(false): private and symmetric members included; the HMAC key needs its k.
      Files.writeString(
          file, new JWKSet(java.util.List.of(hmac, RSA.toPublicJWK())).toString(false));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
