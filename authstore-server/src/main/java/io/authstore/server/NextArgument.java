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
 * secret in its error message.
 */
public final class NextArgument implements CommandLine.IParameterConsumer {
  @Override
  public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
    if (args.isEmpty()) {
      String name =
          argSpec instanceof OptionSpec option ? option.longestName() : argSpec.paramLabel();
      throw new CommandLine.ParameterException(commandSpec.commandLine(), name + " needs a value");
    }
    argSpec.setValue(args.pop());
  }
}
