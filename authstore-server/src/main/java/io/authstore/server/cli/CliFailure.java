package io.authstore.server.cli;

/**
 * A command failed for a reason the user must see: {@link AdminCommand} prints the message on
 * stderr after {@code authstore: } and exits with the code. Messages never carry a key or ticket.
 */
final class CliFailure extends RuntimeException {
  private final int exitCode;

  CliFailure(int exitCode, String message) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
