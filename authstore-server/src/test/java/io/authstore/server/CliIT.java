package io.authstore.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.authstore.redis.RedisConnectionConfig;
import io.authstore.testkit.RedisProcess;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The admin commands against a real server on port 0, run in-process through {@link
 * Main#commandLine()} with captured stdout and stderr. Every run also checks that neither stream
 * carries an API key, and that stderr carries no ticket.
 */
class CliIT {
  /** One command run: exit code, stdout, stderr. */
  record Run(int exitCode, String out, String err) {
    JsonNode json() {
      try {
        return Api.JSON.readTree(out);
      } catch (IOException e) {
        throw new AssertionError("stdout is not JSON: " + out, e);
      }
    }
  }

  /** Secrets no run may print: every key, and tickets seen so far (stderr and JSON output). */
  private final List<String> secrets =
      new ArrayList<>(
          List.of(
              TestServers.ADMIN_KEY,
              TestServers.ISSUE_KEY,
              TestServers.CONSUME_KEY,
              TestServers.REVOKE_WRITE_KEY,
              TestServers.REVOKE_READ_KEY));

  private Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    Run run = new Run(code, out.toString(), err.toString());
    for (String s : secrets) {
      assertThat(run.err()).as("stderr of %s", args[0]).doesNotContain(s);
    }
    return run;
  }

  private Run cli(AuthstoreServer server, String key, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--url=http://127.0.0.1:" + server.port());
    all.add("--api-key=" + key);
    return cli(all.toArray(String[]::new));
  }

  private static AuthstoreServer start() {
    return AuthstoreServer.start(TestServers.memory().build());
  }

  /** Base64url keys may start with '-'; "-V..." or "-h..." must not be read as options. */
  @Test
  void apiKey_startingWithADashAndAnOptionLetter_isTakenAsTheKey_inBothForms() {
    for (String key :
        List.of("-VNv8ctC_RoyUJzeIy1m-HVw72jkbL1eQ1F7hWxVzgM", "-h" + "x".repeat(41))) {
      secrets.add(key);
      // Nothing listens on port 1: parsing succeeded if the command got as far as calling it.
      Run attached = cli("status", "--url=http://127.0.0.1:1", "--api-key=" + key);
      assertThat(attached.exitCode()).as(attached.err()).isEqualTo(Main.EXIT_UNAVAILABLE);
      Run separate = cli("status", "--url=http://127.0.0.1:1", "--api-key", key);
      assertThat(separate.exitCode()).as(separate.err()).isEqualTo(Main.EXIT_UNAVAILABLE);
    }
  }

  @Test
  void ticketIssue_printsOnlyTheTicket_consumeSucceedsOnce_thenExits1() {
    try (AuthstoreServer server = start()) {
      Run issued =
          cli(
              server,
              TestServers.ISSUE_KEY,
              "ticket",
              "issue",
              "--subject",
              "alice",
              "--attribute",
              "role=admin",
              "--attribute",
              "tenant=t1",
              "--ttl",
              "90s");
      assertThat(issued.exitCode()).isZero();
      assertThat(issued.err()).isEmpty();
      assertThat(issued.out()).matches("[A-Za-z0-9_-]{43,}\\R");
      String ticket = issued.out().strip();
      LogCapture.secret(ticket);

      Run first = cli(server, TestServers.CONSUME_KEY, "ticket", "consume", ticket);
      secrets.add(ticket);
      Run second = cli(server, TestServers.CONSUME_KEY, "ticket", "consume", ticket);

      assertThat(first.exitCode()).isZero();
      JsonNode answer = first.json();
      assertThat(answer.path("subject").asText()).isEqualTo("alice");
      assertThat(answer.path("attributes").path("role").asText()).isEqualTo("admin");
      assertThat(answer.path("attributes").path("tenant").asText()).isEqualTo("t1");
      assertThat(
              Duration.between(
                  Instant.parse(answer.path("created_at").asText()),
                  Instant.parse(answer.path("expires_at").asText())))
          .isEqualTo(Duration.ofSeconds(90));
      assertThat(first.out()).doesNotContain(ticket);
      assertThat(second.exitCode()).isEqualTo(Main.EXIT_NEGATIVE);
      assertThat(second.out()).isEmpty();
      assertThat(second.err()).startsWith("authstore: ").contains("already used");
      assertThat(LogCapture.secretCount()).isPositive();
      assertThat(LogCapture.linesWithSecrets()).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"-", "--ticket-stdin"})
  void ticketConsume_readsTheTicketFromStandardInput(String how) {
    try (AuthstoreServer server = start()) {
      String ticket = new Api(server.port(), TestServers.ISSUE_KEY).issue("bob");
      secrets.add(ticket);
      InputStream stdin = System.in;
      Run run;
      try {
        System.setIn(new ByteArrayInputStream((ticket + "\n").getBytes(StandardCharsets.UTF_8)));
        run = cli(server, TestServers.CONSUME_KEY, "ticket", "consume", how);
      } finally {
        System.setIn(stdin);
      }

      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(run.json().path("subject").asText()).isEqualTo("bob");
    }
  }

  @Test
  void ticketConsume_withoutTicket_isAUsageError() {
    Run run = cli("ticket", "consume", "--url=http://127.0.0.1:1");

    assertThat(run.exitCode()).isEqualTo(Main.EXIT_USAGE);
    assertThat(run.err()).contains("--ticket-stdin");
  }

  @Test
  void ticketIssue_overTheCap_exits4WithTheServersMessage() {
    try (AuthstoreServer server =
        AuthstoreServer.start(
            TestServers.memory()
                .tickets(io.authstore.ticket.TicketOptions.builder().maxActive(1).build())
                .build())) {
      assertThat(cli(server, TestServers.ISSUE_KEY, "ticket", "issue", "--subject", "a").exitCode())
          .isZero();

      Run over = cli(server, TestServers.ISSUE_KEY, "ticket", "issue", "--subject", "b");

      assertThat(over.exitCode()).isEqualTo(Main.EXIT_REFUSED);
      assertThat(over.out()).isEmpty();
      assertThat(over.err()).startsWith("authstore: ");
    }
  }

  @Test
  void revoke_thenCheck_saysRevoked() {
    try (AuthstoreServer server = start()) {
      String expiresAt = String.valueOf(Instant.now().plus(Duration.ofHours(1)).getEpochSecond());
      Run before = cli(server, TestServers.REVOKE_READ_KEY, "check", "--jti", "j-1");

      Run revoke =
          cli(
              server,
              TestServers.REVOKE_WRITE_KEY,
              "revoke",
              "--jti",
              "j-1",
              "--expires-at",
              expiresAt);
      Run after = cli(server, TestServers.REVOKE_READ_KEY, "check", "--jti", "j-1");
      Run afterStatus =
          cli(server, TestServers.REVOKE_READ_KEY, "check", "--jti", "j-1", "--exit-status");
      Run otherIssuer =
          cli(
              server,
              TestServers.REVOKE_READ_KEY,
              "check",
              "--jti",
              "j-1",
              "--issuer",
              "other",
              "--exit-status");

      assertThat(before.exitCode()).isZero();
      assertThat(before.out()).isEqualTo("not revoked" + System.lineSeparator());
      assertThat(revoke.exitCode()).as(revoke.err()).isZero();
      assertThat(revoke.json().path("revoked").asBoolean()).isTrue();
      assertThat(revoke.json().path("stored").asBoolean()).isTrue();
      assertThat(after.exitCode()).isZero();
      assertThat(after.out()).isEqualTo("revoked" + System.lineSeparator());
      assertThat(afterStatus.exitCode()).isEqualTo(Main.EXIT_NEGATIVE);
      assertThat(afterStatus.out()).isEqualTo("revoked" + System.lineSeparator());
      assertThat(otherIssuer.exitCode()).isZero();
      assertThat(otherIssuer.out()).isEqualTo("not revoked" + System.lineSeparator());
    }
  }

  @Test
  void revoke_acceptsAnIsoInstant_andAJtiThatNeedsEncoding() {
    try (AuthstoreServer server = start()) {
      String jti = "a b+c%d?e";
      String expiresAt = Instant.now().plus(Duration.ofHours(1)).toString();

      Run revoke =
          cli(
              server,
              TestServers.REVOKE_WRITE_KEY,
              "revoke",
              "--jti",
              jti,
              "--issuer",
              "https://idp.example",
              "--expires-at",
              expiresAt);
      Run check =
          cli(
              server,
              TestServers.REVOKE_READ_KEY,
              "check",
              "--jti",
              jti,
              "--issuer",
              "https://idp.example");

      assertThat(revoke.exitCode()).as(revoke.err()).isZero();
      assertThat(revoke.json().path("jti").asText()).isEqualTo(jti);
      assertThat(check.out()).isEqualTo("revoked" + System.lineSeparator());
    }
  }

  @Test
  void revokeSubject_revokesTokensIssuedBeforeNotBefore_only() {
    try (AuthstoreServer server = start()) {
      Instant notBefore = Instant.now().minus(Duration.ofHours(1));

      Run revoke =
          cli(
              server,
              TestServers.REVOKE_WRITE_KEY,
              "revoke-subject",
              "--subject",
              "carol",
              "--not-before",
              String.valueOf(notBefore.getEpochSecond()));
      Run older =
          cli(
              server,
              TestServers.REVOKE_READ_KEY,
              "check",
              "--jti",
              "j-2",
              "--subject",
              "carol",
              "--issued-at",
              String.valueOf(notBefore.getEpochSecond() - 1));
      Run newer =
          cli(
              server,
              TestServers.REVOKE_READ_KEY,
              "check",
              "--jti",
              "j-3",
              "--subject",
              "carol",
              "--issued-at",
              notBefore.plusSeconds(1).toString());

      assertThat(revoke.exitCode()).as(revoke.err()).isZero();
      assertThat(revoke.json().path("subject").asText()).isEqualTo("carol");
      assertThat(older.out()).isEqualTo("revoked" + System.lineSeparator());
      assertThat(newer.out()).isEqualTo("not revoked" + System.lineSeparator());
    }
  }

  @Test
  void status_printsJsonWithActiveSessions() {
    try (AuthstoreServer server = start()) {
      new Api(server.port(), TestServers.ISSUE_KEY).issue("dave");

      Run run = cli(server, TestServers.ADMIN_KEY, "status");

      assertThat(run.exitCode()).isZero();
      assertThat(run.json().path("active_sessions").asInt()).isEqualTo(1);
      assertThat(run.json().path("storage").asText()).isEqualTo("memory");
    }
  }

  @Test
  void wrongKey_exits4_withTheServersMessage_andNeverPrintsTheKey() {
    String wrong = ApiKeys.generateSecret();
    secrets.add(wrong);
    try (AuthstoreServer server = start()) {
      Run run = cli(server, wrong, "status");

      assertThat(run.exitCode()).isEqualTo(Main.EXIT_REFUSED);
      assertThat(run.out()).isEmpty();
      assertThat(run.err()).startsWith("authstore: ").contains("API key");
    }
  }

  @Test
  void keyWithoutTheScope_exits4() {
    try (AuthstoreServer server = start()) {
      Run run = cli(server, TestServers.ISSUE_KEY, "status");

      assertThat(run.exitCode()).isEqualTo(Main.EXIT_REFUSED);
      assertThat(run.err()).startsWith("authstore: ");
    }
  }

  @Test
  void noKey_exits4_andSaysWhereToGiveOne() {
    try (AuthstoreServer server = start()) {
      Run run = cli(server, "", "status");

      assertThat(run.exitCode()).isEqualTo(Main.EXIT_REFUSED);
      assertThat(run.err()).contains("AUTHSTORE_API_KEY");
    }
  }

  @Test
  void ticketConsume_ofATicketThatStartsWithADash_isTheTicket_notAnOption() {
    try (AuthstoreServer server = start()) {
      // Not issued: the server answers invalid_ticket (exit 1), not picocli (exit 2).
      String ticket = "-" + "A".repeat(42);
      secrets.add(ticket);

      Run run = cli(server, TestServers.CONSUME_KEY, "ticket", "consume", ticket);

      assertThat(run.exitCode()).as(run.err()).isEqualTo(Main.EXIT_NEGATIVE);
    }
  }

  @Test
  void serverDown_exits3() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }

    Run run =
        cli("status", "--url=http://127.0.0.1:" + closedPort, "--api-key=" + TestServers.ADMIN_KEY);

    assertThat(run.exitCode()).isEqualTo(Main.EXIT_UNAVAILABLE);
    assertThat(run.err()).startsWith("authstore: cannot connect to http://127.0.0.1:" + closedPort);
  }

  @Test
  void serverThatNeverAnswers_exits3_afterTheTimeout() throws IOException {
    // The kernel completes the connection from the backlog; nothing ever reads or answers.
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Run run =
          cli(
              "status",
              "--url=http://127.0.0.1:" + silent.getLocalPort(),
              "--timeout=300ms",
              "--api-key=" + TestServers.ADMIN_KEY);

      assertThat(run.exitCode()).isEqualTo(Main.EXIT_UNAVAILABLE);
      assertThat(run.err()).startsWith("authstore: ").contains("300ms");
    }
  }

  /**
   * A stand-in for the wrong service behind {@code --url}: it answers every request with the given
   * status and body, or (body null) sends the headers and part of a body, then stalls.
   */
  private static HttpServer standIn(int status, String body) throws IOException {
    HttpServer http =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext(
        "/",
        exchange -> {
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          if (body == null) {
            exchange.sendResponseHeaders(200, 100);
            exchange.getResponseBody().write("{\"revo".getBytes(StandardCharsets.UTF_8));
            exchange.getResponseBody().flush();
            try {
              Thread.sleep(30_000);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          } else {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
          }
          exchange.close();
        });
    // Daemon threads: a stalled exchange never keeps the test JVM alive.
    http.setExecutor(
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "cli-stand-in");
              t.setDaemon(true);
              return t;
            }));
    http.start();
    return http;
  }

  @Test
  void check_whenTheAnswerHasNoRevokedField_exits3_neverSaysNotRevoked() throws IOException {
    HttpServer http = standIn(200, "{}");
    try {
      Run run =
          cli(
              "check",
              "--url=http://127.0.0.1:" + http.getAddress().getPort(),
              "--api-key=" + TestServers.ADMIN_KEY,
              "--jti=j1",
              "--exit-status");

      assertThat(run.exitCode()).isEqualTo(Main.EXIT_UNAVAILABLE);
      assertThat(run.out()).doesNotContain("revoked");
      assertThat(run.err()).contains("'revoked'", "--url");
    } finally {
      http.stop(0);
    }
  }

  @Test
  void ticketConsume_whenTheAnswerHasNoSubject_exits3() throws IOException {
    HttpServer http = standIn(200, "{\"ok\":true}");
    try {
      Run run =
          cli(
              "ticket",
              "consume",
              "--url=http://127.0.0.1:" + http.getAddress().getPort(),
              "--api-key=" + TestServers.ADMIN_KEY,
              "some-ticket-value");

      assertThat(run.exitCode()).isEqualTo(Main.EXIT_UNAVAILABLE);
      assertThat(run.err()).contains("'subject'").doesNotContain("some-ticket-value");
    } finally {
      http.stop(0);
    }
  }

  @Test
  void serverThatStallsInTheBody_exits3_afterTheTimeout() throws IOException {
    HttpServer http = standIn(200, null);
    try {
      long start = System.nanoTime();
      Run run =
          cli(
              "status",
              "--url=http://127.0.0.1:" + http.getAddress().getPort(),
              "--timeout=500ms",
              "--api-key=" + TestServers.ADMIN_KEY);

      assertThat(run.exitCode()).isEqualTo(Main.EXIT_UNAVAILABLE);
      assertThat(run.err()).contains("500ms");
      // Not a timing assertion: the stand-in stalls for 30 s, so any answer well before that
      // means the timeout, not the server, ended the wait.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(25));
    } finally {
      http.stop(0);
    }
  }

  @Test
  void storeDown_503_exits3() {
    try (RedisProcess redis = RedisProcess.start();
        AuthstoreServer server =
            AuthstoreServer.start(
                TestServers.memory()
                    .redis(
                        RedisConnectionConfig.builder()
                            .standalone("127.0.0.1", redis.port())
                            .commandTimeout(Duration.ofSeconds(1))
                            .build())
                    .build())) {
      redis.kill();

      Run run = cli(server, TestServers.ISSUE_KEY, "ticket", "issue", "--subject", "erin");

      assertThat(run.exitCode()).isEqualTo(Main.EXIT_UNAVAILABLE);
      assertThat(run.out()).isEmpty();
      assertThat(run.err()).startsWith("authstore: ").contains("retry after");
    }
  }

  @Test
  void missingRequiredOption_exits2_namingIt() {
    Run run = cli("revoke", "--jti", "x", "--url=http://127.0.0.1:1");

    assertThat(run.exitCode()).isEqualTo(Main.EXIT_USAGE);
    assertThat(run.err()).contains("--expires-at");
  }

  @Test
  void badOptionValues_exit2_namingTheOption() {
    assertThat(cli("revoke", "--jti", "x", "--expires-at", "tomorrow").err())
        .contains("--expires-at");
    assertThat(cli("check", "--jti", "x", "--subject", "s").err())
        .contains("--subject", "--issued-at");
    assertThat(cli("status", "--url", "ftp://example.com").err()).contains("--url");
    assertThat(cli("status", "--timeout", "0s").err()).contains("--timeout");
    assertThat(cli("ticket", "issue", "--subject", "s", "--ttl", "1500ms").err()).contains("--ttl");
    assertThat(cli("ticket", "issue", "--subject", "s", "--attribute", "novalue").err())
        .contains("--attribute");
    for (String[] args :
        List.of(
            new String[] {"revoke", "--jti", "x", "--expires-at", "tomorrow"},
            new String[] {"check", "--jti", "x", "--subject", "s"},
            new String[] {"status", "--url", "ftp://example.com"},
            new String[] {"status", "--timeout", "0s"},
            new String[] {"ticket", "issue", "--subject", "s", "--ttl", "1500ms"},
            new String[] {"ticket"})) {
      assertThat(cli(args).exitCode()).as(String.join(" ", args)).isEqualTo(Main.EXIT_USAGE);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "revoke",
        "check",
        "revoke-subject",
        "ticket",
        "ticket issue",
        "ticket consume",
        "status"
      })
  void helpAndVersion_onEveryCommand_exit0(String command) {
    List<String> help = new ArrayList<>(List.of(command.split(" ")));
    help.add("--help");
    List<String> version = new ArrayList<>(List.of(command.split(" ")));
    version.add("--version");

    Run h = cli(help.toArray(String[]::new));
    Run v = cli(version.toArray(String[]::new));

    assertThat(h.exitCode()).isZero();
    assertThat(h.out()).contains("Usage: authstore " + command + " ");
    assertThat(v.exitCode()).isZero();
    assertThat(v.out()).startsWith("authstore ");
  }
}
