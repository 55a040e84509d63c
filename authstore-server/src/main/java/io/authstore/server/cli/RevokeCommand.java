package io.authstore.server.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code authstore revoke}: POST /auth/revocations. */
@Command(
    name = "revoke",
    mixinStandardHelpOptions = true,
    versionProvider = CliVersion.class,
    sortOptions = false,
    description = {
      "Revoke a token by its jti until the token's own expiry, plus the server's JWT leeway"
          + " when it verifies JWTs (POST /auth/revocations).",
      "Prints the server's answer as JSON. Needs a key with scope revocations:write."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      AdminCommand.EXIT_OK,
      AdminCommand.EXIT_USAGE,
      AdminCommand.EXIT_UNAVAILABLE,
      AdminCommand.EXIT_REFUSED
    })
public final class RevokeCommand extends AdminCommand {
  @Option(names = "--jti", required = true, description = "The token's jti claim")
  String jti;

  @Option(
      names = "--expires-at",
      required = true,
      paramLabel = "<epoch-seconds|ISO>",
      description = "The token's exp: seconds since the epoch or ISO-8601 (2026-01-01T00:00:00Z)")
  String expiresAt;

  @Option(names = "--issuer", description = "The token's iss claim. Default: none")
  String issuer;

  @Override
  int run(AdminClient client) {
    Map<String, Object> body = new LinkedHashMap<>();
    if (issuer != null) {
      body.put("issuer", issuer);
    }
    body.put("jti", jti);
    body.put("expires_at", instant("--expires-at", expiresAt).toString());
    printJson(client.post("/auth/revocations", body));
    return 0;
  }
}
