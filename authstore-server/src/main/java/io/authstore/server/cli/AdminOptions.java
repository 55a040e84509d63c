package io.authstore.server.cli;

import io.authstore.server.DurationConverter;
import io.authstore.server.NextArgument;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Where the server is and how to authenticate: the options every admin command shares. */
final class AdminOptions {
  @Option(
      names = "--url",
      defaultValue = "${env:AUTHSTORE_URL:-http://127.0.0.1:8080}",
      description = "Base URL of the authstore server [AUTHSTORE_URL]. Default: ${DEFAULT-VALUE}")
  String url;

  // No ${DEFAULT-VALUE} in the description: the key would be printed by --help.
  @Option(
      names = "--api-key",
      defaultValue = "${env:AUTHSTORE_API_KEY}",
      parameterConsumer = NextArgument.class,
      description =
          "API key, sent as X-API-Key [AUTHSTORE_API_KEY]. Prefer the variable: a flag shows in"
              + " ps and in the shell history")
  String apiKey;

  @Option(
      names = "--timeout",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description = "Connect and response timeout (e.g. 500ms, 10s). Default: ${DEFAULT-VALUE}")
  Duration timeout;
}
