package io.authstore.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What {@link AuthstoreServer} puts in an error body, checked without starting it. */
class AuthstoreServerTest {
  @Test
  void invalidRequestMessage_ofAnExceptionWithoutMessage_isAText_neverNull() {
    assertThat(AuthstoreServer.invalidRequestMessage(new IllegalArgumentException()))
        .isEqualTo("invalid request");
    assertThat(AuthstoreServer.invalidRequestMessage(new IllegalArgumentException(" ")))
        .isEqualTo("invalid request");
  }

  @Test
  void invalidRequestMessage_ofAnExceptionWithAMessage_isThatMessage() {
    assertThat(AuthstoreServer.invalidRequestMessage(new IllegalArgumentException("jti too long")))
        .isEqualTo("jti too long");
  }
}
