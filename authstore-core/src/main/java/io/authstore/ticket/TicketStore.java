package io.authstore.ticket;

import java.time.Duration;
import java.util.Map;

/**
 * Single-use tickets: a trusted backend issues a short-lived opaque ticket for a subject; another
 * context (an iframe, a redirect, a device) presents it once and gets the subject back.
 *
 * <p>A ticket is 256 bits from {@link java.security.SecureRandom}, base64url (43 characters).
 * Stores keep only its SHA-256, never the ticket. Consuming is atomic across every instance that
 * shares the store: of any number of concurrent presentations exactly one is {@link
 * ConsumeResult.Outcome#CONSUMED}. A consumed ticket stays as a tombstone until its expiry, so a
 * second presentation is told apart as {@link ConsumeResult.Outcome#REUSED} and counted: reuse is a
 * theft signal.
 *
 * <p>Implementations are thread-safe. Operations on a backend that cannot be reached throw {@link
 * io.authstore.StoreUnavailableException} within the configured command timeout.
 */
public interface TicketStore extends AutoCloseable {

  /**
   * Issues a ticket.
   *
   * @param subject whom the ticket stands for; not empty, at most {@link
   *     TicketOptions#maxSubjectLength()} characters
   * @param attributes a few string attributes returned on consume; bounded in count and size by
   *     {@link TicketOptions}; may be empty
   * @param ttl how long the ticket is valid, between {@link TicketOptions#MIN_TTL} and {@link
   *     TicketOptions#maxTtl()}; {@code null} for {@link TicketOptions#defaultTtl()}
   * @return the ticket, to hand to the presenting context, and its expiry
   * @throws NullPointerException if subject or attributes, or a key or value in them, is null
   * @throws IllegalArgumentException if an argument is outside its bound; the message names it
   * @throws io.authstore.CapacityExceededException if the global or per-subject cap on active
   *     tickets is reached; nothing was stored
   * @throws io.authstore.StoreUnavailableException if the store cannot be reached
   */
  IssuedTicket issue(String subject, Map<String, String> attributes, Duration ttl);

  /**
   * Issues a ticket with no attributes and the default TTL.
   *
   * @see #issue(String, Map, Duration)
   */
  default IssuedTicket issue(String subject) {
    return issue(subject, Map.of(), null);
  }

  /**
   * Presents a ticket. The first presentation of a live ticket consumes it; any later one is {@code
   * REUSED} until the ticket's expiry, then {@code UNKNOWN_OR_EXPIRED}. A string that is not shaped
   * like a ticket is {@code UNKNOWN_OR_EXPIRED} without reaching the backend.
   *
   * @param ticket what was presented; any length
   * @return the outcome, with the ticket's subject and attributes when consumed
   * @throws NullPointerException if ticket is null
   * @throws io.authstore.StoreUnavailableException if the store cannot be reached, or did not
   *     answer in time: a remote store may then have consumed the ticket all the same, so a retry
   *     that finds it {@code REUSED} may be this call's own first attempt
   */
  ConsumeResult consume(String ticket);

  /**
   * Invalidates every active ticket of a subject; they become {@code UNKNOWN_OR_EXPIRED}.
   *
   * @param subject the subject
   * @return how many active tickets were invalidated
   * @throws NullPointerException if subject is null
   * @throws IllegalArgumentException if subject is empty or too long
   * @throws io.authstore.StoreUnavailableException if the store cannot be reached
   */
  int revokeSubject(String subject);

  /**
   * @return counts of active and used tickets and running totals
   * @throws io.authstore.StoreUnavailableException if the store cannot be reached
   */
  TicketStats stats();

  /**
   * Reclaims every expired ticket and tombstone now. Stores also reclaim as they go; this is for
   * maintenance tasks and the service's cleanup route.
   *
   * @return how many entries were removed
   * @throws io.authstore.StoreUnavailableException if the store cannot be reached
   */
  int purgeExpired();

  /** Releases the store's resources. Further calls fail with {@link IllegalStateException}. */
  @Override
  void close();
}
