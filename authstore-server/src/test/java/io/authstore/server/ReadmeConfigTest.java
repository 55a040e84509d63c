package io.authstore.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The README's configuration table lists every option of {@code serve} with the environment
 * variable that {@code --help} names for it.
 */
class ReadmeConfigTest {
  private static final Pattern ENV = Pattern.compile("\\[([A-Z][A-Z0-9_]+)\\]");

  @Test
  void readme_listsEveryServeOption_withItsEnvironmentVariable() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"));
    CommandLine serve = new CommandLine(new ServeCommand());
    int checked = 0;
    for (OptionSpec option : serve.getCommandSpec().options()) {
      if (option.usageHelp() || option.versionHelp()) {
        continue;
      }
      String flag = option.longestName();
      assertThat(readme).as("README mentions %s", flag).contains("`" + flag + "`");
      Matcher env = ENV.matcher(String.join(" ", option.description()));
      assertThat(env.find()).as("--help names the variable of %s", flag).isTrue();
      assertThat(readme).as("README mentions %s", env.group(1)).contains("`" + env.group(1) + "`");
      checked++;
    }
    assertThat(checked).isGreaterThan(25);
  }
}
