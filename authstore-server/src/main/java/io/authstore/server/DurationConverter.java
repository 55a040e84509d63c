package io.authstore.server;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a duration as {@code <n>ms}, {@code <n>s}, {@code <n>m}, {@code <n>h}, {@code <n>d} or
 * ISO-8601 ({@code PT30M}). Public for the admin commands in {@code io.authstore.server.cli}; not
 * part of the API. Stateless and thread-safe.
 */
public final class DurationConverter implements ITypeConverter<Duration> {
  /** Picocli instantiates it. */
  public DurationConverter() {}

  @Override
  public Duration convert(String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    if (v.isEmpty()) {
      // An environment variable set to "" (docker compose's ${VAR} when VAR is unset).
      throw new TypeConversionException(
          "an empty value is not a duration (use e.g. 500ms, 30s, 5m, 24h, 7d or PT30M), or unset"
              + " the variable");
    }
    try {
      if (v.startsWith("p")) {
        return Duration.parse(v.toUpperCase(Locale.ROOT));
      }
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      }
      long n = Long.parseLong(v.substring(0, v.length() - 1));
      switch (v.charAt(v.length() - 1)) {
        case 's':
          return Duration.ofSeconds(n);
        case 'm':
          return Duration.ofMinutes(n);
        case 'h':
          return Duration.ofHours(n);
        case 'd':
          return Duration.ofDays(n);
        default:
          break;
      }
    } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
      // falls through to the message below
    }
    throw new TypeConversionException(
        "'" + value + "' is not a duration (use e.g. 500ms, 30s, 5m, 24h, 7d or PT30M)");
  }
}
