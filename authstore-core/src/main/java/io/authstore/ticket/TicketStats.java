package io.authstore.ticket;

/**
 * A snapshot of a ticket store's counts. Immutable and thread-safe.
 *
 * @param active tickets issued, not consumed, not revoked and not expired
 * @param used consumed tickets whose tombstone is still alive (until the ticket's expiry)
 * @param totalIssued tickets issued since the store's counters began
 * @param totalConsumed successful consumes since the counters began
 * @param totalReuseAttempts presentations of an already consumed ticket since the counters began
 * @param maxActive the configured cap on active tickets
 */
public record TicketStats(
    long active,
    long used,
    long totalIssued,
    long totalConsumed,
    long totalReuseAttempts,
    long maxActive) {}
