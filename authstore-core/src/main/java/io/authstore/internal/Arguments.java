package io.authstore.internal;

import java.time.Duration;
import java.util.Objects;

/** Argument checks whose messages name the argument and carry the bad value. */
public final class Arguments {
  private Arguments() {}

  /**
   * Checks a required string: not null, not empty, at most {@code max} characters.
   *
   * @return {@code value}
   * @throws NullPointerException if {@code value} is null
   * @throws IllegalArgumentException if it is empty or too long
   */
  public static String requireText(String name, String value, int max) {
    Objects.requireNonNull(value, () -> name + " must not be null");
    if (value.isEmpty()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
    return requireLength(name, value, max);
  }

  /**
   * Checks an optional-content string: not null (empty allowed), at most {@code max} characters.
   *
   * @return {@code value}
   * @throws NullPointerException if {@code value} is null
   * @throws IllegalArgumentException if it is too long
   */
  public static String requireLength(String name, String value, int max) {
    Objects.requireNonNull(value, () -> name + " must not be null");
    if (value.length() > max) {
      throw new IllegalArgumentException(
          name + " is too long: " + value.length() + " characters, at most " + max);
    }
    return value;
  }

  /**
   * @return {@code value}
   * @throws IllegalArgumentException if {@code value} is below 1
   */
  public static int requirePositive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1: " + value);
    }
    return value;
  }

  /**
   * @return {@code value}
   * @throws NullPointerException if {@code value} is null
   * @throws IllegalArgumentException if {@code value} is zero or negative
   */
  public static Duration requirePositive(String name, Duration value) {
    Objects.requireNonNull(value, () -> name + " must not be null");
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
    return value;
  }
}
