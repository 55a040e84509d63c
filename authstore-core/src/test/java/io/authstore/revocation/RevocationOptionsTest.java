package io.authstore.revocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import io.authstore.StoreListener;
import io.authstore.testkit.MutableClock;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RevocationOptionsTest {

  @Test
  void defaults_haveTheDocumentedValues() {
    RevocationOptions options = RevocationOptions.defaults();

    assertThat(options.maxIssuerLength())
        .isEqualTo(512)
        .isEqualTo(RevocationOptions.DEFAULT_MAX_ISSUER_LENGTH);
    assertThat(options.maxJtiLength())
        .isEqualTo(256)
        .isEqualTo(RevocationOptions.DEFAULT_MAX_JTI_LENGTH);
    assertThat(options.maxSubjectLength())
        .isEqualTo(256)
        .isEqualTo(RevocationOptions.DEFAULT_MAX_SUBJECT_LENGTH);
    assertThat(options.maxTokenLifetime())
        // The JWT verifier's default longest token, 24 h, plus its largest leeway, 10 min.
        .isEqualTo(Duration.ofHours(24).plusMinutes(10))
        .isEqualTo(RevocationOptions.DEFAULT_MAX_TOKEN_LIFETIME);
    assertThat(options.clock().getZone()).isEqualTo(Clock.systemUTC().getZone());
    assertThat(options.listener()).isSameAs(StoreListener.NOOP);
  }

  @Test
  void builder_keepsEverySetting_andToBuilderCopiesThem() {
    MutableClock clock = MutableClock.create();
    StoreListener listener = new StoreListener() {};

    RevocationOptions options =
        RevocationOptions.builder()
            .maxIssuerLength(1)
            .maxJtiLength(2)
            .maxSubjectLength(3)
            .maxTokenLifetime(Duration.ofMinutes(4))
            .clock(clock)
            .listener(listener)
            .build();
    RevocationOptions copy = options.toBuilder().build();

    for (RevocationOptions o : new RevocationOptions[] {options, copy}) {
      assertThat(o.maxIssuerLength()).isEqualTo(1);
      assertThat(o.maxJtiLength()).isEqualTo(2);
      assertThat(o.maxSubjectLength()).isEqualTo(3);
      assertThat(o.maxTokenLifetime()).isEqualTo(Duration.ofMinutes(4));
      assertThat(o.clock()).isSameAs(clock);
      assertThat(o.listener()).isSameAs(listener);
    }
  }

  @Test
  void build_withALengthBelowOne_isRejectedNamingTheSettingAndValue() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RevocationOptions.builder().maxIssuerLength(0).build())
        .withMessageContaining("maxIssuerLength")
        .withMessageContaining("0");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RevocationOptions.builder().maxJtiLength(-3).build())
        .withMessageContaining("maxJtiLength")
        .withMessageContaining("-3");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RevocationOptions.builder().maxSubjectLength(-17).build())
        .withMessageContaining("maxSubjectLength")
        .withMessageContaining("-17");
  }

  @Test
  void build_withANonPositiveMaxTokenLifetime_isRejectedNamingTheValue() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RevocationOptions.builder().maxTokenLifetime(Duration.ZERO).build())
        .withMessageContaining("maxTokenLifetime")
        .withMessageContaining("PT0S");
    assertThatIllegalArgumentException()
        .isThrownBy(
            () -> RevocationOptions.builder().maxTokenLifetime(Duration.ofMinutes(-90)).build())
        .withMessageContaining("maxTokenLifetime")
        .withMessageContaining("PT-1H-30M");
  }

  @Test
  void build_withANullSetting_isRejectedNamingIt() {
    assertThatNullPointerException()
        .isThrownBy(() -> RevocationOptions.builder().maxTokenLifetime(null).build())
        .withMessageContaining("maxTokenLifetime");
    assertThatNullPointerException()
        .isThrownBy(() -> RevocationOptions.builder().clock(null).build())
        .withMessageContaining("clock");
    assertThatNullPointerException()
        .isThrownBy(() -> RevocationOptions.builder().listener(null).build())
        .withMessageContaining("listener");
  }

  @Test
  void build_withAMaxTokenLifetimeAboveTheLimit_isRejectedNamingTheValue() {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () -> RevocationOptions.builder().maxTokenLifetime(Duration.ofDays(367)).build())
        .withMessageContaining("maxTokenLifetime")
        .withMessageContaining("PT8808H");
    assertThat(
            RevocationOptions.builder()
                .maxTokenLifetime(RevocationOptions.MAX_TOKEN_LIFETIME_LIMIT)
                .build()
                .maxTokenLifetime())
        .isEqualTo(Duration.ofDays(366));
  }
}
