package io.authstore.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.LongSupplier;

/**
 * A compact map from 64-bit keys to 64-bit values that expire, built for a read path that never
 * blocks and costs one cache line in the common case.
 *
 * <h2>Layout</h2>
 *
 * Open addressing with linear probing over two parallel arrays of the same capacity (a power of
 * two): {@code tags}, one byte a slot ({@code 0} empty, {@code 0xFF} deleted, otherwise an 8-bit
 * fingerprint of the key in {@code 1..254}), and {@code entries}, two longs a slot (key, value). A
 * lookup for an absent key scans a few adjacent tag bytes and stops at an empty one, touching the
 * entries only when a fingerprint matches (1 in 254 per occupied slot), so a miss touches one line
 * of the tag array, which at a million entries is 2 MiB and mostly stays in cache. A slot costs 17
 * bytes; the table is rebuilt at 70% occupancy into one at most 50% full, so an entry costs 24 to
 * 48 bytes.
 *
 * <h2>Concurrency</h2>
 *
 * Thread-safe. Readers take no lock. Writers hold this object's monitor. Safety for readers rests
 * on three rules: (1) a slot's key is written before its tag is published (release), and readers
 * read the tag first (acquire); (2) a published slot's key never changes: a deleted slot is not
 * reused, only dropped when the table is rebuilt into new arrays, which are published through a
 * volatile field; (3) a value only grows, written atomically. A reader therefore sees, for a key,
 * either no entry or an entry with one of the values it has had, never another key's value.
 *
 * <h2>Expiry</h2>
 *
 * An entry expires when {@code value + expiryOffset <= now}. Readers compare themselves; writers
 * reclaim expired entries incrementally: each insert examines {@value #SWEEP_PER_WRITE} slots after
 * a moving cursor, and a rebuild keeps only live entries. Memory therefore follows the number of
 * live entries under a steady write rate. {@link #purge(long)} walks everything for maintenance,
 * taking the lock for one chunk at a time so writers never wait for a whole walk.
 */
public final class RevocationTable {
  /** What {@link #get(long)} returns for a key it does not hold. */
  public static final long ABSENT = Long.MIN_VALUE;

  private static final byte EMPTY = 0;
  private static final byte DELETED = (byte) 0xFF;
  private static final int MIN_CAPACITY = 16;
  private static final int MAX_CAPACITY = 1 << 30;
  private static final int SWEEP_PER_WRITE = 8;
  private static final int PURGE_CHUNK = 4096;

  private static final VarHandle TAGS = MethodHandles.arrayElementVarHandle(byte[].class);
  private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

  private static final class Slots {
    final byte[] tags;
    final long[] entries;
    final int mask;
    final int maxOccupied;
    int occupied; // live + deleted; guarded by the table's monitor

    Slots(int capacity) {
      this.tags = new byte[capacity];
      this.entries = new long[capacity * 2];
      this.mask = capacity - 1;
      this.maxOccupied = (int) (capacity * 0.7);
    }
  }

  private final long expiryOffset;
  private volatile Slots slots = new Slots(MIN_CAPACITY);
  private volatile int live;
  private int sweepCursor; // guarded by this

  /**
   * @param expiryOffset added to a value to get the instant (epoch millis) it expires at
   */
  public RevocationTable(long expiryOffset) {
    this.expiryOffset = expiryOffset;
  }

  /**
   * @return the value stored for {@code key}, expired or not, or {@link #ABSENT}
   */
  public long get(long key) {
    Slots s = slots;
    byte[] tags = s.tags;
    long[] entries = s.entries;
    int mask = s.mask;
    byte tag = tagOf(key);
    for (int i = (int) key & mask; ; i = (i + 1) & mask) {
      byte t = (byte) TAGS.getAcquire(tags, i);
      if (t == EMPTY) {
        return ABSENT;
      }
      if (t == tag && entries[2 * i] == key) {
        return (long) LONGS.getOpaque(entries, 2 * i + 1);
      }
    }
  }

  /**
   * @return true if the table holds no entry, live or expired-but-not-reclaimed
   */
  public boolean isEmpty() {
    return live == 0;
  }

  /**
   * @return entries held, including expired ones not yet reclaimed
   */
  public int size() {
    return live;
  }

  /**
   * As {@link #putMax}, but reads the time under the table's lock and stores nothing that has
   * expired by then. For changes that arrive from elsewhere (a replication feed, a snapshot): one
   * that arrives late cannot bring back an entry that a purge has just removed.
   *
   * @param clock the current time in the table's unit
   * @return how many expired entries were reclaimed on the way
   */
  public synchronized int putMaxIfLive(long key, long value, LongSupplier clock) {
    long now = clock.getAsLong();
    if (isExpired(value, now)) {
      return 0;
    }
    return putMax(key, value, now);
  }

