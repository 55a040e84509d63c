package io.authstore.server;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every log line of the test JVM (installed by {@code logback-test.xml}), and every secret the
 * tests saw (API keys, tickets), so a test can check that no line carries a secret.
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> {
  private static final List<String> LINES = new CopyOnWriteArrayList<>();
  private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();

  @Override
  protected void append(ILoggingEvent event) {
    StringBuilder line =
        new StringBuilder(event.getLoggerName()).append(' ').append(event.getFormattedMessage());
    for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
      line.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
      for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
        line.append(' ').append(frame.getSTEAsString());
      }
    }
    LINES.add(line.toString());
  }

  /** Records a secret that must never appear in a log line. */
  static void secret(String secret) {
    if (secret != null && secret.length() >= 16) {
      SECRETS.add(secret);
    }
  }

  /** Stops checking for a secret (for the test of this class, which leaks one on purpose). */
  static void forget(String secret) {
    SECRETS.remove(secret);
  }

  /** All lines logged so far. */
  static List<String> lines() {
    return List.copyOf(LINES);
  }

  /** Lines that contain a recorded secret, each with the secret masked. */
  static List<String> linesWithSecrets() {
    List<String> bad = new ArrayList<>();
    for (String line : LINES) {
      for (String s : SECRETS) {
        if (line.contains(s)) {
          bad.add(line.replace(s, "<secret " + s.length() + " chars>"));
        }
      }
    }
    return bad;
  }

  /** How many secrets were recorded, to show a check is not vacuous. */
  static int secretCount() {
    return SECRETS.size();
  }
}
