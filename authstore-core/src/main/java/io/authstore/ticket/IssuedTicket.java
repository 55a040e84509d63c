package io.authstore.ticket;

import java.time.Instant;
import java.util.Objects;

/**
 * A ticket just issued and its expiry. {@link #toString()} leaves the ticket out, so logging this
 * object does not leak it. Immutable and thread-safe.
 *
 * @param ticket the ticket: 43 base64url characters, a bearer secret
 * @param expiresAt when the ticket stops being accepted
 */
public record IssuedTicket(String ticket, Instant expiresAt) {
  /**
   * @throws NullPointerException if an argument is null
   */
  public IssuedTicket {
    Objects.requireNonNull(ticket, "ticket");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  @Override
  public String toString() {
    return "IssuedTicket[ticket=<redacted>, expiresAt=" + expiresAt + "]";
  }
}
