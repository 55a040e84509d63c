package io.authstore.server.cli;

import com.fasterxml.jackson.databind.node.JsonNodeType;
import io.authstore.server.Main;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code authstore check}: GET /auth/revocations/{jti}. */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    versionProvider = CliVersion.class,
    sortOptions = false,
    description = {
      "Check whether a token is revoked (GET /auth/revocations/{jti}). With --subject and"
          + " --issued-at, a subject-wide revoke counts too.",
      "Prints 'revoked' or 'not revoked' and exits 0 either way; with --exit-status it exits 1"
          + " when the token is revoked, so 'authstore check --exit-status ...' succeeds only for"
          + " a token still good. Needs a key with scope revocations:read."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:The answer was printed (with --exit-status: not revoked).",
      "1:With --exit-status: the token is revoked.",
      AdminCommand.EXIT_USAGE,
      AdminCommand.EXIT_UNAVAILABLE,
      AdminCommand.EXIT_REFUSED
    })
public final class CheckCommand extends AdminCommand {
  @Option(names = "--jti", required = true, description = "The token's jti claim")
  String jti;

  @Option(names = "--issuer", description = "The token's iss claim. Default: none")
  String issuer;

  @Option(
      names = "--subject",
      description = "The token's sub claim; goes with --issued-at to apply subject-wide revokes")
  String subject;

  @Option(
      names = "--issued-at",
      paramLabel = "<epoch-seconds|ISO>",
      description = "The token's iat claim; goes with --subject")
  String issuedAt;

  @Option(names = "--exit-status", description = "Exit 1 when the token is revoked")
  boolean exitStatus;

  @Override
  int run(AdminClient client) {
    if ((subject == null) != (issuedAt == null)) {
      throw usage("--subject and --issued-at go together");
    }
    StringBuilder path = new StringBuilder("/auth/revocations/").append(AdminClient.encode(jti));
    char sep = '?';
    if (issuer != null) {
      path.append(sep).append("issuer=").append(AdminClient.encode(issuer));
      sep = '&';
    }
    if (subject != null) {
      path.append(sep)
          .append("subject=")
          .append(AdminClient.encode(subject))
          .append("&issued_at=")
          .append(AdminClient.encode(instant("--issued-at", issuedAt).toString()));
    }
    boolean revoked =
        client.field(client.get(path.toString()), "revoked", JsonNodeType.BOOLEAN).asBoolean();
    spec.commandLine().getOut().println(revoked ? "revoked" : "not revoked");
    spec.commandLine().getOut().flush();
    return revoked && exitStatus ? Main.EXIT_NEGATIVE : 0;
  }
}
