package io.authstore.server.cli;

import com.fasterxml.jackson.databind.node.JsonNodeType;
import io.authstore.server.Main;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code authstore ticket consume}: POST /auth/sessions/validate. */
@Command(
    name = "consume",
    mixinStandardHelpOptions = true,
    versionProvider = CliVersion.class,
    sortOptions = false,
    description = {
      "Consume a ticket (POST /auth/sessions/validate): the first call gets the subject and"
          + " attributes back as JSON, every later one is refused. The ticket is used up either"
          + " way.",
      "Give the ticket as '-' or with --ticket-stdin to read it from standard input: an argument"
          + " shows in ps. Needs a key with scope tickets:consume."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:Consumed: the answer was printed.",
      "1:The ticket is unknown, expired or already used.",
      AdminCommand.EXIT_USAGE,
      AdminCommand.EXIT_UNAVAILABLE,
      AdminCommand.EXIT_REFUSED
    })
public final class TicketConsumeCommand extends AdminCommand {
  /** Far above any ticket; bounds what is read from a stray pipe. */
  private static final int MAX_STDIN_BYTES = 16 * 1024;

  @Parameters(
      arity = "0..1",
      paramLabel = "<ticket>",
      description = "The ticket, or - to read it from standard input")
  String ticket;

  @Option(names = "--ticket-stdin", description = "Read the ticket from standard input")
  boolean ticketStdin;

  @Override
  int run(AdminClient client) {
    String value = ticket();
    AdminClient.Answer answer =
        client.send("POST", "/auth/sessions/validate", Map.of("token", value));
    if (answer.status() == 401 && "invalid_ticket".equals(answer.error())) {
      return fail(Main.EXIT_NEGATIVE, message(answer, value));
    }
    if (!answer.ok()) {
      CliFailure f = client.failure(answer);
      return fail(f.exitCode(), f.getMessage().replace(value, "<ticket>"));
    }
    client.field(answer.json(), "subject", JsonNodeType.STRING);
    printJson(answer.json());
    return 0;
  }

  private String ticket() {
    boolean fromStdin = ticketStdin || "-".equals(ticket);
    if (ticketStdin && ticket != null) {
      throw usage("give the ticket either as an argument or with --ticket-stdin, not both");
    }
    if (!fromStdin) {
      if (ticket == null || ticket.isBlank()) {
        throw usage("give a ticket: <ticket>, - or --ticket-stdin");
      }
      return ticket.strip();
    }
    String read;
    try {
      // Not closed: standard input belongs to the process.
      InputStream in = System.in;
      byte[] bytes = in.readNBytes(MAX_STDIN_BYTES + 1);
      if (bytes.length > MAX_STDIN_BYTES) {
        throw usage("standard input is larger than " + MAX_STDIN_BYTES + " bytes: not a ticket");
      }
      read = new String(bytes, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw usage("cannot read standard input: " + e.getMessage());
    }
    if (read.isEmpty()) {
      throw usage("standard input holds no ticket");
    }
    if (read.chars().anyMatch(Character::isWhitespace)) {
      throw usage("standard input must hold one ticket and nothing else");
    }
    return read;
  }

  private static String message(AdminClient.Answer answer, String ticket) {
    String m = answer.json().path("message").asText("the ticket is not valid");
    return m.replace(ticket, "<ticket>");
  }
}
