package io.authstore.ticket;

import java.util.Objects;

/**
 * The outcome of presenting a ticket. Immutable and thread-safe.
 *
 * <p>Callers outside the trust boundary should see one answer for every outcome but {@link
 * Outcome#CONSUMED}; the distinction is for logs and metrics.
 */
public final class ConsumeResult {
  /** What happened to a presented ticket. */
  public enum Outcome {
    /** First presentation of a live ticket: accepted, and now used up. */
    CONSUMED,
    /** The ticket was consumed before and has not expired: a reuse, counted as a theft signal. */
    REUSED,
    /** Not a ticket of this store, revoked, malformed, or past its expiry. */
    UNKNOWN_OR_EXPIRED
  }

  private static final ConsumeResult REUSED = new ConsumeResult(Outcome.REUSED, null);
  private static final ConsumeResult UNKNOWN = new ConsumeResult(Outcome.UNKNOWN_OR_EXPIRED, null);

  private final Outcome outcome;
  private final TicketInfo ticket;

  private ConsumeResult(Outcome outcome, TicketInfo ticket) {
    this.outcome = outcome;
    this.ticket = ticket;
  }

  /**
   * @param ticket what the consumed ticket stood for
   * @return a {@link Outcome#CONSUMED} result
   */
  public static ConsumeResult consumed(TicketInfo ticket) {
    return new ConsumeResult(Outcome.CONSUMED, Objects.requireNonNull(ticket, "ticket"));
  }

  /**
   * @return the {@link Outcome#REUSED} result
   */
  public static ConsumeResult reused() {
    return REUSED;
  }

  /**
   * @return the {@link Outcome#UNKNOWN_OR_EXPIRED} result
   */
  public static ConsumeResult unknownOrExpired() {
    return UNKNOWN;
  }

  /**
   * @return what happened
   */
  public Outcome outcome() {
    return outcome;
  }

  /**
   * @return true if this presentation consumed the ticket
   */
  public boolean isConsumed() {
    return outcome == Outcome.CONSUMED;
  }

  /**
   * @return what the consumed ticket stood for
   * @throws IllegalStateException if the outcome is not {@link Outcome#CONSUMED}
   */
  public TicketInfo ticket() {
    if (ticket == null) {
      throw new IllegalStateException("no ticket information: outcome is " + outcome);
    }
    return ticket;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConsumeResult other
        && outcome == other.outcome
        && Objects.equals(ticket, other.ticket);
  }

  @Override
  public int hashCode() {
    return Objects.hash(outcome, ticket);
  }

  @Override
  public String toString() {
    return ticket == null ? outcome.toString() : outcome + "[" + ticket + "]";
  }
}
