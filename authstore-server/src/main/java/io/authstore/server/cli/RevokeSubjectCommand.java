package io.authstore.server.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code authstore revoke-subject}: POST /auth/subjects/{subject}/revoke-all. */
@Command(
    name = "revoke-subject",
    mixinStandardHelpOptions = true,
    versionProvider = CliVersion.class,
    sortOptions = false,
    description = {
      "Revoke every token of a subject issued before a moment, now by default: 'log out"
          + " everywhere' (POST /auth/subjects/{subject}/revoke-all).",
      "Prints the server's answer as JSON. Needs a key with scope revocations:write."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      AdminCommand.EXIT_OK,
      AdminCommand.EXIT_USAGE,
      AdminCommand.EXIT_UNAVAILABLE,
      AdminCommand.EXIT_REFUSED
    })
public final class RevokeSubjectCommand extends AdminCommand {
  @Option(names = "--subject", required = true, description = "The tokens' sub claim")
  String subject;

  @Option(names = "--issuer", description = "The tokens' iss claim. Default: none")
  String issuer;

  @Option(
      names = "--not-before",
      paramLabel = "<epoch-seconds|ISO>",
      description = "Tokens issued before this are revoked. Default: the server's now")
  String notBefore;

  @Override
  int run(AdminClient client) {
    Map<String, Object> body = new LinkedHashMap<>();
    if (issuer != null) {
      body.put("issuer", issuer);
    }
    if (notBefore != null) {
      body.put("not_before", instant("--not-before", notBefore).toString());
    }
    String path = "/auth/subjects/" + AdminClient.encode(subject) + "/revoke-all";
    printJson(client.post(path, body));
    return 0;
  }
}
