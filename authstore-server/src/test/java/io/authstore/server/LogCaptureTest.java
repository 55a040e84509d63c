package io.authstore.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secret check of {@link NoSecretsInLogsIT} can fail: a line that carries a recorded secret, in
 * its message or in an exception, is reported (masked), through the real logging setup.
 */
class LogCaptureTest {
  private static final Logger log = LoggerFactory.getLogger("io.authstore.leaky");

  @Test
  void lineCarryingARecordedSecret_isReported_withTheSecretMasked() {
    String secret = ApiKeys.generateSecret();
    LogCapture.secret(secret);
    try {
      log.info("presented ticket {}", secret);

      assertThat(LogCapture.linesWithSecrets())
          .anySatisfy(
              line ->
                  assertThat(line)
                      .contains("presented ticket <secret 43 chars>")
                      .doesNotContain(secret));
    } finally {
      LogCapture.forget(secret);
    }
  }

  @Test
  void secretInAnExceptionMessage_isReported() {
    String secret = ApiKeys.generateSecret();
    LogCapture.secret(secret);
    try {
      log.warn("request failed", new IllegalStateException("bad key " + secret));

      assertThat(LogCapture.linesWithSecrets())
          .anySatisfy(line -> assertThat(line).contains("bad key <secret"));
    } finally {
      LogCapture.forget(secret);
    }
  }

  @Test
  void secretInTheAccessLogAtDebug_isReported() {
    String secret = ApiKeys.generateSecret();
    LogCapture.secret(secret);
    try {
      // The access logger is routed to the capture only (see logback-test.xml).
      LoggerFactory.getLogger("io.authstore.access").debug("GET /x/{} 200", secret);

      assertThat(LogCapture.linesWithSecrets())
          .anySatisfy(line -> assertThat(line).startsWith("io.authstore.access GET /x/<secret"));
    } finally {
      LogCapture.forget(secret);
    }
  }

  @Test
  void lineWithoutSecrets_isNotReported() {
    String secret = ApiKeys.generateSecret();
    LogCapture.secret(secret);
    try {
      log.info("nothing to see: {}", secret.substring(0, 10));

      assertThat(LogCapture.linesWithSecrets()).isEmpty();
      assertThat(LogCapture.lines()).anySatisfy(l -> assertThat(l).contains("nothing to see"));
    } finally {
      LogCapture.forget(secret);
    }
  }
}
