package io.authstore.server.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code authstore ticket}: the parent of {@code issue} and {@code consume}. */
@Command(
    name = "ticket",
    mixinStandardHelpOptions = true,
    versionProvider = CliVersion.class,
    description = "Issue or consume a single-use session ticket.",
    subcommands = {TicketIssueCommand.class, TicketConsumeCommand.class})
public final class TicketCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "give a command: issue or consume");
  }
}
