package io.authstore.server.cli;

import io.authstore.server.DurationConverter;
import io.authstore.server.Main;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code authstore ticket issue}: POST /auth/sessions. */
@Command(
    name = "issue",
    mixinStandardHelpOptions = true,
    versionProvider = CliVersion.class,
    sortOptions = false,
    description = {
      "Issue a single-use ticket for a subject (POST /auth/sessions) and print only the ticket,"
          + " so that TICKET=$(authstore ticket issue --subject alice) works.",
      "Needs a key with scope tickets:issue."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      AdminCommand.EXIT_OK,
      AdminCommand.EXIT_USAGE,
      AdminCommand.EXIT_UNAVAILABLE,
      "4:The server refused: API key, scope, rate limit, a ticket cap, invalid input."
    })
public final class TicketIssueCommand extends AdminCommand {
  @Option(names = "--subject", required = true, description = "Whom the ticket is for")
  String subject;

  @Option(
      names = "--attribute",
      paramLabel = "<key=value>",
      description = "An attribute handed back on consume; repeat for more")
  Map<String, String> attributes;

  @Option(
      names = "--ttl",
      converter = DurationConverter.class,
      description = "Lifetime in whole seconds (e.g. 90s, 30m, 1h). Default: the server's")
  Duration ttl;

  @Override
  int run(AdminClient client) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("subject", subject);
    if (attributes != null) {
      body.put("attributes", attributes);
    }
    if (ttl != null) {
      if (ttl.getNano() != 0 || ttl.getSeconds() < 1) {
        throw usage("--ttl must be a whole number of seconds, at least 1: " + ttl);
      }
      body.put("ttl_seconds", ttl.getSeconds());
    }
    String ticket = client.post("/auth/sessions", body).path("token").asText("");
    if (ticket.isEmpty()) {
      throw new CliFailure(Main.EXIT_UNAVAILABLE, "the server's answer holds no ticket");
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(ticket);
    out.flush();
    return 0;
  }
}
