package io.authstore.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How the filter reads the Authorization header; the servlet round trip is in the IT. */
class JwtAuthenticationFilterTest {
  static final JwtAuthenticationFilter.Answer MISSING =
      new JwtAuthenticationFilter.Answer(401, "WWW-Authenticate", "Bearer realm=\"api\"");
  static final JwtAuthenticationFilter.Answer INVALID =
      new JwtAuthenticationFilter.Answer(
          401, "WWW-Authenticate", "Bearer realm=\"api\", error=\"invalid_token\"");

  final Fixture f = new Fixture();
  final JwtAuthenticationFilter filter =
      JwtAuthenticationFilter.create(JwtVerifier.create(f.rs256().build()), "api");

  @Test
  void validBearerToken_continuesWithTheClaims() {
    JwtAuthenticationFilter.Outcome outcome = filter.decide(List.of("Bearer " + f.rs256Token()));

    assertThat(outcome.answer).isNull();
    assertThat(outcome.jwt.subject()).contains("alice");
  }

  @Test
  void schemeIsCaseInsensitive() {
    assertThat(filter.decide(List.of("bearer " + f.rs256Token())).jwt).isNotNull();
    assertThat(filter.decide(List.of("BEARER  " + f.rs256Token())).jwt).isNotNull();
  }

  @Test
  void noAuthorization_isAChallengeWithoutError() {
    assertThat(filter.decide(List.of()).answer).isEqualTo(MISSING);
  }

  @ParameterizedTest
  @ValueSource(strings = {"Basic dXNlcjpwYXNz", "Bearerx abc", "Digest x", ""})
  void anotherScheme_isTreatedAsNoToken(String header) {
    assertThat(filter.decide(List.of(header)).answer).isEqualTo(MISSING);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"Bearer", "Bearer ", "Bearer a b", "Bearer {\"alg\":\"none\"}", "Bearer x"})
  void badBearerCredentials_areInvalidToken(String header) {
    assertThat(filter.decide(List.of(header)).answer).isEqualTo(INVALID);
  }

  @Test
  void twoAuthorizationHeaders_areABadRequest() {
    String token = f.rs256Token();

    JwtAuthenticationFilter.Answer answer =
        filter.decide(List.of("Bearer " + token, "Bearer " + token)).answer;

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.value()).contains("error=\"invalid_request\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a\"b", "a\\b", "line\nbreak"})
  void realm_thatWouldBreakTheHeader_isRefused(String realm) {
    JwtVerifier verifier = JwtVerifier.create(f.rs256().build());

    assertThatThrownBy(() -> JwtAuthenticationFilter.create(verifier, realm))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void retryAfter_mustBeWholeSeconds() {
    JwtVerifier verifier = JwtVerifier.create(f.rs256().build());

    assertThatThrownBy(
            () -> JwtAuthenticationFilter.create(verifier, "api", Duration.ofMillis(1500)))
        .hasMessageContaining("PT1.5S");
    assertThatThrownBy(() -> JwtAuthenticationFilter.create(verifier, "api", Duration.ZERO))
        .hasMessageContaining("PT0S");
  }
}
