package io.authstore.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JwtVerifierOptionsTest {
  @Test
  void defaults_aRevocationStoreWithDefaultOptions_keepsMarkersPastEveryTokenTheyCover() {
    // A marker lives notBefore + the store's lifetime; a token it covers is accepted until at most
    // iat + the verifier's lifetime + its leeway, with iat < notBefore.
    assertThat(io.authstore.revocation.RevocationOptions.DEFAULT_MAX_TOKEN_LIFETIME)
        .isGreaterThanOrEqualTo(
            JwtVerifierOptions.DEFAULT_MAX_TOKEN_LIFETIME.plus(JwtVerifierOptions.MAX_LEEWAY));
  }

  static JwtVerifierOptions.Builder rsaPem() {
    return JwtVerifierOptions.builder()
        .publicKeyPem(TestKeys.pem(TestKeys.RSA.getPublic()))
        .allowedAlgorithms("RS256")
        .issuers("https://issuer.example")
        .audiences("https://api.example");
  }

  static JwtVerifierOptions.Builder hmac(byte[] secret, String... algorithms) {
    return JwtVerifierOptions.builder()
        .hmacSecret(secret)
        .allowedAlgorithms(algorithms)
        .issuers("https://issuer.example")
        .audiences("https://api.example");
  }

  @Test
  void defaults_areTheNamedConstants() {
    JwtVerifierOptions options = rsaPem().build();

    assertThat(options.leeway()).isEqualTo(JwtVerifierOptions.DEFAULT_LEEWAY).hasSeconds(60);
    assertThat(options.maxTokenLifetime()).isEqualTo(JwtVerifierOptions.DEFAULT_MAX_TOKEN_LIFETIME);
    assertThat(options.maxTokenLength()).isEqualTo(16 * 1024);
    assertThat(options.revocationStore()).isEmpty();
    assertThat(options.requiredType()).isEmpty();
    assertThat(options.jwksCacheTimeToLive())
        .isEqualTo(JwtVerifierOptions.DEFAULT_JWKS_CACHE_TIME_TO_LIVE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"none", "None", "NONE", "nOnE"})
  void algNone_inAnySpelling_isRefused(String none) {
    assertThatThrownBy(() -> rsaPem().allowedAlgorithms(none).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(none);
  }

  @Test
  void noAlgorithms_isRefused() {
    assertThatThrownBy(
            () ->
                JwtVerifierOptions.builder()
                    .publicKeyPem(TestKeys.pem(TestKeys.RSA.getPublic()))
                    .issuers("i")
                    .audiences("a")
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("allowedAlgorithms");
  }

  @Test
  void unknownAlgorithm_isRefusedByName() {
    assertThatThrownBy(() -> rsaPem().allowedAlgorithms("rs256").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rs256");
  }

  @Test
  void hmacAlgorithm_withAnRsaKey_isRefused() {
    assertThatThrownBy(() -> rsaPem().allowedAlgorithms("HS256").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("HS256")
        .hasMessageContaining("RSA");
  }

  @Test
  void ecAlgorithm_ofAnotherCurve_isRefused() {
    assertThatThrownBy(
            () ->
                rsaPem()
                    .publicKeyPem(TestKeys.pem(TestKeys.EC.getPublic()))
                    .allowedAlgorithms()
                    .build())
        .isInstanceOf(IllegalArgumentException.class);
    JwtVerifierOptions.Builder es384 =
        JwtVerifierOptions.builder()
            .publicKeyPem(TestKeys.pem(TestKeys.EC.getPublic()))
            .allowedAlgorithms("ES384")
            .issuers("i")
            .audiences("a");
    assertThatThrownBy(es384::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ES384")
        .hasMessageContaining("P-256");
  }

  @Test
  void hmacSecret_shorterThan256Bits_isRefusedWithItsLength() {
    assertThatThrownBy(() -> hmac(new byte[31], "HS256").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("248 bits");
    assertThat(hmac(new byte[32], "HS256").build().allowedAlgorithms()).containsExactly("HS256");
  }

  @Test
  void hs512_needsA512BitSecret() {
    assertThatThrownBy(() -> hmac(new byte[32], "HS512").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("HS512");
    assertThat(hmac(new byte[64], "HS512").build().allowedAlgorithms()).containsExactly("HS512");
  }

  @Test
  void hmacSecret_isCopied() {
    byte[] secret = new byte[32];
    JwtVerifierOptions.Builder builder = hmac(secret, "HS256");
    Arrays.fill(secret, (byte) 1);

    assertThat(builder.build().fixedKeys().getKeys().get(0).toJSONObject().get("k"))
        .isEqualTo(TestKeys.b64(new byte[32]));
  }

  @Test
  void keySources_exactlyOne() {
    assertThatThrownBy(() -> rsaPem().hmacSecret(new byte[32]).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[publicKeyPem, hmacSecret]");
    assertThatThrownBy(() -> rsaPem().publicKeyPem(null).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exactly one key source");
  }

  @Test
  void rsaKeyShorterThan2048Bits_isRefused() throws Exception {
    java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
    generator.initialize(1024);
    String pem = TestKeys.pem(generator.generateKeyPair().getPublic());

    assertThatThrownBy(() -> rsaPem().publicKeyPem(pem).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1024");
  }

  @Test
  void pem_garbage_isRefused() {
    assertThatThrownBy(() -> rsaPem().publicKeyPem("not a key").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("BEGIN PUBLIC KEY");
  }

  @Test
  void pem_ed25519_fitsEdDsaOnly() {
    String pem = TestKeys.pem(TestKeys.ED25519.getPublic());

    assertThat(
            JwtVerifierOptions.builder()
                .publicKeyPem(pem)
                .allowedAlgorithms("EdDSA", "Ed25519")
                .issuers("i")
                .audiences("a")
                .build()
                .allowedAlgorithms())
        .containsExactlyInAnyOrder("EdDSA", "Ed25519");
    assertThatThrownBy(
            () ->
                JwtVerifierOptions.builder()
                    .publicKeyPem(pem)
                    .allowedAlgorithms("ES256")
                    .issuers("i")
                    .audiences("a")
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("OKP Ed25519");
  }

  @Test
  void jwksFile_unreadable_isRefusedWithItsPath(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("jwks.json");
    Files.writeString(file, "{not json");

    assertThatThrownBy(() -> rsaPem().publicKeyPem(null).jwksFile(file).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toString());
  }

  @Test
  void jwksUrl_mustBeHttp() {
    assertThatThrownBy(
            () -> rsaPem().publicKeyPem(null).jwksUrl(URI.create("file:///etc/jwks.json")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("file:///etc/jwks.json");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://issuer.example/jwks.json",
        "http://10.0.0.1/jwks.json",
        "http://128.0.0.1/jwks.json",
        "http://[::2]/jwks.json",
        "http://[fe80::1]/jwks.json",
        "http://localhost.evil.example/jwks.json",
        "http://127.0.0.1.evil.example/jwks.json",
        "http://127.0.0.256/jwks.json"
      })
  void jwksUrl_plainHttp_toAHostThatIsNotLoopback_isRefused(String url) {
    assertThatThrownBy(() -> rsaPem().publicKeyPem(null).jwksUrl(URI.create(url)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jwksUrl must be https")
        .hasMessageContaining(JwtVerifierOptions.withoutCredentials(URI.create(url)));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://issuer.example/jwks.json",
        "http://localhost:8080/jwks.json",
        "http://LOCALHOST/jwks.json",
        "http://127.0.0.1/jwks.json",
        "http://127.45.6.7:9000/jwks.json",
        "http://[::1]:9000/jwks.json",
        "http://[0:0:0:0:0:0:0:1]/jwks.json"
      })
  void jwksUrl_https_orPlainHttpToLoopback_isAccepted(String url) {
    JwtVerifierOptions options = rsaPem().publicKeyPem(null).jwksUrl(URI.create(url)).build();

    assertThat(options.jwksUrl()).contains(URI.create(url));
  }

  @ParameterizedTest
  @ValueSource(strings = {"HS256", "HS384", "HS512"})
  void jwksUrl_withAnHmacAlgorithm_isRefused(String alg) {
    assertThatThrownBy(
            () ->
                rsaPem()
                    .publicKeyPem(null)
                    .jwksUrl(URI.create("https://issuer.example/jwks.json"))
                    .allowedAlgorithms(alg)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("allowedAlgorithms")
        .hasMessageContaining("jwksUrl")
        .hasMessageContaining(alg);
  }

  @Test
  void issuersAndAudiences_areRequired() {
    assertThatThrownBy(
            () ->
                JwtVerifierOptions.builder()
                    .hmacSecret(new byte[32])
                    .allowedAlgorithms("HS256")
                    .audiences("a")
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("issuers");
    assertThatThrownBy(
            () ->
                JwtVerifierOptions.builder()
                    .hmacSecret(new byte[32])
                    .allowedAlgorithms("HS256")
                    .issuers("i")
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("audiences");
  }

  @Test
  void ranges_areCheckedWithTheBadValue() {
    assertThatThrownBy(() -> rsaPem().leeway(Duration.ofSeconds(-1)).build())
        .hasMessageContaining("PT-1S");
    assertThatThrownBy(() -> rsaPem().leeway(Duration.ofMinutes(11)).build())
        .hasMessageContaining("PT11M");
    assertThatThrownBy(() -> rsaPem().maxTokenLifetime(Duration.ZERO).build())
        .hasMessageContaining("PT0S");
    assertThatThrownBy(() -> rsaPem().maxTokenLifetime(Duration.ofDays(367)).build())
        .hasMessageContaining("PT8808H");
    assertThatThrownBy(() -> rsaPem().maxTokenLength(63).build()).hasMessageContaining("63");
    assertThatThrownBy(() -> rsaPem().jwksMinRefetchInterval(Duration.ofMinutes(5)).build())
        .hasMessageContaining("PT5M");
    assertThatThrownBy(() -> rsaPem().jwksCacheTimeToLive(Duration.ofSeconds(59)).build())
        .hasMessageContaining("PT59S");
    assertThatThrownBy(() -> rsaPem().requiredType(" ").build())
        .hasMessageContaining("requiredType");
  }

  @Test
  void jwksUrl_asShown_leavesOutUserInfoAndQuery() {
    assertThat(
            JwtVerifierOptions.withoutCredentials(
                URI.create("https://user:s3cret-token@idp.example:8443/keys/jwks.json?key=abc")))
        .isEqualTo("https://idp.example:8443/keys/jwks.json?…");
    assertThat(JwtVerifierOptions.withoutCredentials(URI.create("https://idp.example/jwks")))
        .isEqualTo("https://idp.example/jwks");
    assertThat(JwtVerifierOptions.withoutCredentials(URI.create("https://u:p@ss@idp.example/jwks")))
        .isEqualTo("https://…/jwks");
    assertThat(JwtVerifierOptions.withoutCredentials(URI.create("https:user:token@idp/jwks")))
        .isEqualTo("https:…");
  }
}
