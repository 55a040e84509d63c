package io.authstore;

/**
 * Receives a call for each event a store observes, for metrics and audit. Every method has an empty
 * default, so an unused hook costs nothing once inlined; {@link #NOOP} is the default listener.
 *
 * <p>Implementations must be thread-safe, must not block and must not throw: they are called on the
 * caller's thread, on the request path. No method receives a ticket, a token or a key.
 */
public interface StoreListener {

  /** A listener that ignores every event. */
  StoreListener NOOP = new StoreListener() {};

  /**
   * A jti revocation was stored (not called for an already-expired token, which stores nothing).
   */
  default void revoked() {}

  /** A subject-wide "revoke everything issued before" marker was stored. */
  default void subjectRevoked() {}

  /**
   * A revocation check was answered.
   *
   * @param revoked the answer
   */
  default void revocationChecked(boolean revoked) {}

  /** A ticket was issued. */
  default void ticketIssued() {}

  /** A ticket was presented for the first time and consumed. */
  default void ticketConsumed() {}

  /**
   * A consumed ticket was presented again: a theft signal.
   *
   * @param hashPrefix the first hex characters of the ticket's SHA-256, to correlate log lines
   *     without revealing the ticket
   */
  default void ticketReused(String hashPrefix) {}

  /** A ticket was presented that is unknown, malformed, revoked or expired. */
  default void ticketRejected() {}

  /**
   * An issue was refused because a cap was reached.
   *
   * @param scope which cap
   */
  default void capacityExceeded(CapacityExceededException.Scope scope) {}

  /**
   * Expired entries were reclaimed.
   *
   * @param count how many entries were removed; at least 1
   */
  default void expiredReclaimed(int count) {}
}
