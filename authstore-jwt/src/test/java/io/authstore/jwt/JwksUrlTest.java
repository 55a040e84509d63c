package io.authstore.jwt;

import static io.authstore.jwt.Fixture.header;
import static io.authstore.jwt.Fixture.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpServer;
import io.authstore.StoreUnavailableException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
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

  @Test
  void jwksDown_afterTheCachedSetExpired_isStoreUnavailable_forEveryToken_neverUnknownKey() {
    assertThat(verifier.verify(signed(TestKeys.RSA, "k1")).isVerified()).isTrue();

    status.set(500);
    f.clock.advance(JwtVerifierOptions.DEFAULT_JWKS_CACHE_TIME_TO_LIVE.plusSeconds(1));

    // More tokens than the rate limit lets fetches through (two per interval): the refused
    // fetches must not turn into "the kid is not in the set".
    for (int i = 0; i < 6; i++) {
      assertThatThrownBy(() -> verifier.verify(signed(TestKeys.RSA, "k1")))
          .isInstanceOf(StoreUnavailableException.class);
    }
  }

  @Test
  void jwksBackAfterAnOutage_tokensVerifyAgain_onceTheRateLimitAllowsAFetch() {
    assertThat(verifier.verify(signed(TestKeys.RSA, "k1")).isVerified()).isTrue();
    status.set(500);
    f.clock.advance(JwtVerifierOptions.DEFAULT_JWKS_CACHE_TIME_TO_LIVE.plusSeconds(1));
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> verifier.verify(signed(TestKeys.RSA, "k1")))
          .isInstanceOf(StoreUnavailableException.class);
    }

    status.set(200);
    f.clock.advance(JwtVerifierOptions.DEFAULT_JWKS_MIN_REFETCH_INTERVAL);

    assertThat(verifier.verify(signed(TestKeys.RSA, "k1")).isVerified()).isTrue();
  }

  @Test
  void jwksDown_whileTheCachedSetIsValid_knownKidVerifies_fromTheCache() {
    assertThat(verifier.verify(signed(TestKeys.RSA, "k1")).isVerified()).isTrue();

    status.set(500);
    f.clock.advance(JwtVerifierOptions.DEFAULT_JWKS_CACHE_TIME_TO_LIVE.minusSeconds(1));

    assertThat(verifier.verify(signed(TestKeys.RSA, "k1")).isVerified()).isTrue();
    assertThat(fetches).hasValue(1);
  }

  @Test
  void cacheTimeToLive_isTheConfiguredOne_onTheOptionsClock() {
    verifier.close();
    verifier = JwtVerifier.create(options(Duration.ofMinutes(2)));
    assertThat(verifier.verify(signed(TestKeys.RSA, "k1")).isVerified()).isTrue();

    f.clock.advance(Duration.ofMinutes(2).minusMillis(1));
    assertThat(verifier.verify(signed(TestKeys.RSA, "k1")).isVerified()).isTrue();
    assertThat(fetches).hasValue(1);

    f.clock.advance(Duration.ofMillis(1));
    assertThat(verifier.verify(signed(TestKeys.RSA, "k1")).isVerified()).isTrue();
    assertThat(fetches).hasValue(2);
  }

  @Test
  void jwksUnreachable_exceptionAndItsCauses_neverShowTheUrlsUserInfoOrQuery() {
    URI url =
        URI.create(
            "http://reader:s3cret-password@127.0.0.1:"
                + server.getAddress().getPort()
                + "/jwks.json?access_token=s3cret-token");
    status.set(500);

    Throwable thrown;
    try (JwtVerifier v = JwtVerifier.create(f.rs256().jwksFile(null).jwksUrl(url).build())) {
      thrown = catchThrowable(() -> v.verify(signed(TestKeys.RSA, "k1")));
    }

    assertThat(thrown).isInstanceOf(StoreUnavailableException.class);
    assertThat(fetches)
        .as("the server was asked, so the JDK had a URL to put in its message")
        .hasPositiveValue();
    StringWriter trace = new StringWriter();
    thrown.printStackTrace(new PrintWriter(trace)); // every message, cause and suppressed one
    assertThat(trace.toString())
        .doesNotContain("s3cret", "access_token", "reader")
        .contains("/jwks.json", "500"); // still says where and what went wrong
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      assertThat(String.valueOf(t.getMessage())).doesNotContain("s3cret");
    }
  }

  private JwtVerifierOptions options(Duration cacheTimeToLive) {
    return f.rs256()
        .jwksFile(null)
        .jwksUrl(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json"))
        .jwksCacheTimeToLive(cacheTimeToLive)
        .build();
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
