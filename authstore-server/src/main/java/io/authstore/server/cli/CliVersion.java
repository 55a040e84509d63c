package io.authstore.server.cli;

import io.authstore.server.AuthstoreServer;
import picocli.CommandLine.IVersionProvider;

/** {@code --version} of the admin commands: the same line as {@code authstore --version}. */
final class CliVersion implements IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {"authstore " + AuthstoreServer.version()};
  }
}
