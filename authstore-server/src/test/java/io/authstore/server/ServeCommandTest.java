package io.authstore.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code serve}'s validation, without starting a server: picocli parses the options, then {@link
 * ServeCommand#toConfig()} validates them; a failure goes through picocli's own handler, as in
 * {@code execute}. Assumes no {@code AUTHSTORE_*} or {@code REDIS_*} variable is set in the test
 * JVM's environment (they are the options' defaults).
 */
class ServeCommandTest {
  /** What {@code authstore serve <args>} would have done before starting. */
  record Outcome(int exitCode, String err, ServerConfig config) {}

  static Outcome validate(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new ServeCommand());
    cl.setErr(new PrintWriter(err, true));
    try {
      cl.parseArgs(args);
      ServerConfig config = ((ServeCommand) cl.getCommand()).toConfig();
      return new Outcome(0, "", config);
    } catch (ParameterException e) {
      int code;
      try {
        code = cl.getParameterExceptionHandler().handleParseException(e, args);
      } catch (Exception unexpected) {
        throw new AssertionError(unexpected);
      }
      return new Outcome(code, err.toString(), null);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--port | -5",
        "--port | 70000",
        "--port | eighty",
        "--bind | ''",
        "--backend | foo",
        "--redis-fallback | maybe",
        "--revocation-mode | eventually",
        "--staleness-policy | x",
        "--max-staleness | 0s",
        "--ticket-ttl | abc",
        "--ticket-ttl | 0s",
        "--ticket-max-ttl | -1h",
        "--max-tickets | 0",
        "--max-tickets-per-subject | -1",
        "--max-token-lifetime | 0s",
        "--api-keys | bad",
        "--api-keys-file | /nonexistent/authstore-keys",
        "--rate-limit-per-key | -1",
        "--rate-limit-per-address | -1",
        "--max-body-bytes | 10",
        "--max-body-bytes | 999999999",
        "--log-format | xml",
        "--shutdown-grace | -1s",
      })
  void badValue_exitsWithUsageError_namingTheOption(String option, String value) {
    Outcome o = validate(option, value);

    assertThat(o.exitCode()).isEqualTo(Main.EXIT_USAGE);
    assertThat(firstLine(o.err())).contains(option);
  }

  @Test
  void backendRedis_withoutLocation_namesTheBackendAndTheVariables() {
    Outcome o = validate("--backend", "redis");

    assertThat(o.exitCode()).isEqualTo(Main.EXIT_USAGE);
    assertThat(firstLine(o.err())).contains("--backend", "REDIS_URL");
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--redis-port | abc",
        "--redis-port | 70000",
        "--redis-db | -1",
        "--redis-tls | maybe",
        "--redis-url | http://not-redis",
        "--redis-key-prefix | {braces}",
        "--redis-wait-replicas | -1",
        "--redis-command-timeout | 0s",
      })
  void badRedisValue_exitsWithUsageError_namingTheOption(String option, String value) {
    Outcome o =
        value.startsWith("http")
            ? validate("--backend", "redis", option, value)
            : validate("--backend", "redis", "--redis-host", "127.0.0.1", option, value);

    assertThat(o.exitCode()).isEqualTo(Main.EXIT_USAGE);
    assertThat(firstLine(o.err())).contains(option);
  }

  @Test
  void apiKeysError_neverEchoesTheSecret() {
    String secret = ApiKeys.generateSecret();

    Outcome o = validate("--api-keys", "ops:" + secret + "=no-such-scope");

    assertThat(o.exitCode()).isEqualTo(Main.EXIT_USAGE);
    assertThat(o.err()).contains("--api-keys").doesNotContain(secret);
  }

  @Test
  void defaults_areValid_inMemory() {
    Outcome o = validate();

    assertThat(o.exitCode()).isZero();
    assertThat(o.config().redis()).isNull();
    assertThat(o.config().port()).isEqualTo(ServerConfig.DEFAULT_PORT);
    assertThat(o.config().maxBodyBytes()).isEqualTo(ServerConfig.DEFAULT_MAX_BODY_BYTES);
  }

  @Test
  void goodValues_reachTheConfig() {
    Outcome o =
        validate(
            "--port", "0",
            "--bind", "127.0.0.1",
            "--backend", "memory",
            "--ticket-ttl", "5m",
            "--max-tickets", "7",
            "--rate-limit-per-key", "0",
            "--max-body-bytes", "4096",
            "--shutdown-grace", "PT1S",
            "--api-keys", "ops:" + ApiKeys.generateSecret() + "=admin");

    assertThat(o.exitCode()).isZero();
    ServerConfig c = o.config();
    assertThat(c.port()).isZero();
    assertThat(c.bind()).isEqualTo("127.0.0.1");
    assertThat(c.tickets().defaultTtl()).hasMinutes(5);
    assertThat(c.tickets().maxActive()).isEqualTo(7);
    assertThat(c.rateLimitPerKey()).isZero();
    assertThat(c.maxBodyBytes()).isEqualTo(4096);
    assertThat(c.shutdownGrace()).hasSeconds(1);
    assertThat(c.apiKeys().size()).isEqualTo(1);
  }

  @Test
  void help_listsEveryOption_withItsEnvironmentVariable() {
    StringWriter out = new StringWriter();
    CommandLine cl = new CommandLine(new ServeCommand());
    cl.setOut(new PrintWriter(out, true));

    int code = cl.execute("--help");

    assertThat(code).isZero();
    String help = out.toString();
    List<Field> options = optionFields();
    assertThat(options).hasSizeGreaterThan(20);
    for (Field f : options) {
      Option option = f.getAnnotation(Option.class);
      String variable = variable(option.defaultValue());
      assertThat(help).as(option.names()[0]).contains(option.names()[0]);
      assertThat(help).as(option.names()[0]).contains("[" + variable + "]");
      assertThat(String.join(" ", option.description()))
          .as("description of " + option.names()[0])
          .contains("[" + variable + "]");
    }
  }

  @Test
  void help_neverShowsTheValueOfASecretOption() {
    String secret = ApiKeys.generateSecret();
    StringWriter out = new StringWriter();
    CommandLine cl = new CommandLine(new ServeCommand());
    cl.setOut(new PrintWriter(out, true));

    cl.execute("--api-keys", "ops:" + secret + "=admin", "--redis-password", secret, "--help");

    assertThat(out.toString()).contains("--api-keys").doesNotContain(secret);
  }

  private static List<Field> optionFields() {
    List<Field> fields = new ArrayList<>();
    for (Field f : ServeCommand.class.getDeclaredFields()) {
      if (f.isAnnotationPresent(Option.class)) {
        fields.add(f);
      }
    }
    return fields;
  }

  private static final Pattern ENV = Pattern.compile("^\\$\\{env:([A-Z_]+)(:-.*)?}$");

  /** The variable of a {@code ${env:NAME:-default}} default; fails for any other default. */
  private static String variable(String defaultValue) {
    Matcher m = ENV.matcher(defaultValue);
    assertThat(m.matches()).as("default value " + defaultValue + " reads a variable").isTrue();
    return m.group(1);
  }

  private static String firstLine(String text) {
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }
}
