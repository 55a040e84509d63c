package io.authstore.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * After every test class of this module (registered for all of them through JUnit's extension
 * auto-detection, {@code META-INF/services}), no line logged so far by the test JVM carries a
 * secret the tests saw. The last class to run therefore checks the logs of the whole suite.
 */
public final class NoSecretsInLogs implements AfterAllCallback {
  @Override
  public void afterAll(ExtensionContext context) {
    assertThat(LogCapture.linesWithSecrets())
        .as("log lines carrying a ticket or API key, after %s", context.getDisplayName())
        .isEmpty();
  }
}
