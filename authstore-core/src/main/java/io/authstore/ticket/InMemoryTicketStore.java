package io.authstore.ticket;

import io.authstore.CapacityExceededException;
import io.authstore.StoreListener;
import io.authstore.internal.Arguments;
import io.authstore.internal.TicketCodec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link TicketStore} in this process's memory: the zero-setup default for a single instance.
 *
 * <h2>Structure</h2>
 *
 * Tickets are indexed by the SHA-256 of the ticket; the ticket itself is handed to the caller and
 * forgotten. Beside the index, an ordered set by expiry and a set of active tickets per subject.
 * Drawing the random ticket and hashing it, the expensive parts, run outside the lock; the lock
 * covers only the map updates, so consume is trivially exactly-once.
 *
 * <h2>Expiry</h2>
 *
 * Every operation first removes the entries whose expiry (read from the clock in the {@link
 * TicketOptions}) has passed, taken in order from the expiry set: each entry is removed once, at
 * O(log n), so the cost is amortized over the issues that created them and no operation walks the
 * whole store. Counts and caps are therefore exact at every call. A consumed ticket stays as a
 * tombstone until its own expiry; tombstone memory is bounded by the issue rate times the maximum
 * TTL.
 *
 * <p>Thread-safe.
 */
public final class InMemoryTicketStore implements TicketStore {
  private static final int HASH_PREFIX_CHARS = 12;

  private final TicketOptions options;
  private final Clock clock;
  private final StoreListener listener;
  private final TicketCodec codec = TicketCodec.create();

  private final ReentrantLock lock = new ReentrantLock();
  // The maps, the set and the counts below are guarded by lock.
  private final Map<Digest, Entry> entries = new HashMap<>();
  private final TreeSet<Entry> byExpiry =
      new TreeSet<>(
          Comparator.comparingLong((Entry e) -> e.expiresAt).thenComparingLong(e -> e.seq));
  private final Map<String, Set<Entry>> activeBySubject = new HashMap<>();
  private long seq;
  private long active;
  private long used;
  private long totalIssued;
  private long totalConsumed;
  private long totalReuseAttempts;
  private volatile boolean closed;

  private InMemoryTicketStore(TicketOptions options) {
    this.options = options;
    this.clock = options.clock();
    this.listener = options.listener();
  }

  /**
   * @return a store with {@link TicketOptions#defaults()}
   */
  public static InMemoryTicketStore create() {
    return create(TicketOptions.defaults());
  }

  /**
   * @param options TTLs, caps, bounds, clock and listener
   * @return a new, empty store
   */
  public static InMemoryTicketStore create(TicketOptions options) {
    return new InMemoryTicketStore(Objects.requireNonNull(options, "options"));
  }

  @Override
  public IssuedTicket issue(String subject, Map<String, String> attributes, Duration ttl) {
    Duration effectiveTtl = options.checkIssue(subject, attributes, ttl);
    Map<String, String> attrs = Map.copyOf(attributes);
    String ticket = codec.newTicket();
    Digest digest = new Digest(TicketCodec.digest(ticket));
    long expiresAt;
    int reclaimed;
    lock.lock();
    try {
      checkOpen();
      long now = clock.millis();
      reclaimed = reclaimExpired(now);
      if (active >= options.maxActive()) {
        throw capacityExceeded(CapacityExceededException.Scope.GLOBAL, options.maxActive());
      }
      Set<Entry> mine = activeBySubject.get(subject);
      if (mine != null && mine.size() >= options.maxActivePerSubject()) {
        throw capacityExceeded(
            CapacityExceededException.Scope.SUBJECT, options.maxActivePerSubject());
      }
      expiresAt = now + effectiveTtl.toMillis();
      Entry e = new Entry(digest, subject, attrs, now, expiresAt, seq++);
      entries.put(digest, e);
      byExpiry.add(e);
      activeBySubject.computeIfAbsent(subject, s -> new HashSet<>()).add(e);
      active++;
      totalIssued++;
    } finally {
      lock.unlock();
    }
    reportReclaimed(reclaimed);
    listener.ticketIssued();
    return new IssuedTicket(ticket, Instant.ofEpochMilli(expiresAt));
  }

