package io.authstore.jwt;

import static io.authstore.jwt.Fixture.ABSENT;
import static io.authstore.jwt.Fixture.AUDIENCE;
import static io.authstore.jwt.Fixture.ISSUER;
import static io.authstore.jwt.Fixture.KID;
import static io.authstore.jwt.Fixture.header;
import static io.authstore.jwt.Fixture.token;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The attacks and mistakes RFC 8725 (JWT Best Current Practices) names, one row each: every row is
 * rejected for its own reason, and the filter answers every one of them identically.
 */
class Rfc8725Test {
  static final Fixture F = new Fixture();
  static final String REVOKED_JTI = "revoked-jti";
  static final String LOGGED_OUT = "mallory";
  static final AtomicInteger attackerRequests = new AtomicInteger();
  static HttpServer attacker;
  static String attackerUrl;
  static Map<String, JwtVerifier> verifiers;

  @BeforeAll
  static void setUp() throws IOException {
    attacker = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    String attackerJwks =
        new JWKSet(
                new RSAKey.Builder((RSAPublicKey) TestKeys.RSA_OTHER.getPublic())
                    .keyID("attacker")
                    .build())
            .toString();
    attacker.createContext(
        "/",
        exchange -> {
          attackerRequests.incrementAndGet();
          byte[] body = attackerJwks.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    attacker.start();
    attackerUrl = "http://127.0.0.1:" + attacker.getAddress().getPort() + "/jwks.json";

    F.store.revoke(ISSUER, REVOKED_JTI, Fixture.NOW.plusSeconds(3600));
    F.store.revokeSubject(ISSUER, LOGGED_OUT, Fixture.NOW.minusSeconds(5));

    Path mixedJwks = Files.createTempFile("mixed", ".json");
    mixedJwks.toFile().deleteOnExit();
    Files.writeString(
        mixedJwks,
        new JWKSet(
                List.of(
                    new RSAKey.Builder((RSAPublicKey) TestKeys.RSA.getPublic())
                        .keyID(KID)
                        .keyUse(KeyUse.SIGNATURE)
                        .build(),
                    new OctetSequenceKey.Builder(TestKeys.HMAC_SECRET).keyID("h1").build()))
            .toString(false));
    verifiers =
        Map.of(
            "rs256",
            JwtVerifier.create(F.rs256().build()),
            "es256",
            JwtVerifier.create(esVerifierOptions()),
            "mixed",
            JwtVerifier.create(
                F.rs256()
                    .jwksFile(mixedJwks)
                    .allowedAlgorithms("RS256", "HS256")
                    .requiredType(null)
                    .build()),
            "nostore",
            JwtVerifier.create(F.rs256().revocationStore(null).requiredType(null).build()));
  }

  private static JwtVerifierOptions esVerifierOptions() {
    return JwtVerifierOptions.builder()
        .publicKeyPem(TestKeys.pem(TestKeys.EC.getPublic()))
        .allowedAlgorithms("ES256")
        .issuers(ISSUER)
        .audiences(AUDIENCE)
        .clock(F.clock)
        .revocationStore(F.store)
        .build();
  }

  @AfterAll
  static void tearDown() {
    attacker.stop(0);
  }

  static Stream<Arguments> rejected() {
    long now = Fixture.NOW.getEpochSecond();
    return Stream.of(
        // alg none, every spelling, with an empty signature and with one
        row("alg none", "rs256", f -> unsigned("none", f), Rejection.ALGORITHM_NOT_ALLOWED),
        row("alg None", "rs256", f -> unsigned("None", f), Rejection.ALGORITHM_NOT_ALLOWED),
        row("alg NONE", "rs256", f -> unsigned("NONE", f), Rejection.ALGORITHM_NOT_ALLOWED),
        row("alg nOnE", "rs256", f -> unsigned("nOnE", f), Rejection.ALGORITHM_NOT_ALLOWED),
        row(
            "alg none with a signature",
            "rs256",
            f -> unsigned("none", f) + TestKeys.b64("sig"),
            Rejection.ALGORITHM_NOT_ALLOWED),
        // key confusion: the RSA public key used as an HMAC secret
        row(
            "HS256 keyed with the RSA public key (DER)",
            "rs256",
            f ->
                token(
                    header("HS256"),
                    f.claims(),
                    TestKeys.hmacKey(TestKeys.RSA.getPublic().getEncoded())),
            Rejection.ALGORITHM_NOT_ALLOWED),
        row(
            "HS256 keyed with the RSA public key (PEM text)",
            "rs256",
            f ->
                token(
                    header("HS256"),
                    f.claims(),
                    TestKeys.hmacKey(
                        TestKeys.pem(TestKeys.RSA.getPublic()).getBytes(StandardCharsets.UTF_8))),
            Rejection.ALGORITHM_NOT_ALLOWED),
        row(
            "HS256 keyed with the RSA public key, HS256 allowed, RSA kid",
            "mixed",
            f ->
                token(
                    header("HS256"),
                    f.claims(),
                    TestKeys.hmacKey(TestKeys.RSA.getPublic().getEncoded())),
            Rejection.UNKNOWN_KEY),
        row(
            "HS256 keyed with the RSA public key, HS256 allowed, HMAC kid",
            "mixed",
            f ->
                token(
                    header("HS256", "kid", "h1"),
                    f.claims(),
                    TestKeys.hmacKey(TestKeys.RSA.getPublic().getEncoded())),
            Rejection.BAD_SIGNATURE),
        // CVE-2022-21449: r = s = 0
        row(
            "ES256 psychic signature (all zeros)",
            "es256",
            f -> withSignature(token(header("ES256"), f.claims(), TestKeys.EC.getPrivate()), 64),
            Rejection.BAD_SIGNATURE),
        row(
            "RS256 with an empty signature",
            "rs256",
            f -> withSignature(f.rs256Token(), 0),
            Rejection.MALFORMED),
        row(
            "tampered payload",
            "rs256",
            f -> tamper(f.rs256Token(), f.claims("sub", "admin")),
            Rejection.BAD_SIGNATURE),
        row(
            "signed by another key under our kid",
            "rs256",
            f -> token(header("RS256"), f.claims(), TestKeys.RSA_OTHER.getPrivate()),
            Rejection.BAD_SIGNATURE),
        row(
            "unknown kid",
            "rs256",
            f -> token(header("RS256", "kid", "k2"), f.claims(), TestKeys.RSA_OTHER.getPrivate()),
            Rejection.UNKNOWN_KEY),
        // keys named or carried by the token itself
        row(
            "jku to the attacker's JWKS, attacker kid",
            "rs256",
            f -> attackerToken(f, "jku", attackerUrl, "attacker"),
            Rejection.UNKNOWN_KEY),
        row(
            "jku to the attacker's JWKS, our kid",
            "rs256",
            f -> attackerToken(f, "jku", attackerUrl, KID),
            Rejection.BAD_SIGNATURE),
        row(
            "x5u to the attacker's server",
            "rs256",
            f -> attackerToken(f, "x5u", attackerUrl, KID),
            Rejection.BAD_SIGNATURE),
        row(
            "x5c with the attacker's key, our kid",
            "rs256",
            f ->
                attackerToken(
                    f,
                    "x5c",
                    List.of(TestKeys.b64(TestKeys.RSA_OTHER.getPublic().getEncoded())),
                    KID),
            Rejection.BAD_SIGNATURE),
        row(
            "jwk header with the attacker's key, attacker kid",
            "rs256",
            f -> attackerToken(f, "jwk", attackerJwk(), "attacker"),
            Rejection.UNKNOWN_KEY),
        row(
            "jwk header with the attacker's key, our kid",
            "rs256",
            f -> attackerToken(f, "jwk", attackerJwk(), KID),
            Rejection.BAD_SIGNATURE),
        row(
            "jwk header with the attacker's key, no kid",
            "rs256",
            f ->
                token(
                    header("RS256", "kid", ABSENT, "jwk", attackerJwk()),
                    f.claims(),
                    TestKeys.RSA_OTHER.getPrivate()),
            Rejection.BAD_SIGNATURE),
        // structure
        row("1 MiB token", "rs256", f -> "a".repeat(1 << 20), Rejection.TOO_LARGE),
        row("one part", "rs256", f -> "abc", Rejection.MALFORMED),
        row("two parts", "rs256", f -> "abc.def", Rejection.MALFORMED),
        row("four parts", "rs256", f -> f.rs256Token() + ".x", Rejection.MALFORMED),
        row("JWE (five parts)", "rs256", f -> "a.b.c.d.e", Rejection.MALFORMED),
        row(
            "header not JSON",
            "rs256",
            f -> TestKeys.b64("not json") + ".e30.",
            Rejection.MALFORMED),
        row(
            "payload not a JSON object",
            "rs256",
            f -> TestKeys.sign(TestKeys.json(header("RS256")), "[1]", "RS256", rsa()),
            Rejection.MALFORMED),
        row(
            "unknown crit header",
            "rs256",
            f -> token(header("RS256", "crit", List.of("exp"), "exp", 1), f.claims(), rsa()),
            Rejection.MALFORMED),
        // header claims
        row(
            "typ JWT where at+jwt is required",
            "rs256",
            f -> token(header("RS256", "typ", "JWT"), f.claims(), rsa()),
            Rejection.WRONG_TYPE),
        row(
            "no typ where at+jwt is required",
            "rs256",
            f -> token(header("RS256", "typ", ABSENT), f.claims(), rsa()),
            Rejection.WRONG_TYPE),
        // claims
        row(
            "wrong iss",
            "rs256",
            f -> f.rs256Token("iss", "https://evil.example"),
            Rejection.WRONG_ISSUER),
        row(
            "wrong aud",
            "rs256",
            f -> f.rs256Token("aud", "https://other.example"),
            Rejection.WRONG_AUDIENCE),
        row(
            "wrong aud in a list",
            "rs256",
            f -> f.rs256Token("aud", List.of("https://a.example", "https://b.example")),
            Rejection.WRONG_AUDIENCE),
        row(
            "expired beyond the leeway",
            "rs256",
            f -> f.rs256Token("exp", now - 61),
            Rejection.EXPIRED),
        row(
            "expired exactly at the leeway",
            "rs256",
            f -> f.rs256Token("exp", now - 60),
            Rejection.EXPIRED),
        row(
            "nbf in the future",
            "rs256",
            f -> f.rs256Token("nbf", now + 61),
            Rejection.NOT_YET_VALID),
        row(
            "iat in the future",
            "rs256",
            f -> f.rs256Token("iat", now + 61, "exp", now + 600),
            Rejection.NOT_YET_VALID),
        row("missing exp", "rs256", f -> f.rs256Token("exp", ABSENT), Rejection.MISSING_CLAIM),
        row(
            "missing jti (store set)",
            "rs256",
            f -> f.rs256Token("jti", ABSENT),
            Rejection.MISSING_CLAIM),
        row(
            "missing iat (store set)",
            "rs256",
            f -> f.rs256Token("iat", ABSENT),
            Rejection.MISSING_CLAIM),
        row("missing iss", "rs256", f -> f.rs256Token("iss", ABSENT), Rejection.MISSING_CLAIM),
        row("missing aud", "rs256", f -> f.rs256Token("aud", ABSENT), Rejection.MISSING_CLAIM),
        row(
            "exp a string",
            "rs256",
            f -> f.rs256Token("exp", Long.toString(now + 600)),
            Rejection.INVALID_CLAIM),
        row("exp 1e20", "rs256", f -> f.rs256Token("exp", 1e20), Rejection.INVALID_CLAIM),
        row(
            "exp Long.MAX_VALUE",
            "rs256",
            f -> f.rs256Token("exp", Long.MAX_VALUE),
            Rejection.INVALID_CLAIM),
        row("exp negative", "rs256", f -> f.rs256Token("exp", -1), Rejection.INVALID_CLAIM),
        row("exp null", "rs256", f -> f.rs256Token("exp", null), Rejection.INVALID_CLAIM),
        row("aud a number", "rs256", f -> f.rs256Token("aud", 7), Rejection.INVALID_CLAIM),
        row(
            "iss a list",
            "rs256",
            f -> f.rs256Token("iss", List.of(ISSUER)),
            Rejection.INVALID_CLAIM),
        row("jti empty", "rs256", f -> f.rs256Token("jti", ""), Rejection.INVALID_CLAIM),
        row(
            "jti longer than the store accepts",
            "rs256",
            f -> f.rs256Token("jti", "j".repeat(300)),
            Rejection.INVALID_CLAIM),
        row(
            "lifetime exp - iat over the maximum",
            "rs256",
            f ->
                f.rs256Token(
                    "iat", now - 10, "exp", now - 10 + Duration.ofHours(24).toSeconds() + 1),
            Rejection.LIFETIME_TOO_LONG),
        row(
            "lifetime exp - now over the maximum, no iat",
            "nostore",
            f -> f.rs256Token("iat", ABSENT, "exp", now + Duration.ofHours(25).toSeconds()),
            Rejection.LIFETIME_TOO_LONG),
        // the revocation list
        row("revoked jti", "rs256", f -> f.rs256Token("jti", REVOKED_JTI), Rejection.REVOKED),
        row(
            "subject logged out everywhere after iat",
            "rs256",
            f -> f.rs256Token("sub", LOGGED_OUT, "iat", now - 10),
            Rejection.SUBJECT_REVOKED));
  }

  @ParameterizedTest(name = "{0} -> {3}")
  @MethodSource("rejected")
  void rejected_forItsOwnReason_withTheSameAnswerAsEveryOtherRejection(
      String name, String verifier, Function<Fixture, String> token, Rejection reason) {
    String jwt = token.apply(F);
    JwtVerifier v = verifiers.get(verifier);

    assertThat(v.verify(jwt).isVerified()).isFalse();
    assertThat(v.verify(jwt).rejection()).isEqualTo(reason);
    JwtAuthenticationFilter filter = JwtAuthenticationFilter.create(v, "api");
    JwtAuthenticationFilter.Outcome outcome = filter.decide(List.of("Bearer " + jwt));
    assertThat(outcome.jwt).isNull();
    assertThat(outcome.answer)
        .isEqualTo(
            new JwtAuthenticationFilter.Answer(
                401, "WWW-Authenticate", "Bearer realm=\"api\", error=\"invalid_token\""));
  }

  static Stream<Arguments> accepted() {
    long now = Fixture.NOW.getEpochSecond();
    return Stream.of(
        row("a plain valid token", "rs256", f -> f.rs256Token(), null),
        row("expired within the leeway", "rs256", f -> f.rs256Token("exp", now - 59), null),
        row("nbf within the leeway", "rs256", f -> f.rs256Token("nbf", now + 59), null),
        row(
            "typ application/at+jwt",
            "rs256",
            f -> token(header("RS256", "typ", "application/AT+JWT"), f.claims(), rsa()),
            null),
        row(
            "aud list with ours",
            "rs256",
            f -> f.rs256Token("aud", List.of("https://other.example", AUDIENCE)),
            null),
        row("exp with a fraction", "rs256", f -> f.rs256Token("exp", now + 600.5), null),
        row(
            "lifetime exactly the maximum",
            "rs256",
            f -> f.rs256Token("iat", now - 10, "exp", now - 10 + Duration.ofHours(24).toSeconds()),
            null),
        row(
            "subject logged out, token issued after",
            "rs256",
            f -> f.rs256Token("sub", LOGGED_OUT, "iat", now),
            null),
        row(
            "HS256 with the HMAC kid",
            "mixed",
            f ->
                token(
                    header("HS256", "kid", "h1"),
                    f.claims(),
                    TestKeys.hmacKey(TestKeys.HMAC_SECRET)),
            null),
        row(
            "ES256",
            "es256",
            f -> token(header("ES256"), f.claims(), TestKeys.EC.getPrivate()),
            null),
        row(
            "no kid, key set with one RSA key",
            "rs256",
            f -> token(header("RS256", "kid", ABSENT), f.claims(), rsa()),
            null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("accepted")
  void accepted(String name, String verifier, Function<Fixture, String> token, Rejection none) {
    Verification verification = verifiers.get(verifier).verify(token.apply(F));

    assertThat(verification.isVerified()).as(verification.toString()).isTrue();
  }

  @Test
  void keyUrlHeaders_areNeverFetched() {
    JwtVerifier v = verifiers.get("rs256");
    for (String header : List.of("jku", "x5u")) {
      for (String kid : List.of("attacker", KID)) {
        assertThat(v.verify(attackerToken(F, header, attackerUrl, kid)).isVerified()).isFalse();
      }
    }

    assertThat(attackerRequests).hasValue(0);
  }

  private static Arguments row(
      String name, String verifier, Function<Fixture, String> token, Rejection reason) {
    return Arguments.of(name, verifier, token, reason);
  }

  private static java.security.PrivateKey rsa() {
    return TestKeys.RSA.getPrivate();
  }

  private static String unsigned(String alg, Fixture f) {
    return TestKeys.b64(TestKeys.json(header(alg)))
        + "."
        + TestKeys.b64(TestKeys.json(f.claims()))
        + ".";
  }

  private static String withSignature(String token, int zeroBytes) {
    return token.substring(0, token.lastIndexOf('.') + 1) + TestKeys.b64(new byte[zeroBytes]);
  }

  private static String tamper(String token, Map<String, Object> claims) {
    String[] parts = token.split("\\.");
    return parts[0] + "." + TestKeys.b64(TestKeys.json(claims)) + "." + parts[2];
  }

  private static Map<String, Object> attackerJwk() {
    return new RSAKey.Builder((RSAPublicKey) TestKeys.RSA_OTHER.getPublic())
        .keyID("attacker")
        .build()
        .toJSONObject();
  }

  private static String attackerToken(Fixture f, String param, Object value, String kid) {
    return token(
        header("RS256", param, value, "kid", kid), f.claims(), TestKeys.RSA_OTHER.getPrivate());
  }
}
