package io.authstore.jwt;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import io.authstore.revocation.InMemoryRevocationStore;
import io.authstore.revocation.RevocationOptions;
import io.authstore.testkit.MutableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** A clock, a store, and tokens with sensible defaults that a test overrides claim by claim. */
final class Fixture {
  static final String ISSUER = "https://issuer.example";
  static final String AUDIENCE = "https://api.example";
  static final String KID = "k1";
  static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

  /** Marks a claim or header parameter to leave out. */
  static final Object ABSENT = new Object();

  final MutableClock clock = MutableClock.at(NOW);
  final InMemoryRevocationStore store =
      InMemoryRevocationStore.create(RevocationOptions.builder().clock(clock).build());

  /** A JWKS file with {@link TestKeys#RSA} under kid {@link #KID}. */
  static Path rsaJwksFile() {
    try {
      Path file = Files.createTempFile("jwks", ".json");
      file.toFile().deleteOnExit();
      RSAKey key =
          new RSAKey.Builder((RSAPublicKey) TestKeys.RSA.getPublic())
              .keyID(KID)
              .keyUse(KeyUse.SIGNATURE)
              .build();
      Files.writeString(file, new JWKSet(key).toString());
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** RS256 with the JWKS file, typ at+jwt required, the store set. */
  JwtVerifierOptions.Builder rs256() {
    return JwtVerifierOptions.builder()
        .jwksFile(rsaJwksFile())
        .allowedAlgorithms("RS256")
        .issuers(ISSUER)
        .audiences(AUDIENCE)
        .requiredType("at+jwt")
        .clock(clock)
        .revocationStore(store);
  }

  static Map<String, Object> header(String alg, Object... overrides) {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("alg", alg);
    header.put("typ", "at+jwt");
    header.put("kid", KID);
    return apply(header, overrides);
  }

  Map<String, Object> claims(Object... overrides) {
    Map<String, Object> claims = new LinkedHashMap<>();
    long now = clock.instant().getEpochSecond();
    claims.put("iss", ISSUER);
    claims.put("sub", "alice");
    claims.put("aud", AUDIENCE);
    claims.put("iat", now - 10);
    claims.put("exp", now + 600);
    claims.put("jti", UUID.randomUUID().toString());
    return apply(claims, overrides);
  }

  /** An RS256 token from {@link TestKeys#RSA} with default header and claims, overridden. */
  String rs256Token(Object... claimOverrides) {
    return token(header("RS256"), claims(claimOverrides), TestKeys.RSA.getPrivate());
  }

  static String token(Map<String, Object> header, Map<String, Object> claims, Key key) {
    return TestKeys.sign(
        TestKeys.json(header), TestKeys.json(claims), (String) header.get("alg"), key);
  }

  private static Map<String, Object> apply(Map<String, Object> map, Object... overrides) {
    for (int i = 0; i < overrides.length; i += 2) {
      String name = (String) overrides[i];
      if (overrides[i + 1] == ABSENT) {
        map.remove(name);
      } else {
        map.put(name, overrides[i + 1]);
      }
    }
    return map;
  }
}
