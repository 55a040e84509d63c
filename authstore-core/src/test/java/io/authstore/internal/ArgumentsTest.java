package io.authstore.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ArgumentsTest {

  @Test
  void requireText_acceptsTextUpToTheMaximum() {
    assertThat(Arguments.requireText("jti", "a", 3)).isEqualTo("a");
    assertThat(Arguments.requireText("jti", "abc", 3)).isEqualTo("abc");
  }

  @Test
  void requireText_rejectsNullEmptyAndTooLong_namingTheArgument() {
    assertThatNullPointerException()
        .isThrownBy(() -> Arguments.requireText("jti", null, 3))
        .withMessage("jti must not be null");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Arguments.requireText("jti", "", 3))
        .withMessage("jti must not be empty");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Arguments.requireText("jti", "abcd", 3))
        .withMessageContaining("jti")
        .withMessageContaining("4")
        .withMessageContaining("3");
  }

  @Test
  void requireLength_acceptsEmpty_rejectsNullAndTooLong() {
    assertThat(Arguments.requireLength("issuer", "", 3)).isEmpty();
    assertThat(Arguments.requireLength("issuer", "abc", 3)).isEqualTo("abc");
    assertThatNullPointerException()
        .isThrownBy(() -> Arguments.requireLength("issuer", null, 3))
        .withMessageContaining("issuer");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Arguments.requireLength("issuer", "abcd", 3))
        .withMessageContaining("issuer")
        .withMessageContaining("4");
  }

  @Test
  void requirePositiveInt_rejectsZeroAndNegative_withTheValue() {
    assertThat(Arguments.requirePositive("maxActive", 1)).isEqualTo(1);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Arguments.requirePositive("maxActive", 0))
        .withMessageContaining("maxActive")
        .withMessageContaining("0");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Arguments.requirePositive("maxActive", -7))
        .withMessageContaining("maxActive")
        .withMessageContaining("-7");
  }

  @Test
  void requirePositiveDuration_rejectsNullZeroAndNegative_withTheValue() {
    assertThat(Arguments.requirePositive("lifetime", Duration.ofNanos(1)))
        .isEqualTo(Duration.ofNanos(1));
    assertThatNullPointerException()
        .isThrownBy(() -> Arguments.requirePositive("lifetime", (Duration) null))
        .withMessageContaining("lifetime");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Arguments.requirePositive("lifetime", Duration.ZERO))
        .withMessageContaining("lifetime")
        .withMessageContaining("PT0S");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Arguments.requirePositive("lifetime", Duration.ofSeconds(-5)))
        .withMessageContaining("lifetime")
        .withMessageContaining("PT-5S");
  }
}
