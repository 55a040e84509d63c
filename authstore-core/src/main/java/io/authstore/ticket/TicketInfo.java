package io.authstore.ticket;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What a consumed ticket stood for. Immutable and thread-safe.
 *
 * @param subject whom the ticket was issued for
 * @param attributes the attributes given at issue; unmodifiable
 * @param issuedAt when it was issued
 * @param expiresAt when it would have expired
 */
public record TicketInfo(
    String subject, Map<String, String> attributes, Instant issuedAt, Instant expiresAt) {
  /**
   * @throws NullPointerException if an argument is null
   */
  public TicketInfo {
    Objects.requireNonNull(subject, "subject");
    attributes = Map.copyOf(attributes);
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }
}
