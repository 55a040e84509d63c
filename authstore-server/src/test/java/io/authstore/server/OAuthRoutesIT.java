package io.authstore.server;

import static io.authstore.server.TestJwt.AUDIENCE;
import static io.authstore.server.TestJwt.ISSUER;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import io.authstore.testkit.MutableClock;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 7009 revocation ({@code /oauth2/revoke}), RFC 7662 introspection ({@code /oauth2/introspect})
 * and the REST revocation by token ({@code /auth/tokens/revoke}) on the in-memory backend, with
 * HS256 and RS256 keys configured and tokens minted here with Nimbus. Statuses and bodies are
 * asserted exactly.
 */
class OAuthRoutesIT {
  private static final String REVOKE = "/oauth2/revoke";
  private static final String INTROSPECT = "/oauth2/introspect";
  private static final String REST_REVOKE = "/auth/tokens/revoke";
  private static final String INACTIVE = "{\"active\":false}";

  /** A key whose secret holds the characters that form-encoding changes ('+' and '/'). */
  private static final String PLUS_SECRET = "a+b/c+" + ApiKeys.generateSecret();

  private static AuthstoreServer server;
  private static Api admin;
  private static Api writer;
  private static Api reader;
  private static Api anonymous;

  @BeforeAll
  static void start() {
    LogCapture.secret(PLUS_SECRET);
    String keys = TestServers.keysText() + ";plus:" + PLUS_SECRET + "=revocations:write";
    server =
        AuthstoreServer.start(
            TestServers.memory().apiKeys(ApiKeys.parse(keys, "oauth test keys")).build());
    admin = new Api(server.port(), TestServers.ADMIN_KEY);
    writer = admin.withKey(TestServers.REVOKE_WRITE_KEY);
    reader = admin.withKey(TestServers.REVOKE_READ_KEY);
    anonymous = admin.withKey(null);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  // --- RFC 7009: /oauth2/revoke ---

  @ParameterizedTest(name = "{0}")
  @MethodSource("validTokens")
  void revoke_validToken_answers200WithAnEmptyObject_andTheTokenIsInactiveFromThenOn(
      Supplier<String> mint) {
    String token = mint.get();
    assertThat(introspect(token).json().path("active").asBoolean()).isTrue();

    Api.Response r = revoke(writer, token);

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{}");
    assertThat(r.header("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    assertThat(r.header("Cache-Control")).contains("no-store");
    assertThat(r.header("Pragma")).contains("no-cache");
    assertInactive(introspect(token));
  }

  static Stream<Named<Supplier<String>>> validTokens() {
    return Stream.of(
        Named.of("HS256", () -> TestJwt.hs256(TestJwt.claims().build())),
        Named.of("RS256", () -> TestJwt.rs256(TestJwt.claims().build())));
  }

  @Test
  void revoke_storesIssuerAndJti_untilExpPlusTheLeeway() {
    MutableClock clock = MutableClock.at(Instant.parse("2031-05-01T12:00:00Z"));
    try (AuthstoreServer own = AuthstoreServer.start(TestServers.memory(clock).build())) {
      Api ownAdmin = new Api(own.port(), TestServers.ADMIN_KEY);
      String jti = UUID.randomUUID().toString();
      Instant iat = clock.instant();
      Instant exp = iat.plus(Duration.ofMinutes(10));
      String token =
          TestJwt.rs256(TestJwt.claims(iat).jwtID(jti).expirationTime(Date.from(exp)).build());
      String check =
          "/auth/revocations/"
              + jti
              + "?issuer="
              + URLEncoder.encode(ISSUER, StandardCharsets.UTF_8);
      assertThat(ownAdmin.get(check).json().path("revoked").asBoolean()).isFalse();

      assertThat(revoke(ownAdmin, token).status()).isEqualTo(200);

      assertThat(ownAdmin.get(check).json().path("revoked").asBoolean()).isTrue();
      // The verifier accepts the token until exp plus the 60 s leeway: the entry stays as long.
      clock.set(exp.plusSeconds(59));
      assertThat(ownAdmin.get(check).json().path("revoked").asBoolean()).isTrue();
      assertInactive(ownAdmin.postForm(INTROSPECT, Api.form("token", token)));
      clock.set(exp.plusSeconds(60));
      assertThat(ownAdmin.get(check).json().path("revoked").asBoolean()).isFalse();
      assertInactive(ownAdmin.postForm(INTROSPECT, Api.form("token", token)));
    }
  }

  @Test
  void revokeByJti_ofATokenPastExpButWithinTheLeeway_isStored_untilExpPlusTheLeeway() {
    MutableClock clock = MutableClock.at(Instant.parse("2031-05-01T12:00:00Z"));
    try (AuthstoreServer own = AuthstoreServer.start(TestServers.memory(clock).build())) {
      Api ownAdmin = new Api(own.port(), TestServers.ADMIN_KEY);
      String jti = UUID.randomUUID().toString();
      Instant exp = clock.instant().minusSeconds(5);
      String token =
          TestJwt.hs256(
              TestJwt.claims(exp.minus(Duration.ofMinutes(10)))
                  .jwtID(jti)
                  .expirationTime(Date.from(exp))
                  .build());
      String check =
          "/auth/revocations/"
              + jti
              + "?issuer="
              + URLEncoder.encode(ISSUER, StandardCharsets.UTF_8);
      Api.Response before = ownAdmin.postForm(INTROSPECT, Api.form("token", token));
      assertThat(before.json().path("active").asBoolean())
          .as("accepted within the leeway")
          .isTrue();

      Api.Response r =
          ownAdmin.postJson(
              "/auth/revocations",
              Api.json(Map.of("issuer", ISSUER, "jti", jti, "expires_at", exp.getEpochSecond())));

      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(r.json().path("stored").asBoolean()).isTrue();
      assertThat(r.json().path("expires_at").asText()).isEqualTo(exp.toString());
      assertThat(ownAdmin.get(check).json().path("revoked").asBoolean()).isTrue();
      assertInactive(ownAdmin.postForm(INTROSPECT, Api.form("token", token)));
      // Kept while the verifier would accept the token: until exp plus the 60 s leeway.
      clock.set(exp.plusSeconds(59));
      assertThat(ownAdmin.get(check).json().path("revoked").asBoolean()).isTrue();
      assertInactive(ownAdmin.postForm(INTROSPECT, Api.form("token", token)));
      clock.set(exp.plusSeconds(60));
      assertThat(ownAdmin.get(check).json().path("revoked").asBoolean()).isFalse();
    }
  }

  @Test
  void revokeByJti_pastExpPlusTheLeeway_storesNothing() {
    MutableClock clock = MutableClock.at(Instant.parse("2031-05-01T12:00:00Z"));
    try (AuthstoreServer own = AuthstoreServer.start(TestServers.memory(clock).build())) {
      Api ownAdmin = new Api(own.port(), TestServers.ADMIN_KEY);
      Instant exp = clock.instant().minusSeconds(60);

      Api.Response r =
          ownAdmin.postJson(
              "/auth/revocations",
              Api.json(
                  Map.of("issuer", ISSUER, "jti", "late", "expires_at", exp.getEpochSecond())));

      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(r.json().path("stored").asBoolean()).isFalse();
      assertThat(ownAdmin.get("/auth/session-status").json().path("revoked_entries").asLong())
          .isZero();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tokensThatDoNotVerifyForRevocation")
  void revoke_tokenThatDoesNotVerify_answers200WithAnEmptyObject_andStoresNothing(
      Function<String, String> mint) {
    String jti = "unverified-" + UUID.randomUUID();
    String t = mint.apply(jti);
    long entriesBefore = revokedEntries();

    Api.Response r = revoke(writer, t);

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{}");
    assertThat(isRevoked(jti)).isFalse();
    assertThat(revokedEntries()).isEqualTo(entriesBefore);
  }

  /** Tokens, by their jti, that must not be revoked. */
  static Stream<Named<Function<String, String>>> tokensThatDoNotVerifyForRevocation() {
    Instant now = Instant.now();
    return Stream.of(
        Named.of(
            "unknown key",
            jti -> TestJwt.rs256(TestJwt.UNKNOWN_RSA, TestJwt.claims().jwtID(jti).build())),
        Named.of(
            "other RSA key under the known kid",
            jti -> TestJwt.rs256(TestJwt.IMPOSTOR_RSA, TestJwt.claims().jwtID(jti).build())),
        Named.of(
            "wrong HMAC secret",
            jti -> TestJwt.hs256WithWrongSecret(TestJwt.claims().jwtID(jti).build())),
        Named.of(
            "wrong issuer",
            jti -> TestJwt.hs256(TestJwt.claims().jwtID(jti).issuer("https://evil.test").build())),
        Named.of("no jti", jti -> TestJwt.hs256(TestJwt.claims().jwtID(null).build())),
        Named.of("alg none", jti -> new PlainJWT(TestJwt.claims().jwtID(jti).build()).serialize()),
        Named.of(
            "expired long ago (verifies, but nothing is left to store)",
            jti ->
                TestJwt.hs256(
                    TestJwt.claims(now.minus(Duration.ofHours(3)))
                        .jwtID(jti)
                        .expirationTime(Date.from(now.minus(Duration.ofHours(2))))
                        .build())),
        Named.of(
            "JWT-shaped garbage",
            jti ->
                b64url("{\"alg\":\"HS256\"}")
                    + "."
                    + b64url("{\"jti\":\"" + jti + "\"}")
                    + ".c2ln"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "an-opaque-token",
        "two.parts",
        "eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d",
        "a..c",
        "with space.b.c",
        "a.b.c.",
        "ünï.cødé.x"
      })
  void revoke_aStringThatIsNotAJwt_isUnsupportedTokenType(String token) {
    Api.Response r = revoke(writer, token);

    assertOAuthError(r, 400, "unsupported_token_type");
  }

  @Test
  void revoke_refreshTokenHint_isUnsupportedTokenType_andRevokesNothing() {
    String token = TestJwt.hs256(TestJwt.claims().build());

    Api.Response r =
        writer.postForm(REVOKE, Api.form("token", token, "token_type_hint", "refresh_token"));

    assertOAuthError(r, 400, "unsupported_token_type");
    assertThat(introspect(token).json().path("active").asBoolean()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"access_token", "id_token", "something_else"})
  void revoke_anyOtherHint_isIgnored_andTheTokenRevoked(String hint) {
    String token = TestJwt.rs256(TestJwt.claims().build());

    Api.Response r = writer.postForm(REVOKE, Api.form("token", token, "token_type_hint", hint));

    assertThat(r.status()).isEqualTo(200);
    assertInactive(introspect(token));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "token=", "token_type_hint=access_tokenno", "tokens=x", "&&"})
  void revoke_withoutToken_isInvalidRequest(String form) {
    assertOAuthError(writer.postForm(REVOKE, form), 400, "invalid_request");
    assertOAuthError(reader.postForm(INTROSPECT, form), 400, "invalid_request");
  }

  @Test
  void tokenGivenTwice_isInvalidRequest() {
    String a = TestJwt.hs256(TestJwt.claims().build());
    String b = TestJwt.hs256(TestJwt.claims().build());
    String form = Api.form("token", a, "token", b);

    assertOAuthError(writer.postForm(REVOKE, form), 400, "invalid_request");
    assertOAuthError(reader.postForm(INTROSPECT, form), 400, "invalid_request");
    assertThat(introspect(a).json().path("active").asBoolean()).isTrue();
  }

  @Test
  void unknownParameters_areIgnored() {
    String token = TestJwt.hs256(TestJwt.claims().build());

    Api.Response r =
        writer.postForm(REVOKE, Api.form("client_id", "someone", "token", token, "x", "y"));

    assertThat(r.status()).isEqualTo(200);
    assertInactive(introspect(token));
  }

  @Test
  void malformedPercentEscape_isInvalidRequest() {
    assertOAuthError(writer.postForm(REVOKE, "token=%zz"), 400, "invalid_request");
  }

  @ParameterizedTest
  @ValueSource(strings = {REVOKE, INTROSPECT})
  void wrongOrMissingContentType_is415(String path) {
    String token = TestJwt.hs256(TestJwt.claims().build());
    Api key = path.equals(REVOKE) ? writer : reader;

    assertOAuthError(
        key.postJson(path, Api.json(Map.of("token", token))), 415, "unsupported_media_type");
    assertOAuthError(key.send("POST", path, null, "token=" + token), 415, "unsupported_media_type");
    assertOAuthError(
        key.send("POST", path, Api.FORM + "; charset=iso-8859-1", "token=" + token),
        415,
        "unsupported_media_type");
    assertThat(key.send("POST", path, Api.FORM + "; charset=UTF-8", "token=" + token).status())
        .isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {REVOKE, INTROSPECT, REST_REVOKE})
  void aOneMebibyteToken_isRefusedAsTooLarge(String path) {
    String token = "eyJhbGciOiJIUzI1NiJ9." + "a".repeat(1024 * 1024) + ".sig";
    byte[] body =
        (path.equals(REST_REVOKE) ? Api.json(Map.of("token", token)) : "token=" + token)
            .getBytes(StandardCharsets.US_ASCII);
    String type = path.equals(REST_REVOKE) ? "application/json" : Api.FORM;

    Api.Response sized = admin.sendBytes("POST", path, type, body);
    Api.Response chunked = admin.sendChunked("POST", path, type, body);

    for (Api.Response r : List.of(sized, chunked)) {
      assertThat(r.status()).as(r.body()).isEqualTo(413);
      assertThat(r.error()).isEqualTo("payload_too_large");
    }
  }

  // --- client authentication ---

  @ParameterizedTest(name = "{0}")
  @MethodSource("acceptedClientAuthentications")
  void revoke_acceptsTheApiKey_asBasicBearerOrXApiKey(String how, String[] headers) {
    String token = TestJwt.hs256(TestJwt.claims().build());

    Api.Response r = anonymous.postForm(REVOKE, Api.form("token", token), headers);

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertInactive(introspect(token));
  }

  static Stream<Arguments> acceptedClientAuthentications() {
    String revoker = TestServers.REVOKE_WRITE_KEY;
    return Stream.of(
        Arguments.of("Basic", new String[] {"Authorization", basic("revoker", revoker)}),
        Arguments.of(
            "basic, lower case",
            new String[] {"Authorization", "basic " + b64("revoker:" + revoker)}),
        Arguments.of("Bearer", new String[] {"Authorization", "Bearer " + revoker}),
        Arguments.of("X-API-Key", new String[] {"X-API-Key", revoker}),
        Arguments.of(
            "Basic, secret with + and / as is",
            new String[] {"Authorization", basic("plus", PLUS_SECRET)}),
        Arguments.of(
            "Basic, secret form-encoded (RFC 6749 §2.3.1)",
            new String[] {
              "Authorization", basic("plus", URLEncoder.encode(PLUS_SECRET, StandardCharsets.UTF_8))
            }));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedClientAuthentications")
  void oauthRoutes_refuseMissingOrWrongClientAuthentication_with401InvalidClient(
      String how, String[] headers) {
    String token = TestJwt.hs256(TestJwt.claims().build());

    for (String path : List.of(REVOKE, INTROSPECT)) {
      Api.Response r = anonymous.postForm(path, Api.form("token", token), headers);

      assertOAuthError(r, 401, "invalid_client");
      assertThat(r.header("WWW-Authenticate")).contains("Basic realm=\"authstore\"");
    }
    assertThat(introspect(token).json().path("active").asBoolean()).isTrue();
  }

  static Stream<Arguments> refusedClientAuthentications() {
    String revoker = TestServers.REVOKE_WRITE_KEY;
    String checker = TestServers.REVOKE_READ_KEY;
    return Stream.of(
        Arguments.of("none", new String[0]),
        Arguments.of(
            "Basic, wrong secret",
            new String[] {"Authorization", basic("revoker", ApiKeys.generateSecret())}),
        Arguments.of(
            "Basic, right secret but another key's name",
            new String[] {"Authorization", basic("checker", revoker)}),
        Arguments.of(
            "Basic, right secret and an unknown name",
            new String[] {"Authorization", basic("nobody", checker)}),
        Arguments.of("Basic, secret only", new String[] {"Authorization", "Basic " + b64(revoker)}),
        Arguments.of("Basic, not base64", new String[] {"Authorization", "Basic !!!" + revoker}),
        Arguments.of("Basic, empty", new String[] {"Authorization", "Basic x"}),
        Arguments.of(
            "Bearer, unknown key",
            new String[] {"Authorization", "Bearer " + ApiKeys.generateSecret()}),
        Arguments.of(
            "Bearer, a JWT",
            new String[] {"Authorization", "Bearer " + TestJwt.hs256(TestJwt.claims().build())}),
        Arguments.of("Digest scheme", new String[] {"Authorization", "Digest " + revoker}),
        Arguments.of("X-API-Key, unknown", new String[] {"X-API-Key", ApiKeys.generateSecret()}),
        Arguments.of(
            "Basic and X-API-Key together (one method per request)",
            new String[] {"Authorization", basic("revoker", revoker), "X-API-Key", revoker}));
  }

  @Test
  void oauthRoutes_keyWithoutTheScope_is403InsufficientScope() {
    String token = TestJwt.hs256(TestJwt.claims().build());

    Api.Response revokeByReader = reader.postForm(REVOKE, Api.form("token", token));
    Api.Response introspectByWriter = writer.postForm(INTROSPECT, Api.form("token", token));
    Api.Response revokeByIssuer =
        anonymous.postForm(
            REVOKE,
            Api.form("token", token),
            "Authorization",
            basic("issuer", TestServers.ISSUE_KEY));

    assertOAuthError(revokeByReader, 403, "insufficient_scope");
    assertThat(revokeByReader.json().path("error_description").asText())
        .contains("revocations:write");
    assertOAuthError(introspectByWriter, 403, "insufficient_scope");
    assertThat(introspectByWriter.json().path("error_description").asText())
        .contains("revocations:read");
    assertOAuthError(revokeByIssuer, 403, "insufficient_scope");
    assertThat(introspect(token).json().path("active").asBoolean()).isTrue();
  }

  @Test
  void oauthRoutes_otherErrors_takeTheOAuthShapeToo() {
    Api.Response get = reader.get(INTROSPECT);
    Api.Response unknown = reader.get("/oauth2/token");

    assertOAuthError(get, 405, "method_not_allowed");
    assertOAuthError(unknown, 404, "not_found");
  }

  // --- RFC 7662: /oauth2/introspect ---

  @Test
  void introspect_activeToken_answersItsClaims_exactlyThoseItHas() {
    Instant iat = Instant.now().minusSeconds(5);
    String jti = UUID.randomUUID().toString();
    JWTClaimsSet claims =
        TestJwt.claims(iat)
            .jwtID(jti)
            .notBeforeTime(Date.from(iat))
            .claim("scope", "read  write read")
            .claim("client_id", "checkout-app")
            .claim("email", "alice@example.test")
            .build();
    String token = TestJwt.rs256(claims);

    Api.Response r = introspect(token);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Pragma")).contains("no-cache");
    assertThat(r.header("Cache-Control")).contains("no-store");
    ObjectNode expected = Api.JSON.createObjectNode();
    expected.put("active", true);
    expected.put("sub", "alice");
    expected.put("iss", ISSUER);
    expected.put("aud", AUDIENCE);
    expected.put("exp", iat.plus(Duration.ofMinutes(10)).getEpochSecond());
    expected.put("iat", iat.getEpochSecond());
    expected.put("nbf", iat.getEpochSecond());
    expected.put("jti", jti);
    expected.put("scope", "read write");
    expected.put("client_id", "checkout-app");
    expected.put("token_type", "Bearer");
    assertThat(r.json()).isEqualTo(reread(expected.toString()));
  }

  @Test
  void introspect_tokenWithFewerClaims_answersOnlyThose_andAnAudienceArrayAsAnArray() {
    Instant iat = Instant.now().minusSeconds(5);
    String jti = UUID.randomUUID().toString();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(ISSUER)
            .audience(List.of("https://other.test", AUDIENCE))
            .issueTime(Date.from(iat))
            .expirationTime(Date.from(iat.plusSeconds(300)))
            .jwtID(jti)
            .build();

    JsonNode body = introspect(TestJwt.hs256(claims)).json();

    ObjectNode expected = Api.JSON.createObjectNode();
    expected.put("active", true);
    expected.put("iss", ISSUER);
    expected.putArray("aud").add("https://other.test").add(AUDIENCE);
    expected.put("exp", iat.plusSeconds(300).getEpochSecond());
    expected.put("iat", iat.getEpochSecond());
    expected.put("jti", jti);
    expected.put("token_type", "Bearer");
    assertThat(body).isEqualTo(reread(expected.toString()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inactiveTokens")
  void introspect_inactiveToken_answersExactlyActiveFalse(Supplier<String> inactive) {
    String token = inactive.get();

    assertInactive(introspect(token));
  }

  static Stream<Named<Supplier<String>>> inactiveTokens() {
    Instant now = Instant.now();
    return Stream.of(
        Named.of("unknown key", () -> TestJwt.rs256(TestJwt.UNKNOWN_RSA, TestJwt.claims().build())),
        Named.of(
            "bad signature (other RSA key, known kid)",
            () -> TestJwt.rs256(TestJwt.IMPOSTOR_RSA, TestJwt.claims().build())),
        Named.of(
            "bad signature (wrong HMAC secret)",
            () -> TestJwt.hs256WithWrongSecret(TestJwt.claims().build())),
        Named.of(
            "bad signature (a flipped payload)",
            () -> {
              String t = TestJwt.hs256(TestJwt.claims().build());
              String[] p = t.split("\\.");
              return p[0]
                  + "."
                  + b64url("{\"iss\":\"" + ISSUER + "\",\"sub\":\"root\"}")
                  + "."
                  + p[2];
            }),
        Named.of("malformed: not a JWT", () -> "an-opaque-token"),
        Named.of("malformed: three garbage parts", () -> "abc.def.ghi"),
        Named.of("malformed: five parts (JWE-like)", () -> "a.b.c.d.e"),
        Named.of("alg none", () -> new PlainJWT(TestJwt.claims().build()).serialize()),
        Named.of(
            "HS256 keyed with the RSA public key (algorithm confusion)",
            () ->
                TestJwt.sign(
                    JWSAlgorithm.HS256,
                    TestJwt.RS_KID,
                    macSigner(rsaPublicKeyBytes()),
                    TestJwt.claims().build())),
        Named.of(
            "expired",
            () ->
                TestJwt.hs256(
                    TestJwt.claims(now.minus(Duration.ofHours(2)))
                        .expirationTime(Date.from(now.minus(Duration.ofHours(1))))
                        .build())),
        Named.of(
            "not yet valid",
            () ->
                TestJwt.hs256(
                    TestJwt.claims()
                        .notBeforeTime(Date.from(now.plus(Duration.ofHours(1))))
                        .build())),
        Named.of(
            "lifetime over the maximum",
            () ->
                TestJwt.hs256(
                    TestJwt.claims()
                        .expirationTime(Date.from(now.plus(Duration.ofHours(48))))
                        .build())),
        Named.of(
            "wrong issuer",
            () -> TestJwt.hs256(TestJwt.claims().issuer("https://evil.test").build())),
        Named.of(
            "wrong audience",
            () -> TestJwt.rs256(TestJwt.claims().audience("https://elsewhere.test").build())),
        Named.of("no jti", () -> TestJwt.hs256(TestJwt.claims().jwtID(null).build())),
        Named.of(
            "revoked with /oauth2/revoke",
            () -> {
              String t = TestJwt.rs256(TestJwt.claims().build());
              assertThat(revoke(writer, t).status()).isEqualTo(200);
              return t;
            }),
        Named.of(
            "revoked with /auth/tokens/revoke",
            () -> {
              String t = TestJwt.hs256(TestJwt.claims().build());
              assertThat(writer.postJson(REST_REVOKE, Api.json(Map.of("token", t))).status())
                  .isEqualTo(200);
              return t;
            }),
        Named.of(
            "revoked by jti with /auth/revocations",
            () -> {
              String jti = UUID.randomUUID().toString();
              String t = TestJwt.hs256(TestJwt.claims().jwtID(jti).build());
              Map<String, Object> body =
                  Map.of(
                      "issuer",
                      ISSUER,
                      "jti",
                      jti,
                      "expires_at",
                      Instant.now().plusSeconds(3600).getEpochSecond());
              assertThat(writer.postJson("/auth/revocations", Api.json(body)).status())
                  .isEqualTo(200);
              return t;
            }),
        Named.of(
            "subject logged out everywhere after the token was issued",
            () -> {
              String subject = "logout-" + UUID.randomUUID();
              Instant iat = Instant.now().minusSeconds(30);
              String t = TestJwt.rs256(TestJwt.claims(iat).subject(subject).build());
              assertThat(introspect(t).json().path("active").asBoolean()).isTrue();
              revokeAll(subject, iat.plusSeconds(1));
              return t;
            }));
  }

  @Test
  void introspect_subjectLoggedOutEverywhere_tokensIssuedAfterwardsStayActive() {
    String subject = "logout-" + UUID.randomUUID();
    Instant notBefore = Instant.now().minusSeconds(30);
    String older =
        TestJwt.rs256(TestJwt.claims(notBefore.minusSeconds(30)).subject(subject).build());
    String newer =
        TestJwt.hs256(TestJwt.claims(notBefore.plusSeconds(20)).subject(subject).build());

    revokeAll(subject, notBefore);

    assertInactive(introspect(older));
    assertThat(introspect(newer).json().path("active").asBoolean()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"access_token", "refresh_token", "anything"})
  void introspect_ignoresTheHint(String hint) {
    String token = TestJwt.hs256(TestJwt.claims().build());

    Api.Response r = reader.postForm(INTROSPECT, Api.form("token", token, "token_type_hint", hint));

    assertThat(r.json().path("active").asBoolean()).isTrue();
  }

  @Test
  void introspect_countsResultsAndRejectionReasons_inMetrics() {
    String forged = TestJwt.hs256WithWrongSecret(TestJwt.claims().build());

    assertInactive(introspect(forged));
    introspect(TestJwt.hs256(TestJwt.claims().build()));

    String metrics = anonymous.get("/metrics").body();
    assertThat(metrics)
        .containsPattern(
            "authstore_jwt_rejections_total\\{[^}]*operation=\"introspect\""
                + "[^}]*reason=\"bad_signature\"[^}]*} [1-9]")
        .containsPattern("authstore_jwt_introspections_total\\{result=\"active\"} [1-9]")
        .containsPattern("authstore_jwt_introspections_total\\{result=\"inactive\"} [1-9]");
  }

  // --- REST: /auth/tokens/revoke ---

  @Test
  void restRevoke_validToken_answersTheRevocation_andTheTokenIsInactive() {
    String jti = UUID.randomUUID().toString();
    Instant iat = Instant.now().minusSeconds(1);
    String token = TestJwt.rs256(TestJwt.claims(iat).jwtID(jti).build());

    Api.Response r = writer.postJson(REST_REVOKE, Api.json(Map.of("token", token)));

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    ObjectNode expected = Api.JSON.createObjectNode();
    expected.put("revoked", true);
    expected.put("issuer", ISSUER);
    expected.put("jti", jti);
    expected.put(
        "expires_at",
        Instant.ofEpochSecond(iat.plus(Duration.ofMinutes(10)).getEpochSecond()).toString());
    expected.put("stored", true);
    assertThat(r.json()).isEqualTo(reread(expected.toString()));
    assertInactive(introspect(token));
  }

  @Test
  void restRevoke_expiredToken_isRevokedButNothingStored() {
    Instant now = Instant.now();
    String token =
        TestJwt.hs256(
            TestJwt.claims(now.minus(Duration.ofHours(3)))
                .expirationTime(Date.from(now.minus(Duration.ofHours(2))))
                .build());

    Api.Response r = writer.postJson(REST_REVOKE, Api.json(Map.of("token", token)));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().path("stored").asBoolean()).isFalse();
  }

  @Test
  void restRevoke_tokenThatDoesNotVerify_is400InvalidToken_namingTheReason() {
    String forged = TestJwt.rs256(TestJwt.IMPOSTOR_RSA, TestJwt.claims().build());

    Api.Response r = writer.postJson(REST_REVOKE, Api.json(Map.of("token", forged)));
    Api.Response opaque = writer.postJson(REST_REVOKE, "{\"token\":\"opaque\"}");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error()).isEqualTo("invalid_token");
    assertThat(r.json().path("message").asText()).contains("bad_signature");
    assertThat(opaque.status()).isEqualTo(400);
    assertThat(opaque.error()).isEqualTo("invalid_token");
    assertThat(opaque.json().path("message").asText()).contains("malformed");
  }

  @Test
  void restRevoke_takesTheKeyInXApiKeyOnly_andAnswersInTheRestShape() {
    String token = TestJwt.hs256(TestJwt.claims().build());

    Api.Response basic =
        anonymous.send(
            "POST",
            REST_REVOKE,
            "application/json",
            Api.json(Map.of("token", token)),
            "Authorization",
            basic("revoker", TestServers.REVOKE_WRITE_KEY));
    Api.Response missing = writer.postJson(REST_REVOKE, "{}");

    assertThat(basic.status()).isEqualTo(401);
    assertThat(basic.error()).isEqualTo("unauthorized");
    assertThat(basic.json().has("message")).isTrue();
    assertThat(basic.header("Pragma")).isEmpty();
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.error()).isEqualTo("invalid_request");
  }

  // --- not configured ---

  @Test
  void withoutJwtSettings_theRoutesAnswer501_afterAuthentication() {
    try (AuthstoreServer plain = AuthstoreServer.start(TestServers.memory().jwt(null).build())) {
      Api w = new Api(plain.port(), TestServers.REVOKE_WRITE_KEY);
      Api r = w.withKey(TestServers.REVOKE_READ_KEY);
      String token = TestJwt.hs256(TestJwt.claims().build());

      Api.Response revoke = revoke(w, token);
      Api.Response introspect = r.postForm(INTROSPECT, Api.form("token", token));
      Api.Response rest = w.postJson(REST_REVOKE, Api.json(Map.of("token", token)));
      Api.Response unauthenticated = w.withKey(null).postForm(REVOKE, Api.form("token", token));

      assertOAuthError(revoke, 501, "jwt_not_configured");
      assertOAuthError(introspect, 501, "jwt_not_configured");
      assertThat(rest.status()).isEqualTo(501);
      assertThat(rest.error()).isEqualTo("jwt_not_configured");
      assertThat(rest.json().path("message").asText()).contains("--jwt-");
      assertOAuthError(unauthenticated, 401, "invalid_client");
    }
  }

  /**
   * A verified token may carry claims that are not text: a {@code \\u} escape of half a surrogate
   * pair, which the routes must neither echo into invalid JSON nor fail on with a 500.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"sub", "jti", "scope", "client_id", "username", "tenant"})
  void aVerifiedTokenWithALoneSurrogateInAClaim_getsNo5xxOnAnyRoute(String claim) {
    long now = Instant.now().getEpochSecond();
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", ISSUER);
    claims.put("aud", TestJwt.AUDIENCE);
    claims.put("sub", "alice");
    claims.put("iat", now);
    claims.put("exp", now + 600);
    claims.put("jti", UUID.randomUUID().toString());
    claims.put(claim, "LONE");
    String token = TestJwt.hs256Payload(Api.json(claims).replace("LONE", "a\\ud800b"));

    Api.Response before = introspect(token);
    Api.Response restRevoke = writer.postJson(REST_REVOKE, Api.json(Map.of("token", token)));
    Api.Response oauthRevoke = revoke(writer, token);
    Api.Response after = introspect(token);

    assertThat(before.status()).as(before.body()).isEqualTo(200);
    assertThat(before.json().path("active").asBoolean()).as(before.body()).isTrue();
    // The half pair never leaves as a raw (unencodable) character: where a claim is echoed, it
    // goes out as the \\u escape it came in as, which a strict JSON reader accepts.
    for (Api.Response r : List.of(before, restRevoke)) {
      assertThat(r.body()).doesNotContain("\ud800").doesNotContain("?b\"");
    }
    if (List.of("sub", "jti", "scope", "client_id").contains(claim)) {
      assertThat(before.body()).containsIgnoringCase("a\\ud800b");
    }
    assertThat(restRevoke.status()).as(restRevoke.body()).isEqualTo(200);
    assertThat(restRevoke.json().path("revoked").asBoolean()).isTrue();
    assertThat(oauthRevoke.status()).as(oauthRevoke.body()).isEqualTo(200);
    assertInactive(after);
  }

  // --- helpers ---

  private static Api.Response revoke(Api api, String token) {
    return api.postForm(REVOKE, Api.form("token", token));
  }

  private static Api.Response introspect(String token) {
    return reader.postForm(INTROSPECT, Api.form("token", token));
  }

  private static void revokeAll(String subject, Instant notBefore) {
    Api.Response r =
        writer.postJson(
            "/auth/subjects/" + subject + "/revoke-all",
            Api.json(Map.of("issuer", ISSUER, "not_before", notBefore.getEpochSecond())));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  private static boolean isRevoked(String jti) {
    return admin
        .get(
            "/auth/revocations/"
                + jti
                + "?issuer="
                + URLEncoder.encode(ISSUER, StandardCharsets.UTF_8))
        .json()
        .path("revoked")
        .asBoolean();
  }

  private static long revokedEntries() {
    return admin.get("/auth/session-status").json().path("revoked_entries").asLong();
  }

  /** Exactly {@code {"active":false}}: no other member, whatever made the token inactive. */
  static void assertInactive(Api.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(INACTIVE);
    assertThat(r.header("Pragma")).contains("no-cache");
    assertThat(r.header("Cache-Control")).contains("no-store");
  }

  /** The OAuth error shape, exactly: {@code error} and {@code error_description}, nothing else. */
  static void assertOAuthError(Api.Response r, int status, String error) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    JsonNode body = r.json();
    assertThat(body.path("error").asText()).as(r.body()).isEqualTo(error);
    assertThat(body.path("error_description").asText()).isNotBlank();
    assertThat(body.size()).as(r.body()).isEqualTo(2);
    assertThat(r.header("Pragma")).contains("no-cache");
    assertThat(r.header("Cache-Control")).contains("no-store");
  }

  private static String basic(String clientId, String secret) {
    return "Basic " + b64(clientId + ":" + secret);
  }

  private static String b64url(String text) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** JSON text read as the client reads a response, so numbers compare as the same node types. */
  private static JsonNode reread(String json) {
    try {
      return Api.JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] rsaPublicKeyBytes() {
    try {
      return TestJwt.RSA.toRSAPublicKey().getEncoded();
    } catch (com.nimbusds.jose.JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static MACSigner macSigner(byte[] secret) {
    try {
      return new MACSigner(secret);
    } catch (com.nimbusds.jose.KeyLengthException e) {
      throw new IllegalStateException(e);
    }
  }
}
