package io.authstore.jwt;

import static io.authstore.jwt.Fixture.header;
import static io.authstore.jwt.Fixture.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpServer;
import io.authstore.StoreUnavailableException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Keys from a JWK Set served over HTTP on loopback, as an issuer publishes them. */
class JwksUrlTest {
  final Fixture f = new Fixture();
  final AtomicReference<String> jwks = new AtomicReference<>();
  final AtomicInteger fetches = new AtomicInteger();
  final AtomicInteger status = new AtomicInteger(200);
  HttpServer server;
  JwtVerifier verifier;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/jwks.json",
        exchange -> {
          fetches.incrementAndGet();
          byte[] body = jwks.get().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(status.get(), body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    jwks.set(jwkSet(List.of(TestKeys.RSA), List.of("k1")));
    verifier =
        JwtVerifier.create(
            f.rs256()
                .jwksFile(null)
                .jwksUrl(
                    URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json"))
                .build());
  }

  @AfterEach
  void stop() {
    verifier.close();
    server.stop(0);
  }

  @Test
  void knownKid_isFetchedOnce_thenCached() {
    for (int i = 0; i < 5; i++) {
      assertThat(verifier.verify(signed(TestKeys.RSA, "k1")).isVerified()).isTrue();
    }

    assertThat(fetches).hasValue(1);
  }

  @Test
  void rotation_newKidIsAccepted_afterTheJwksChanges_withoutANewVerifier() {
    assertThat(verifier.verify(signed(TestKeys.RSA, "k1")).isVerified()).isTrue();

    // The issuer publishes a new key and starts signing with it.
    jwks.set(jwkSet(List.of(TestKeys.RSA, TestKeys.RSA_OTHER), List.of("k1", "k2")));

    assertThat(verifier.verify(signed(TestKeys.RSA_OTHER, "k2")).isVerified()).isTrue();
    assertThat(verifier.verify(signed(TestKeys.RSA, "k1")).isVerified()).isTrue();
    assertThat(fetches).hasValue(2);
  }

  @Test
  void retiredKid_isUnknownKey_afterTheJwksDropsIt() {
    jwks.set(jwkSet(List.of(TestKeys.RSA_OTHER), List.of("k2")));

    assertThat(verifier.verify(signed(TestKeys.RSA_OTHER, "k2")).isVerified()).isTrue();
    assertThat(verifier.verify(signed(TestKeys.RSA, "k1")).rejection())
        .isEqualTo(Rejection.UNKNOWN_KEY);
  }

  @Test
  void unknownKids_refetchAtMostOncePerInterval_andAreUnknownKey() {
    assertThat(verifier.verify(signed(TestKeys.RSA, "k1")).isVerified()).isTrue();

    for (int i = 0; i < 20; i++) {
      assertThat(verifier.verify(signed(TestKeys.RSA_OTHER, "unknown-" + i)).rejection())
          .isEqualTo(Rejection.UNKNOWN_KEY);
    }

    // one initial fetch, one refetch for the first unknown kid, then the rate limit
    assertThat(fetches).hasValue(2);
  }

  @Test
  void jwksUnreachable_beforeAnyKeyIsKnown_isStoreUnavailable_notARejection() {
    status.set(500);

    for (int i = 0; i < 4; i++) {
      assertThatThrownBy(() -> verifier.verify(signed(TestKeys.RSA, "k1")))
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("/jwks.json");
    }
  }

  private String signed(KeyPair key, String kid) {
    return token(header("RS256", "kid", kid), f.claims(), key.getPrivate());
  }

  private static String jwkSet(List<KeyPair> keys, List<String> kids) {
    List<com.nimbusds.jose.jwk.JWK> jwks = new java.util.ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      jwks.add(
          new RSAKey.Builder((RSAPublicKey) keys.get(i).getPublic()).keyID(kids.get(i)).build());
    }
    return new JWKSet(jwks).toString();
  }
}