  /**
   * Stores {@code value} for {@code key}, or keeps the stored value if it is larger.
   *
   * @param now the current time, for reclaiming expired entries on the way
   * @return how many expired entries were reclaimed on the way
   */
  public synchronized int putMax(long key, long value, long now) {
    Slots s = slots;
    byte tag = tagOf(key);
    int i = (int) key & s.mask;
    for (; ; i = (i + 1) & s.mask) {
      byte t = s.tags[i];
      if (t == EMPTY) {
        break;
      }
      if (t == tag && s.entries[2 * i] == key) {
        if (value > s.entries[2 * i + 1]) {
          LONGS.setRelease(s.entries, 2 * i + 1, value);
        }
        return 0;
      }
    }
    int reclaimed = 0;
    if (s.occupied + 1 > s.maxOccupied) {
      int before = live;
      s = rebuild(now, live + 1);
      reclaimed = before - live;
      i = (int) key & s.mask;
      while (s.tags[i] != EMPTY) {
        i = (i + 1) & s.mask;
      }
    }
    s.entries[2 * i] = key;
    s.entries[2 * i + 1] = value;
    TAGS.setRelease(s.tags, i, tag);
    s.occupied++;
    live++;
    return reclaimed + sweep(s, now, SWEEP_PER_WRITE);
  }

  /**
   * Reclaims every expired entry, one chunk of slots per lock acquisition, and shrinks the table
   * when it has become mostly empty.
   *
   * @return how many entries were reclaimed
   */
  public int purge(long now) {
    int removed = 0;
    for (int start = 0; ; start += PURGE_CHUNK) {
      synchronized (this) {
        Slots s = slots;
        if (start >= s.tags.length) {
          if (live * 8 < s.tags.length && s.tags.length > MIN_CAPACITY) {
            rebuild(now, live);
          }
          return removed;
        }
        removed += sweepRange(s, now, start, Math.min(start + PURGE_CHUNK, s.tags.length));
      }
    }
  }

  /** Receives the live entries of a table. */
  @FunctionalInterface
  public interface EntryConsumer {
    /**
     * @param key an entry's key
     * @param value its value
     */
    void accept(long key, long value);
  }

  /**
   * Hands every entry that has not expired at {@code now} to {@code consumer}. Reads the arrays
   * published when the call starts, without the lock, as readers do: every entry present then is
   * seen (a rebuild publishes new arrays and leaves the old ones untouched); entries written
   * meanwhile may or may not be. For replication (writing a view back to an emptied Redis), never
   * on a request path.
   *
   * @param now the current time
   * @param consumer receives each live entry
   */
  public void forEachLive(long now, EntryConsumer consumer) {
    Slots s = slots;
    for (int i = 0; i < s.tags.length; i++) {
      byte t = (byte) TAGS.getAcquire(s.tags, i);
      if (t != EMPTY && t != DELETED) {
        long value = (long) LONGS.getOpaque(s.entries, 2 * i + 1);
        if (!isExpired(value, now)) {
          consumer.accept(s.entries[2 * i], value);
        }
      }
    }
  }

  // Examines up to n slots after the cursor; called with the monitor held.
  private int sweep(Slots s, long now, int n) {
    int start = sweepCursor & s.mask;
    int end = Math.min(start + n, s.tags.length);
    sweepCursor = end;
    return sweepRange(s, now, start, end);
  }

  private int sweepRange(Slots s, long now, int from, int to) {
    int removed = 0;
    for (int i = from; i < to; i++) {
      byte t = s.tags[i];
      if (t != EMPTY && t != DELETED && isExpired(s.entries[2 * i + 1], now)) {
        TAGS.setRelease(s.tags, i, DELETED);
        removed++;
      }
    }
    live -= removed;
    return removed;
  }

  /**
   * Copies the live entries into new arrays sized for {@code expectedLive}, then publishes them.
   */
  private Slots rebuild(long now, int expectedLive) {
    Slots old = slots;
    Slots next = new Slots(capacityFor(expectedLive));
    int kept = 0;
    for (int i = 0; i < old.tags.length; i++) {
      byte t = old.tags[i];
      long value = old.entries[2 * i + 1];
      if (t == EMPTY || t == DELETED || isExpired(value, now)) {
        continue;
      }
      long key = old.entries[2 * i];
      int j = (int) key & next.mask;
      while (next.tags[j] != EMPTY) {
        j = (j + 1) & next.mask;
      }
      next.entries[2 * j] = key;
      next.entries[2 * j + 1] = value;
      next.tags[j] = t;
      kept++;
    }
    next.occupied = kept;
    live = kept;
    sweepCursor = 0;
    slots = next; // volatile write publishes the filled arrays to readers
    return next;
  }

  private static int capacityFor(int entries) {
    long wanted = Math.max(MIN_CAPACITY, (long) entries * 2);
    if (wanted > MAX_CAPACITY) {
      throw new IllegalStateException("revocation table cannot hold " + entries + " entries");
    }
    return Integer.highestOneBit((int) (wanted - 1)) << 1;
  }

  private boolean isExpired(long value, long now) {
    long expiresAt = value + expiryOffset;
    // Saturate: a value near Long.MAX_VALUE never expires.
    if (expiryOffset > 0 && expiresAt < value) {
      return false;
    }
    return expiresAt <= now;
  }

  /** Returns the 8-bit fingerprint in 1..254 from the key's top bits; the index uses low bits. */
  private static byte tagOf(long key) {
    return (byte) (1 + (((key >>> 56) * 254) >>> 8));
  }
}