  @Override
  public ConsumeResult consume(String ticket) {
    Objects.requireNonNull(ticket, "ticket must not be null");
    if (!TicketCodec.isWellFormed(ticket)) {
      checkOpen();
      listener.ticketRejected();
      return ConsumeResult.unknownOrExpired();
    }
    Digest digest = new Digest(TicketCodec.digest(ticket));
    Entry e;
    boolean reused = false;
    TicketInfo consumed = null;
    int reclaimed;
    lock.lock();
    try {
      checkOpen();
      reclaimed = reclaimExpired(clock.millis());
      e = entries.get(digest);
      if (e != null) {
        if (e.consumed) {
          reused = true;
          totalReuseAttempts++;
        } else {
          e.consumed = true;
          consumed =
              new TicketInfo(
                  e.subject,
                  e.attributes,
                  Instant.ofEpochMilli(e.issuedAt),
                  Instant.ofEpochMilli(e.expiresAt));
          // A tombstone keeps what tells reuse from unknown, not the attributes (up to the
          // attribute bound, for as long as the ticket lives).
          e.attributes = null;
          removeFromSubject(e);
          active--;
          used++;
          totalConsumed++;
        }
      }
    } finally {
      lock.unlock();
    }
    reportReclaimed(reclaimed);
    if (e == null) {
      listener.ticketRejected();
      return ConsumeResult.unknownOrExpired();
    }
    if (reused) {
      listener.ticketReused(TicketCodec.hexPrefix(digest.bytes, HASH_PREFIX_CHARS));
      return ConsumeResult.reused();
    }
    listener.ticketConsumed();
    return ConsumeResult.consumed(consumed);
  }

  @Override
  public int revokeSubject(String subject) {
    Arguments.requireText("subject", subject, options.maxSubjectLength());
    int reclaimed;
    Set<Entry> mine;
    lock.lock();
    try {
      checkOpen();
      reclaimed = reclaimExpired(clock.millis());
      mine = activeBySubject.remove(subject);
      if (mine != null) {
        for (Entry e : mine) {
          entries.remove(e.digest);
          byExpiry.remove(e);
        }
        active -= mine.size();
      }
    } finally {
      lock.unlock();
    }
    reportReclaimed(reclaimed);
    return mine == null ? 0 : mine.size();
  }

  @Override
  public TicketStats stats() {
    int reclaimed;
    TicketStats stats;
    lock.lock();
    try {
      checkOpen();
      reclaimed = reclaimExpired(clock.millis());
      stats =
          new TicketStats(
              active, used, totalIssued, totalConsumed, totalReuseAttempts, options.maxActive());
    } finally {
      lock.unlock();
    }
    reportReclaimed(reclaimed);
    return stats;
  }

  @Override
  public int purgeExpired() {
    int reclaimed;
    lock.lock();
    try {
      checkOpen();
      reclaimed = reclaimExpired(clock.millis());
    } finally {
      lock.unlock();
    }
    reportReclaimed(reclaimed);
    return reclaimed;
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      entries.clear();
      byExpiry.clear();
      activeBySubject.clear();
    } finally {
      lock.unlock();
    }
  }

  /**
   * @return the options this store was created with
   */
  public TicketOptions options() {
    return options;
  }

  // Called with the lock held. Removes the entries due at or before now, oldest first.
  private int reclaimExpired(long now) {
    int removed = 0;
    Entry first;
    while ((first = byExpiry.isEmpty() ? null : byExpiry.first()) != null
        && first.expiresAt <= now) {
      byExpiry.pollFirst();
      entries.remove(first.digest);
      if (first.consumed) {
        used--;
      } else {
        removeFromSubject(first);
        active--;
      }
      removed++;
    }
    return removed;
  }

  private void removeFromSubject(Entry e) {
    Set<Entry> mine = activeBySubject.get(e.subject);
    if (mine != null && mine.remove(e) && mine.isEmpty()) {
      activeBySubject.remove(e.subject);
    }
  }

  private CapacityExceededException capacityExceeded(
      CapacityExceededException.Scope scope, long limit) {
    listener.capacityExceeded(scope);
    return new CapacityExceededException(scope, limit);
  }

  private void reportReclaimed(int count) {
    if (count > 0) {
      listener.expiredReclaimed(count);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("store is closed");
    }
  }

  /** A ticket's SHA-256, as a map key. */
  private static final class Digest {
    final byte[] bytes;
    final int hash;

    Digest(byte[] bytes) {
      this.bytes = bytes;
      // The digest is uniformly distributed: its first four bytes are a perfect hash code.
      this.hash =
          (bytes[0] << 24) | (bytes[1] & 0xFF) << 16 | (bytes[2] & 0xFF) << 8 | (bytes[3] & 0xFF);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Digest d && Arrays.equals(bytes, d.bytes);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /** One issued ticket, active or a tombstone. Mutable state is guarded by the store's lock. */
  private static final class Entry {
    final Digest digest;
    final String subject;
    Map<String, String> attributes; // null once consumed
    final long issuedAt;
    final long expiresAt;
    final long seq;
    boolean consumed;

    Entry(
        Digest digest,
        String subject,
        Map<String, String> attributes,
        long issuedAt,
        long expiresAt,
        long seq) {
      this.digest = digest;
      this.subject = subject;
      this.attributes = attributes;
      this.issuedAt = issuedAt;
      this.expiresAt = expiresAt;
      this.seq = seq;
    }
  }
}
