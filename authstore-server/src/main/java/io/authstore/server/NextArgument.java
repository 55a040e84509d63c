package io.authstore.server;

import java.util.Stack;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Makes an option take the next argument as its value, whatever it looks like. For options whose
 * value is a secret (API keys, passwords, HMAC secrets): a base64url secret may start with {@code
 * -}, and picocli would read {@code -V...} as a cluster of short options, refuse it and echo the
 * secret in its error message. A value that is exactly one of the command's option names (alone or
 * as {@code name=...}) is taken as a missing value instead.
 */
public final class NextArgument implements CommandLine.IParameterConsumer {
  @Override
  public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
    // An option name where the value should be means the value was left out: taking the option
    // as the value would shift every later argument, and picocli would echo the next one (a
    // secret, perhaps) as unmatched.
    if (args.isEmpty() || isOption(args.peek(), commandSpec)) {
      String name =
          argSpec instanceof OptionSpec option ? option.longestName() : argSpec.paramLabel();
      throw new CommandLine.ParameterException(commandSpec.commandLine(), name + " needs a value");
    }
    argSpec.setValue(args.pop());
  }

  private static boolean isOption(String arg, CommandSpec commandSpec) {
    int eq = arg.indexOf('=');
    return commandSpec.optionsMap().containsKey(eq > 0 ? arg.substring(0, eq) : arg);
  }
}
