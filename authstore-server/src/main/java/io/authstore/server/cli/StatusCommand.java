package io.authstore.server.cli;

import picocli.CommandLine.Command;

/** {@code authstore status}: GET /auth/session-status. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    versionProvider = CliVersion.class,
    sortOptions = false,
    description = {
      "Print the server's ticket and revocation counts and its storage as JSON"
          + " (GET /auth/session-status). Needs a key with scope admin."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      AdminCommand.EXIT_OK,
      AdminCommand.EXIT_USAGE,
      AdminCommand.EXIT_UNAVAILABLE,
      AdminCommand.EXIT_REFUSED
    })
public final class StatusCommand extends AdminCommand {
  @Override
  int run(AdminClient client) {
    printJson(client.get("/auth/session-status"));
    return 0;
  }
}
