package io.authstore.ticket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import io.authstore.StoreListener;
import io.authstore.testkit.MutableClock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TicketOptionsTest {

  @Test
  void defaults_haveTheDocumentedValues() {
    TicketOptions options = TicketOptions.defaults();

    assertThat(TicketOptions.MIN_TTL).isEqualTo(Duration.ofSeconds(1));
    assertThat(options.defaultTtl())
        .isEqualTo(Duration.ofMinutes(30))
        .isEqualTo(TicketOptions.DEFAULT_TTL);
    assertThat(options.maxTtl())
        .isEqualTo(Duration.ofHours(24))
        .isEqualTo(TicketOptions.DEFAULT_MAX_TTL);
    assertThat(options.maxActive()).isEqualTo(1000).isEqualTo(TicketOptions.DEFAULT_MAX_ACTIVE);
    assertThat(options.maxActivePerSubject())
        .isEqualTo(100)
        .isEqualTo(TicketOptions.DEFAULT_MAX_ACTIVE_PER_SUBJECT);
    assertThat(options.maxSubjectLength())
        .isEqualTo(256)
        .isEqualTo(TicketOptions.DEFAULT_MAX_SUBJECT_LENGTH);
    assertThat(options.maxAttributes())
        .isEqualTo(32)
        .isEqualTo(TicketOptions.DEFAULT_MAX_ATTRIBUTES);
    assertThat(options.maxAttributeBytes())
        .isEqualTo(4096)
        .isEqualTo(TicketOptions.DEFAULT_MAX_ATTRIBUTE_BYTES);
    assertThat(options.listener()).isSameAs(StoreListener.NOOP);
  }

  @Test
  void builder_keepsEverySetting_andToBuilderCopiesThem() {
    MutableClock clock = MutableClock.create();
    StoreListener listener = new StoreListener() {};

    TicketOptions options =
        TicketOptions.builder()
            .defaultTtl(Duration.ofMinutes(2))
            .maxTtl(Duration.ofMinutes(3))
            .maxActive(4)
            .maxActivePerSubject(5)
            .maxSubjectLength(6)
            .maxAttributes(0)
            .maxAttributeBytes(0)
            .clock(clock)
            .listener(listener)
            .build();
    TicketOptions copy = options.toBuilder().build();

    for (TicketOptions o : new TicketOptions[] {options, copy}) {
      assertThat(o.defaultTtl()).isEqualTo(Duration.ofMinutes(2));
      assertThat(o.maxTtl()).isEqualTo(Duration.ofMinutes(3));
      assertThat(o.maxActive()).isEqualTo(4);
      assertThat(o.maxActivePerSubject()).isEqualTo(5);
      assertThat(o.maxSubjectLength()).isEqualTo(6);
      assertThat(o.maxAttributes()).isZero();
      assertThat(o.maxAttributeBytes()).isZero();
      assertThat(o.clock()).isSameAs(clock);
      assertThat(o.listener()).isSameAs(listener);
    }
  }

  @Test
  void build_withMaxTtlBelowOneSecond_isRejectedNamingTheValue() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> TicketOptions.builder().maxTtl(Duration.ofMillis(999)).build())
        .withMessageContaining("maxTtl")
        .withMessageContaining("PT0.999S");
  }

  @Test
  void build_withDefaultTtlOutsideOneSecondToMaxTtl_isRejectedNamingTheValue() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> TicketOptions.builder().defaultTtl(Duration.ofMillis(500)).build())
        .withMessageContaining("defaultTtl")
        .withMessageContaining("PT0.5S");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> TicketOptions.builder().defaultTtl(Duration.ofSeconds(-30)).build())
        .withMessageContaining("defaultTtl")
        .withMessageContaining("PT-30S");
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                TicketOptions.builder()
                    .maxTtl(Duration.ofMinutes(10))
                    .defaultTtl(Duration.ofMinutes(11))
                    .build())
        .withMessageContaining("defaultTtl")
        .withMessageContaining("PT11M");
  }

  @Test
  void build_withACapOrLengthBelowOne_isRejectedNamingTheSettingAndValue() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> TicketOptions.builder().maxActive(0).build())
        .withMessageContaining("maxActive")
        .withMessageContaining("0");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> TicketOptions.builder().maxActivePerSubject(-2).build())
        .withMessageContaining("maxActivePerSubject")
        .withMessageContaining("-2");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> TicketOptions.builder().maxSubjectLength(-9).build())
        .withMessageContaining("maxSubjectLength")
        .withMessageContaining("-9");
  }

  @Test
  void build_withANegativeAttributeBound_isRejectedNamingTheSettingAndValue() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> TicketOptions.builder().maxAttributes(-1).build())
        .withMessageContaining("maxAttributes")
        .withMessageContaining("-1");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> TicketOptions.builder().maxAttributeBytes(-4).build())
        .withMessageContaining("maxAttributeBytes")
        .withMessageContaining("-4");
  }

  @Test
  void build_withANullSetting_isRejectedNamingIt() {
    assertThatNullPointerException()
        .isThrownBy(() -> TicketOptions.builder().defaultTtl(null).build())
        .withMessageContaining("defaultTtl");
    assertThatNullPointerException()
        .isThrownBy(() -> TicketOptions.builder().maxTtl(null).build())
        .withMessageContaining("maxTtl");
    assertThatNullPointerException()
        .isThrownBy(() -> TicketOptions.builder().clock(null).build())
        .withMessageContaining("clock");
    assertThatNullPointerException()
        .isThrownBy(() -> TicketOptions.builder().listener(null).build())
        .withMessageContaining("listener");
  }

  @Test
  void checkIssue_withoutTtl_returnsTheDefaultTtl_andWithOneReturnsIt() {
    TicketOptions options = TicketOptions.builder().defaultTtl(Duration.ofMinutes(7)).build();

    assertThat(options.checkIssue("alice", Map.of(), null)).isEqualTo(Duration.ofMinutes(7));
    assertThat(options.checkIssue("alice", Map.of(), Duration.ofSeconds(1)))
        .isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void checkIssue_withZeroAttributesAllowed_rejectsAnyAttribute() {
    TicketOptions options = TicketOptions.builder().maxAttributes(0).build();

    assertThat(options.checkIssue("alice", Map.of(), null)).isEqualTo(TicketOptions.DEFAULT_TTL);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> options.checkIssue("alice", Map.of("k", "v"), null))
        .withMessageContaining("attributes")
        .withMessageContaining("1");
  }

  @Test
  void build_withMaxTtlAboveTheLimit_isRejectedNamingTheValue() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> TicketOptions.builder().maxTtl(Duration.ofDays(367)).build())
        .withMessageContaining("maxTtl")
        .withMessageContaining("PT8808H");
  }
}
