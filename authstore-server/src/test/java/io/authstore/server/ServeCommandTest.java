package io.authstore.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.util.JavalinBindException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
        "--bind | no-such-host.invalid",
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
        "--rate-limit-per-key | 1000000001",
        "--rate-limit-per-key | 2147483647",
        "--rate-limit-per-address | -1",
        "--rate-limit-per-address | 2147483647",
        "--trusted-proxies | lb.internal",
        "--trusted-proxies | '10.0.0.1,,10.0.0.2'",
        "--trusted-proxies | 10.1.2.3/8",
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
  void bind_thatDoesNotResolve_isRefusedAtConfiguration_namingTheOptionAndTheName() {
    // RFC 6761: no name under .invalid ever resolves; no network is needed to learn that.
    Outcome o = validate("--bind", "no-such-host.invalid", "--port", "0");

    assertThat(o.exitCode()).isEqualTo(Main.EXIT_USAGE);
    assertThat(firstLine(o.err()))
        .contains("--bind", "no-such-host.invalid")
        .doesNotContain("already in use");
  }

  @Test
  void rateLimit_aboveTheBound_isRefused_namingTheBound() {
    Outcome o = validate("--rate-limit-per-key", "2147483647");

    assertThat(o.exitCode()).isEqualTo(Main.EXIT_USAGE);
    assertThat(firstLine(o.err())).contains("--rate-limit-per-key", "1000000000", "2147483647");
  }

  @Test
  void rateLimits_atTheBound_areAccepted() {
    Outcome o =
        validate("--rate-limit-per-key", "1000000000", "--rate-limit-per-address", "1000000000");

    assertThat(o.exitCode()).as(o.err()).isZero();
    assertThat(o.config().rateLimitPerKey()).isEqualTo(ServerConfig.MAX_RATE_LIMIT);
    assertThat(o.config().rateLimitPerAddress()).isEqualTo(ServerConfig.MAX_RATE_LIMIT);
  }

  @Test
  void startFailure_ofABindThatJavalinCallsAPortInUse_namesTheOptionsAndTheCause() {
    ServerConfig config = ServerConfig.builder().bind("127.0.0.1").port(8081).build();
    // What Javalin throws when Jetty cannot bind a name that stopped resolving after the check.
    RuntimeException unresolved =
        new JavalinBindException(
            "Port already in use. Make sure no other process is using port 8081 and try again.",
            new IOException("Failed to bind to 127.0.0.1:8081", new UnresolvedAddressException()));
    RuntimeException other =
        new JavalinBindException(
            "Port already in use. Make sure no other process is using port 8081 and try again.",
            new IOException("Failed to bind to 127.0.0.1:8081"));

    assertThat(ServeCommand.startFailure(unresolved, config))
        .contains("--bind / --port", "127.0.0.1:8081", "does not resolve")
        .doesNotContain("already in use");
    assertThat(ServeCommand.startFailure(other, config))
        .contains("--bind / --port", "127.0.0.1:8081", "Failed to bind to")
        .doesNotContain("already in use");
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

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--redis-password | a-redis-password-that-must-not-show",
        "--redis-port | 6380",
        "--redis-db | 3",
        "--redis-sentinel-master | mymaster",
      })
  void redisSetting_withoutALocation_isRefused_notIgnoredOnTheMemoryBackend(
      String option, String value) {
    Outcome o = validate(option, value);

    assertThat(o.exitCode()).isEqualTo(Main.EXIT_USAGE);
    assertThat(firstLine(o.err()))
        .contains(option, "without a Redis location")
        .doesNotContain("a-redis-password-that-must-not-show");
  }

  @Test
  void apiKeys_withAnEntrySeparatedByAComma_neverEchoesTheNextSecret() {
    String first = ApiKeys.generateSecret();
    String second = ApiKeys.generateSecret();

    Outcome o =
        validate(
            "--api-keys",
            "checkout:" + first + "=tickets:issue,iframe:" + second + "=tickets:consume");

    assertThat(o.exitCode()).isEqualTo(Main.EXIT_USAGE);
    assertThat(o.err()).contains("--api-keys", "';'").doesNotContain(first).doesNotContain(second);
  }

  @Test
  void apiKeysFile_withOnlyComments_isRefused_notReplacedByAGeneratedKey(@TempDir Path dir)
      throws IOException {
    Path file = Files.writeString(dir.resolve("keys"), "# none yet\n\n");

    Outcome o = validate("--api-keys-file", file.toString());

    assertThat(o.exitCode()).isEqualTo(Main.EXIT_USAGE);
    assertThat(firstLine(o.err())).contains("--api-keys-file", "holds no key");
  }

  @Test
  void apiKeysFile_empty_isRefused(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("keys"), "");

    Outcome o = validate("--api-keys-file", file.toString());

    assertThat(o.exitCode()).isEqualTo(Main.EXIT_USAGE);
    assertThat(firstLine(o.err())).contains("--api-keys-file", "holds no key");
  }

  @Test
  void redisPortOfAServiceLink_isNotASetting_theMemoryBackendStarts() {
    Outcome o = validate("--redis-port", "tcp://10.0.0.7:6379");

    assertThat(o.exitCode()).as(o.err()).isZero();
    assertThat(o.config().redis()).isNull();
  }

  @Test
  void twoRedisLocations_stopTheStart_namingBoth() {
    Outcome o = validate("--redis-url", "redis://a.internal:6379", "--redis-host", "b.internal");

    assertThat(o.exitCode()).isEqualTo(Main.EXIT_USAGE);
    assertThat(firstLine(o.err()))
        .contains("--redis-url", "--redis-host", "REDIS_URL, REDIS_HOST are set", "only one");
  }

  @Test
  void redisSetting_withoutALocation_isAccepted_onTheMemoryBackend() {
    Outcome o = validate("--backend", "memory", "--redis-password", "unused-here");

    assertThat(o.exitCode()).as(o.err()).isZero();
  }

  @Test
  void shutdownGrace_ofAnHour_isAccepted_aMillisecondMoreIsNot() {
    assertThat(validate("--shutdown-grace", "1h").exitCode()).isZero();
    assertThat(validate("--shutdown-grace", "3600001ms").exitCode()).isEqualTo(Main.EXIT_USAGE);
  }

  @Test
  void apiKeys_withOnlySeparators_isRefused() {
    Outcome o = validate("--api-keys", ";;");

    assertThat(o.exitCode()).isEqualTo(Main.EXIT_USAGE);
    assertThat(firstLine(o.err())).contains("--api-keys", "holds no key");
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--max-tickets | 0",
        "--max-tickets-per-subject | 0",
        "--ticket-max-ttl | 0s",
      })
  void ticketOption_outOfBounds_namesItsOwnOption_first(String option, String value) {
    Outcome o = validate(option, value);

    assertThat(o.exitCode()).isEqualTo(Main.EXIT_USAGE);
    assertThat(firstLine(o.err())).startsWith(option + ":");
  }

  @Test
  void shutdownGrace_overAnHour_isRefused_namingTheOption() {
    Outcome o = validate("--shutdown-grace", "200000000000d");

    assertThat(o.exitCode()).isEqualTo(Main.EXIT_USAGE);
    assertThat(firstLine(o.err())).contains("--shutdown-grace");
  }

  @Test
  void emptyDuration_isAUsageError_thatSaysItIsEmpty() {
    Outcome o = validate("--ticket-ttl", "");

    assertThat(o.exitCode()).isEqualTo(Main.EXIT_USAGE);
    assertThat(firstLine(o.err())).contains("--ticket-ttl", "empty value");
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
    assertThat(o.config().trustedProxies()).as("no proxy trusted by default").isEmpty();
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
            "--trusted-proxies", "10.0.0.0/8, fd00::/48",
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
    assertThat(c.trustedProxies()).containsExactly("10.0.0.0/8", "fd00::/48");
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

  /** Base64url secrets may start with '-'; "-V..." or "-h..." must not be read as options. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"--redis-password", "--jwt-hmac-secret", "--api-keys"})
  void secretOption_takesAValueStartingWithADash_inBothForms_andNeverEchoesIt(String flag) {
    for (String secret :
        List.of("-VNv8ctC_RoyUJzeIy1m-HVw72jkbL1eQ1F7hWxVzgM", "-h" + "x".repeat(41))) {
      for (String[] args :
          List.of(new String[] {flag, secret}, new String[] {flag + "=" + secret})) {
        ServeCommand serve = new ServeCommand();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(serve);
        cl.setErr(new PrintWriter(err, true));

        cl.parseArgs(args);

        String value =
            switch (flag) {
              case "--redis-password" -> serve.redisPassword;
              case "--jwt-hmac-secret" -> serve.jwtHmacSecret;
              default -> serve.apiKeys;
            };
        assertThat(value).as(String.join(" ", args)).isEqualTo(secret);
        assertThat(err.toString()).doesNotContain(secret);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"--redis-password", "--jwt-hmac-secret", "--api-keys"})
  void secretOption_withoutAValue_isAUsageErrorNamingIt(String flag) {
    Outcome outcome = validate(flag);

    assertThat(outcome.exitCode()).isEqualTo(2);
    assertThat(outcome.err()).contains(flag + " needs a value");
  }

  /** The next option must not become the value: every later argument would shift by one. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"--redis-password", "--jwt-hmac-secret", "--api-keys"})
  void secretOption_followedByAnotherOption_isAUsageErrorThatEchoesNoSecret(String flag) {
    String secret = ApiKeys.generateSecret();
    String other = flag.equals("--redis-password") ? "--jwt-hmac-secret" : "--redis-password";

    for (String next : List.of(other, other + "=" + secret)) {
      Outcome outcome = next.contains("=") ? validate(flag, next) : validate(flag, next, secret);

      assertThat(outcome.exitCode()).as(next).isEqualTo(2);
      assertThat(outcome.err()).as(next).contains(flag + " needs a value").doesNotContain(secret);
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

  // --- JWT options ---

  /** A valid JWT setup: an HMAC secret, HS256, one issuer, one audience. */
  private static final String JWT_SECRET = Base64.getEncoder().encodeToString(TestJwt.random(32));

  private static Map<String, String> jwtBase() {
    Map<String, String> args = new LinkedHashMap<>();
    args.put("--jwt-hmac-secret", JWT_SECRET);
    args.put("--jwt-algorithms", "HS256");
    args.put("--jwt-issuers", "https://issuer.test");
    args.put("--jwt-audiences", "https://api.test");
    return args;
  }

  private static String[] flatten(Map<String, String> args) {
    List<String> list = new ArrayList<>();
    args.forEach(
        (option, value) -> {
          list.add(option);
          list.add(value);
        });
    return list.toArray(String[]::new);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--jwt-algorithms | none",
        "--jwt-algorithms | NONE",
        "--jwt-algorithms | RS257",
        "--jwt-algorithms | hs256",
        "--jwt-algorithms | ''",
        "--jwt-algorithms | HS256,,HS384",
        "--jwt-algorithms | RS256",
        "--jwt-algorithms | HS512",
        "--jwt-issuers | ''",
        "--jwt-issuers | ' , '",
        "--jwt-audiences | ''",
        "--jwt-type | ' '",
        "--jwt-leeway | 11m",
        "--jwt-leeway | -1s",
        "--jwt-leeway | soon",
        "--jwt-max-token-lifetime | 0s",
        "--jwt-max-token-lifetime | 400d",
        "--jwt-max-token-lifetime | forever",
        "--jwt-hmac-secret | c2hvcnQtc2VjcmV0",
        "--jwt-hmac-secret | not*base64*at*all*but*long*enough*0123456789",
        "--jwt-jwks-url | ftp://issuer.test/jwks.json",
        "--jwt-jwks-url | not a url",
        "--jwt-jwks-url | https:///no-host",
        "--jwt-jwks-file | /nonexistent/jwks.json",
        "--jwt-public-key-file | /nonexistent/key.pem",
      })
  void badJwtValue_exitsWithUsageError_namingTheOption(String option, String value) {
    Map<String, String> args = jwtBase();
    if (option.endsWith("-url") || option.endsWith("-file")) {
      args.remove("--jwt-hmac-secret"); // one key source at a time
    }
    args.put(option, value);

    Outcome o = validate(flatten(args));

    assertThat(o.exitCode()).isEqualTo(Main.EXIT_USAGE);
    assertThat(firstLine(o.err())).contains(option);
  }

  @ParameterizedTest
  @CsvSource({"--jwt-jwks-file, {\"keys\": 42}", "--jwt-public-key-file, not a PEM key"})
  void jwtKeyFileWithBadContent_exitsWithUsageError_namingTheOption(
      String option, String content, @TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("key"), content);
    Map<String, String> args = jwtBase();
    args.remove("--jwt-hmac-secret");
    args.put(option, file.toString());
    args.put("--jwt-algorithms", "RS256");

    Outcome o = validate(flatten(args));

    assertThat(o.exitCode()).isEqualTo(Main.EXIT_USAGE);
    assertThat(firstLine(o.err())).contains(option);
  }

  @ParameterizedTest
  @CsvSource({
    "--jwt-algorithms, RS256",
    "--jwt-issuers, x",
    "--jwt-audiences, x",
    "--jwt-type, at+jwt"
  })
  void jwtOption_withoutAKeySource_exitsWithUsageError_namingIt(String option, String value) {
    Outcome o = validate(option, value);

    assertThat(o.exitCode()).isEqualTo(Main.EXIT_USAGE);
    assertThat(firstLine(o.err())).contains(option, "key source");
  }

  @Test
  void twoJwtKeySources_exitWithUsageError_namingBoth() {
    Map<String, String> args = jwtBase();
    args.put("--jwt-jwks-url", "https://issuer.test/jwks.json");

    Outcome o = validate(flatten(args));

    assertThat(o.exitCode()).isEqualTo(Main.EXIT_USAGE);
    assertThat(firstLine(o.err())).contains("--jwt-jwks-url", "--jwt-hmac-secret");
  }

  @Test
  void hmacSecretError_neverEchoesTheSecret() {
    String shortSecret = Base64.getEncoder().encodeToString(TestJwt.random(20));
    Map<String, String> args = jwtBase();
    args.put("--jwt-hmac-secret", shortSecret);
    args.put("--jwt-algorithms", "HS256");

    Outcome tooShort = validate(flatten(args));
    args.put("--jwt-hmac-secret", JWT_SECRET);
    args.put("--jwt-algorithms", "HS512"); // a 256-bit secret is too short for HS512
    Outcome noFit = validate(flatten(args));

    assertThat(tooShort.exitCode()).isEqualTo(Main.EXIT_USAGE);
    assertThat(tooShort.err())
        .contains("--jwt-hmac-secret", "20 bytes")
        .doesNotContain(shortSecret);
    assertThat(noFit.exitCode()).isEqualTo(Main.EXIT_USAGE);
    assertThat(noFit.err()).contains("HS512").doesNotContain(JWT_SECRET);
  }

  @Test
  void withoutJwtOptions_theJwtRoutesAreNotConfigured() {
    assertThat(validate().config().jwt()).isNull();
  }

  @Test
  void goodJwtValues_reachTheConfig() {
    Map<String, String> args = jwtBase();
    args.put("--jwt-algorithms", "HS256, HS384");
    args.put("--jwt-issuers", "https://a.test,https://b.test");
    args.put("--jwt-hmac-secret", Base64.getUrlEncoder().encodeToString(TestJwt.random(48)));
    args.put("--jwt-type", "at+jwt");
    args.put("--jwt-leeway", "30s");
    args.put("--jwt-max-token-lifetime", "1h");

    Outcome o = validate(flatten(args));

    assertThat(o.exitCode()).as(o.err()).isZero();
    JwtSettings jwt = o.config().jwt();
    assertThat(jwt.allowedAlgorithms()).containsExactly("HS256", "HS384");
    assertThat(jwt.issuers()).containsExactly("https://a.test", "https://b.test");
    assertThat(jwt.audiences()).containsExactly("https://api.test");
    assertThat(jwt.leeway()).hasSeconds(30);
    assertThat(jwt.maxTokenLifetime()).hasHours(1);
  }

  @Test
  void jwtPublicKeyFile_andJwksUrl_areKeySources(@TempDir Path dir) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    String pem =
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder()
                .encodeToString(generator.generateKeyPair().getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n";
    Path file = Files.writeString(dir.resolve("key.pem"), pem);
    Map<String, String> args = jwtBase();
    args.remove("--jwt-hmac-secret");
    args.put("--jwt-algorithms", "RS256");

    args.put("--jwt-public-key-file", file.toString());
    Outcome fromPem = validate(flatten(args));
    args.remove("--jwt-public-key-file");
    args.put("--jwt-jwks-url", "https://issuer.test/.well-known/jwks.json");
    Outcome fromUrl = validate(flatten(args));

    assertThat(fromPem.exitCode()).as(fromPem.err()).isZero();
    assertThat(fromPem.config().jwt()).isNotNull();
    assertThat(fromUrl.exitCode()).as(fromUrl.err()).isZero();
    assertThat(fromUrl.config().jwt()).isNotNull();
  }

  @Test
  void help_neverShowsTheHmacSecret() {
    StringWriter out = new StringWriter();
    CommandLine cl = new CommandLine(new ServeCommand());
    cl.setOut(new PrintWriter(out, true));

    cl.execute("--jwt-hmac-secret", JWT_SECRET, "--help");

    assertThat(out.toString()).contains("--jwt-hmac-secret").doesNotContain(JWT_SECRET);
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
