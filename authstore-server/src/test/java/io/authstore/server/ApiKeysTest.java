package io.authstore.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The API key configuration format: comments, and error messages that never carry a secret. */
class ApiKeysTest {
  private static final String S1 = ApiKeys.generateSecret();
  private static final String S2 = ApiKeys.generateSecret();
  private static final String S3 = ApiKeys.generateSecret();
  private static final String S4 = ApiKeys.generateSecret();

  @Test
  void commentedOutLine_holdingSeveralEntries_leavesNoneOfThemActive() {
    ApiKeys keys =
        ApiKeys.parse(
            "# a:" + S1 + "=tickets:issue;b:" + S2 + "=admin\nc:" + S3 + "=tickets:consume",
            "file");

    assertThat(keys.size()).isEqualTo(1);
    assertThat(keys.find(S1)).isNull();
    assertThat(keys.find(S2)).as("the entry after the ';' of a commented-out line").isNull();
    assertThat(keys.find(S3).name()).isEqualTo("c");
  }

  @Test
  void commentLine_indentedOrEndedByCrLf_isIgnoredWhole() {
    ApiKeys keys =
        ApiKeys.parse(
            "  \t# a:" + S1 + "=admin ; b:" + S2 + "=admin\r\nc:" + S3 + "=admin\r\n", "file");

    assertThat(keys.size()).isEqualTo(1);
    assertThat(keys.find(S2)).isNull();
    assertThat(keys.find(S3).name()).isEqualTo("c");
  }

  @Test
  void entryStartingWithHash_commentsOutTheRestOfItsLine_only() {
    ApiKeys keys =
        ApiKeys.parse(
            "a:"
                + S1
                + "=admin;# b:"
                + S2
                + "=admin;c:"
                + S3
                + "=admin\nd:"
                + S4
                + "=tickets:issue",
            "AUTHSTORE_API_KEYS");

    assertThat(keys.size()).isEqualTo(2);
    assertThat(keys.find(S1).name()).isEqualTo("a");
    assertThat(keys.find(S2)).isNull();
    assertThat(keys.find(S3)).as("after a commented-out entry on the same line").isNull();
    assertThat(keys.find(S4).name()).isEqualTo("d");
  }

  @Test
  void entriesOnOneLine_andOnSeveral_areAllRead() {
    ApiKeys keys =
        ApiKeys.parse(
            "a:" + S1 + "=admin; b:" + S2 + "=tickets:issue\n\n;c:" + S3 + "=tickets:consume;",
            "file");

    assertThat(keys.size()).isEqualTo(3);
    assertThat(keys.find(S2).name()).isEqualTo("b");
    assertThat(keys.find(S3).name()).isEqualTo("c");
  }

  @Test
  void entryWrittenSecretFirst_isRefused_withoutTheSecretInTheMessage() {
    assertThatThrownBy(() -> ApiKeys.parse(S1 + ":checkout=tickets:issue", "AUTHSTORE_API_KEYS"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("AUTHSTORE_API_KEYS entry 1")
        .hasMessageContaining("secret must be")
        .hasMessageNotContaining(S1)
        .hasMessageNotContaining(S1.substring(0, 16));
  }

  @Test
  void entryOfTwoSecrets_withABadScope_isRefused_withoutEitherInTheMessage() {
    assertThatThrownBy(() -> ApiKeys.parse(S1 + ":" + S2 + "=nope", "file"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("file entry 1")
        .hasMessageNotContaining(S1)
        .hasMessageNotContaining(S2);
  }

  @Test
  void shortName_isNamedInTheMessage() {
    assertThatThrownBy(() -> ApiKeys.parse("checkout:short=tickets:issue", "file"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'checkout'")
        .hasMessageContaining("length 5");
    assertThatThrownBy(() -> ApiKeys.parse("ops:" + S1 + "=admin\nops:" + S2 + "=admin", "file"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("file entry 2")
        .hasMessageContaining("'ops'")
        .hasMessageContaining("repeated");
  }
}
