package io.authstore.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line's own handling: the default command, and usage errors that show no secret. */
class MainTest {
  /** A valid key secret that does not start with '-' (a generated one may). */
  private static final String SECRET = "k" + ApiKeys.generateSecret().substring(1);

  /** Exit code and standard error of a run that fails before any command does its work. */
  private record Run(int exitCode, String err) {}

  private static Run run(String... args) {
    CommandLine cli = Main.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(Main.withDefaultCommand(args));
    return new Run(code, err.toString());
  }

  @Test
  void mistypedSecretOption_isNamed_itsValueNever() {
    Run r = run("--api-key", "ops:" + SECRET + "=admin");

    assertThat(r.exitCode()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.err()).contains("'--api-key'").doesNotContain(SECRET);
  }

  @Test
  void mistypedOption_inTheEqualsForm_showsTheNameOnly() {
    Run r = run("serve", "--redis-pasword=" + SECRET);

    assertThat(r.exitCode()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.err()).contains("'--redis-pasword'").doesNotContain(SECRET);
  }

  @Test
  void optionBeforeACommand_showsNoValue() {
    Run r = run("--api-key", SECRET, "status");

    assertThat(r.exitCode()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.err()).contains("'--api-key'").doesNotContain(SECRET);
  }

  @Test
  void aSecretThatStartsWithADash_afterAMistypedOption_isNotShownAsAnOption() {
    String dashed = "-Xk9" + SECRET.substring(4);

    Run r = run("serve", "--redis-pasword", dashed);

    assertThat(r.exitCode()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.err()).contains("'--redis-pasword'").doesNotContain(dashed).doesNotContain("Xk9");
  }

  @Test
  void aMistypedOption_getsTheCloseOptionsSuggested() {
    Run r = run("serve", "--rate-limit-per-adress", "5");

    assertThat(r.exitCode()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.err())
        .contains(
            "unknown option '--rate-limit-per-adress'",
            "did you mean ",
            "'--rate-limit-per-address'");
  }

  @Test
  void aMistypedCommand_getsTheCloseCommandSuggested_butIsNotShown() {
    Run root = run("revokee");
    Run ticket = run("ticket", "isue");

    assertThat(root.exitCode()).isEqualTo(Main.EXIT_USAGE);
    assertThat(root.err())
        .contains("unknown command or unexpected argument (not shown)", "did you mean 'revoke'")
        .doesNotContain("revokee");
    assertThat(ticket.err()).contains("did you mean 'issue'").doesNotContain("isue");
  }

  @Test
  void aSecretGivenAsACommand_isNotShown() {
    Run r = run(SECRET);

    assertThat(r.exitCode()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.err()).contains("(not shown)").doesNotContain(SECRET);
  }

  @Test
  void aServeOptionWhoseValueIsACommandName_stillMeansServe() {
    assertThat(Main.withDefaultCommand(new String[] {"--redis-key-prefix", "status"}))
        .containsExactly("serve", "--redis-key-prefix", "status");
  }

  @Test
  void optionsAlone_stillMeanServe() {
    assertThat(Main.withDefaultCommand(new String[] {"--port", "0"}))
        .containsExactly("serve", "--port", "0");
    assertThat(Main.withDefaultCommand(new String[] {"status", "--url", "http://x"}))
        .containsExactly("status", "--url", "http://x");
  }

  @Test
  void portInUse_isAUsageError_namingBindAndPort() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Run r =
          run(
              "serve",
              "--bind",
              "127.0.0.1",
              "--port",
              Integer.toString(taken.getLocalPort()),
              "--api-keys",
              "ops:" + SECRET + "=admin");

      assertThat(r.exitCode()).isEqualTo(Main.EXIT_USAGE);
      assertThat(r.err())
          .contains("--bind / --port", "127.0.0.1:" + taken.getLocalPort())
          .doesNotContain(SECRET);
    }
  }

  @Test
  void bindThatDoesNotResolve_isAUsageError_namingBind_notAPortInUse() {
    // RFC 6761: no name under .invalid ever resolves.
    Run r =
        run(
            "serve",
            "--bind",
            "no-such-host.invalid",
            "--port",
            "0",
            "--api-keys",
            "ops:" + SECRET + "=admin");

    assertThat(r.exitCode()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.err())
        .startsWith("authstore: --bind")
        .contains("no-such-host.invalid")
        .doesNotContain("already in use")
        .doesNotContain(SECRET);
  }
}
