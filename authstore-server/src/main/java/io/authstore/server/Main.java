package io.authstore.server;

import io.authstore.server.cli.CheckCommand;
import io.authstore.server.cli.RevokeCommand;
import io.authstore.server.cli.RevokeSubjectCommand;
import io.authstore.server.cli.StatusCommand;
import io.authstore.server.cli.TicketCommand;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/**
 * The {@code authstore} command: {@code serve} (the default when no command is given) and admin
 * commands that call a running server.
 *
 * <p>Exit codes: 0 success; 1 the answer was negative (e.g. a ticket not valid); 2 bad usage or
 * configuration; 3 the server or its store was unreachable; 4 the server refused the request
 * (authentication, scope, rate limit or bad input).
 */
@Command(
    name = "authstore",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "JWT revocation list and single-use session tickets, in memory or on Redis.",
    subcommands = {
      ServeCommand.class,
      RevokeCommand.class,
      CheckCommand.class,
      RevokeSubjectCommand.class,
      TicketCommand.class,
      StatusCommand.class
    })
public final class Main implements Runnable {
  /** The answer was negative: not valid, not found. */
  public static final int EXIT_NEGATIVE = 1;

  /** Bad usage or configuration. */
  public static final int EXIT_USAGE = 2;

  /** The server, or its store, was unreachable. */
  public static final int EXIT_UNAVAILABLE = 3;

  /** The server refused the request: authentication, scope, rate limit or bad input. */
  public static final int EXIT_REFUSED = 4;

  /** Runs the command line; {@code serve} when no command is given. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code. */
  public static int run(String... args) {
    return commandLine().execute(withDefaultCommand(args));
  }

  /** {@code serve} is the default: no arguments, or options that are not the root's own. */
  static String[] withDefaultCommand(String[] args) {
    if (args.length == 0) {
      return new String[] {"serve"};
    }
    String first = args[0];
    boolean rootOption =
        first.equals("-h")
            || first.equals("--help")
            || first.equals("-V")
            || first.equals("--version");
    if (first.startsWith("-") && !rootOption) {
      String[] effective = new String[args.length + 1];
      effective[0] = "serve";
      System.arraycopy(args, 0, effective, 1, args.length);
      return effective;
    }
    return args;
  }

  /** The configured picocli command line, for tests that capture its output. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    // A ticket is base64url: one in 64 starts with '-', which picocli would take for an unknown
    // option of ticket consume. Its only other options are --ticket-stdin and the shared ones.
    cli.getSubcommands()
        .get("ticket")
        .getSubcommands()
        .get("consume")
        .setUnmatchedOptionsArePositionalParams(true);
    // Bad usage or configuration: the message (it names the option) and a pointer to --help,
    // not the whole usage text.
    cli.setParameterExceptionHandler(
        (e, args) -> {
          CommandLine failed = e.getCommandLine();
          failed.getErr().println("authstore: " + safeMessage(e));
          failed.getErr().println("Try '" + failed.getCommandSpec().qualifiedName() + " --help'.");
          return EXIT_USAGE;
        });
    return cli;
  }

  /**
   * The message of a usage error without any argument's value. Picocli's message for unknown
   * options lists every unmatched argument, and the value after a mistyped option ({@code --api-key
   * ops:<secret>=admin}) is often a secret: only the names of unknown options are shown.
   */
  private static final Pattern OPTION_NAME = Pattern.compile("--[a-z][a-z0-9-]{0,40}");

  static String safeMessage(CommandLine.ParameterException e) {
    if (!(e instanceof CommandLine.UnmatchedArgumentException unmatched)) {
      return e.getMessage();
    }
    List<String> options = new ArrayList<>();
    int others = 0;
    for (String argument : unmatched.getUnmatched()) {
      // Only what has the shape of an option's name: a secret may start with '-' too.
      int eq = argument.indexOf('=');
      String name = eq < 0 ? argument : argument.substring(0, eq);
      if (OPTION_NAME.matcher(name).matches()) {
        options.add("'" + name + "'");
      } else {
        others++;
      }
    }
    String text;
    if (options.isEmpty()) {
      boolean commands = !unmatched.getCommandLine().getSubcommands().isEmpty();
      text =
          (commands ? "unknown command or unexpected argument" : "unexpected argument")
              + " (not shown)";
    } else {
      text =
          (options.size() == 1 ? "unknown option " : "unknown options ")
              + String.join(", ", options)
              + (others == 0 ? "" : " (and " + others + " other argument(s), not shown)");
    }
    // Picocli's suggestions are names of this command's own options and subcommands: safe.
    List<String> suggestions = new ArrayList<>();
    for (String suggestion : unmatched.getSuggestions()) {
      suggestions.add("'" + suggestion + "'");
    }
    return suggestions.isEmpty()
        ? text
        : text + "; did you mean " + String.join(" or ", suggestions) + "?";
  }

  @Override
  public void run() {
    // Not reached: run() always supplies a command.
    throw new CommandLine.ParameterException(
        new CommandLine(this), "give a command: serve, or --help for the list");
  }

  /** Version from the jar manifest. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"authstore " + AuthstoreServer.version()};
    }
  }
}
