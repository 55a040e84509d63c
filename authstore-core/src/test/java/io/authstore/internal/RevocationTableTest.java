package io.authstore.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RevocationTableTest {
  private static final long NEVER = Long.MAX_VALUE;

  @Test
  void get_keyNeverStored_isAbsent() {
    RevocationTable table = new RevocationTable(0);

    assertThat(table.get(42)).isEqualTo(RevocationTable.ABSENT);
    assertThat(table.isEmpty()).isTrue();
    assertThat(table.size()).isZero();
  }

  @Test
  void putMaxIfLive_valueExpiredAtTheClock_storesNothing() {
    RevocationTable table = new RevocationTable(0);

    assertThat(table.putMaxIfLive(42, 1_000, () -> 1_000)).isZero();

    assertThat(table.get(42)).isEqualTo(RevocationTable.ABSENT);
    assertThat(table.size()).isZero();
  }

  @Test
  void putMaxIfLive_liveValue_isStored_withTheOffsetCounted() {
    RevocationTable table = new RevocationTable(500);

    table.putMaxIfLive(42, 1_000, () -> 1_400); // alive until 1_500

    assertThat(table.get(42)).isEqualTo(1_000);
    assertThat(table.size()).isEqualTo(1);
  }

  @Test
  void putMax_thenGet_returnsTheValue() {
    RevocationTable table = new RevocationTable(0);

    table.putMax(42, 1_000, 0);

    assertThat(table.get(42)).isEqualTo(1_000);
    assertThat(table.get(43)).isEqualTo(RevocationTable.ABSENT);
    assertThat(table.size()).isEqualTo(1);
    assertThat(table.isEmpty()).isFalse();
  }

  @Test
  void putMax_keepsTheLargerValue() {
    RevocationTable table = new RevocationTable(0);

    table.putMax(42, 1_000, 0);
    table.putMax(42, 500, 0);
    assertThat(table.get(42)).isEqualTo(1_000);

    table.putMax(42, 2_000, 0);
    assertThat(table.get(42)).isEqualTo(2_000);
    assertThat(table.size()).isEqualTo(1);
  }

  @Test
  void putMax_keysWithTheSameHomeSlotAndFingerprint_areAllKept() {
    RevocationTable table = new RevocationTable(0);
    int keys = 2_000;

    // Equal low bits (one home slot) and equal top byte (one fingerprint): only the key tells.
    for (long i = 0; i < keys; i++) {
      table.putMax(i << 20, i + 1, 0);
    }

    for (long i = 0; i < keys; i++) {
      assertThat(table.get(i << 20)).as("key %d", i).isEqualTo(i + 1);
    }
    assertThat(table.get((long) keys << 20)).isEqualTo(RevocationTable.ABSENT);
    assertThat(table.size()).isEqualTo(keys);
  }

  @Test
  void growth_throughManyRebuilds_keepsEveryLiveKey() {
    RevocationTable table = new RevocationTable(0);
    int keys = 200_000;
    int capacityBefore = capacity(table);

    for (int i = 0; i < keys; i++) {
      table.putMax(key(i), i + 1, 0);
    }

    assertThat(capacity(table)).isGreaterThanOrEqualTo(keys).isGreaterThan(capacityBefore * 1024);
    assertThat(table.size()).isEqualTo(keys);
    int missing = 0;
    int phantom = 0;
    for (int i = 0; i < keys; i++) {
      if (table.get(key(i)) != i + 1) {
        missing++;
      }
      if (table.get(absentKey(i)) != RevocationTable.ABSENT) {
        phantom++;
      }
    }
    assertThat(missing).as("live keys not found with their value").isZero();
    assertThat(phantom).as("keys never stored but found").isZero();
  }

  @Test
  void growth_dropsExpiredEntries_andKeepsEveryLiveOne() {
    RevocationTable table = new RevocationTable(0);
    int keys = 50_000;

    // Even keys expire at 1_000; odd keys never do. Later writes happen after 1_000.
    for (int i = 0; i < keys; i++) {
      table.putMax(key(i), i % 2 == 0 ? 1_000 : NEVER, i < keys / 2 ? 0 : 2_000);
    }

    int missing = 0;
    for (int i = 1; i < keys; i += 2) {
      if (table.get(key(i)) != NEVER) {
        missing++;
      }
    }
    assertThat(missing).as("live keys lost").isZero();
    int sizeBeforePurge = table.size();
    assertThat(sizeBeforePurge).as("expired entries reclaimed by later writes").isLessThan(keys);
    assertThat(table.purge(2_000)).isEqualTo(sizeBeforePurge - keys / 2);
    assertThat(table.size()).isEqualTo(keys / 2);
  }

  @Test
  void sweep_reclaimsExpiredEntriesAsWritesHappen() {
    RevocationTable table = new RevocationTable(0);
    for (int i = 0; i < 1_000; i++) {
      table.putMax(key(i), 100, 0);
    }
    assertThat(capacity(table)).isEqualTo(2_048);

    // 256 writes examine 8 slots each: the whole table of 2,048 slots, with no rebuild (1,256
    // occupied slots stay under 70%). Every expired entry is reclaimed on the way.
    for (int i = 0; i < 256; i++) {
      table.putMax(absentKey(i), NEVER, 200);
    }

    assertThat(capacity(table)).isEqualTo(2_048);
    assertThat(table.size()).isEqualTo(256);
    for (int i = 0; i < 1_000; i++) {
      assertThat(table.get(key(i))).isEqualTo(RevocationTable.ABSENT);
    }
  }

  @Test
  void purge_reclaimsEveryExpiredEntry_returnsTheCount_andSizeDrops() {
    RevocationTable table = new RevocationTable(0);
    for (int i = 0; i < 10_000; i++) {
      table.putMax(key(i), i % 4 == 0 ? NEVER : 100, 0);
    }

    assertThat(table.purge(99)).isZero();
    assertThat(table.size()).isEqualTo(10_000);

    assertThat(table.purge(100)).isEqualTo(7_500);
    assertThat(table.size()).isEqualTo(2_500);
    for (int i = 0; i < 10_000; i++) {
      assertThat(table.get(key(i)))
          .as("key %d", i)
          .isEqualTo(i % 4 == 0 ? NEVER : RevocationTable.ABSENT);
    }
    assertThat(table.purge(100)).isZero();
  }

  @Test
  void purge_ofAMostlyEmptyTable_shrinksIt_andKeepsTheLiveEntries() {
    RevocationTable table = new RevocationTable(0);
    for (int i = 0; i < 100_000; i++) {
      table.putMax(key(i), i < 10 ? NEVER : 100, 0);
    }
    int grown = capacity(table);

    assertThat(table.purge(100)).isEqualTo(100_000 - 10);

    assertThat(capacity(table)).isLessThan(grown).isLessThanOrEqualTo(64);
    assertThat(table.size()).isEqualTo(10);
    for (int i = 0; i < 10; i++) {
      assertThat(table.get(key(i))).isEqualTo(NEVER);
    }
    table.putMax(key(10), NEVER, 100);
    assertThat(table.get(key(10))).isEqualTo(NEVER);
  }

  @Test
  void purge_ofATableStillMostlyLive_keepsItsCapacity() {
    RevocationTable table = new RevocationTable(0);
    for (int i = 0; i < 1_000; i++) {
      table.putMax(key(i), i % 2 == 0 ? NEVER : 100, 0);
    }
    int capacity = capacity(table);

    table.purge(100);

    assertThat(capacity(table)).isEqualTo(capacity);
  }

  @Test
  void key_reinsertedAfterItWasReclaimed_isFoundWithTheNewValue() {
    RevocationTable table = new RevocationTable(0);
    table.putMax(42, 100, 0);
    table.purge(100);
    assertThat(table.get(42)).isEqualTo(RevocationTable.ABSENT);

    table.putMax(42, 300, 200);

    assertThat(table.get(42)).isEqualTo(300);
    assertThat(table.size()).isEqualTo(1);
  }

  @Test
  void expiryOffset_isAddedToTheValue() {
    RevocationTable table = new RevocationTable(1_000);
    table.putMax(42, 500, 0);

    assertThat(table.purge(1_499)).isZero();
    assertThat(table.purge(1_500)).isEqualTo(1);
  }

  @Test
  void expiryOffset_overflowingPastLongMax_neverExpires() {
    RevocationTable table = new RevocationTable(1_000);
    table.putMax(42, Long.MAX_VALUE - 10, 0);

    assertThat(table.purge(Long.MAX_VALUE)).isZero();
    assertThat(table.get(42)).isEqualTo(Long.MAX_VALUE - 10);
  }

  /**
   * A writer inserts a million keys, rebuilding the table many times, and publishes how many it has
   * inserted after each. A reader, concurrently, must find every key inserted before its read
   * started, with its value, and no key never inserted.
   */
  @Test
  void concurrentReader_neverMissesAKeyInsertedBeforeTheReadStarted_whileAWriterInsertsAMillion()
      throws InterruptedException {
    RevocationTable table = new RevocationTable(0);
    int keys = 1_000_000;
    AtomicInteger inserted = new AtomicInteger();
    AtomicBoolean writerDone = new AtomicBoolean();
    AtomicInteger checks = new AtomicInteger();
    AtomicInteger missed = new AtomicInteger();
    AtomicInteger phantom = new AtomicInteger();
    AtomicReference<Throwable> readerFailure = new AtomicReference<>();
    CountDownLatch start = new CountDownLatch(1);
    Thread reader =
        new Thread(
            () -> {
              try {
                start.await();
                SplittableRandom random = new SplittableRandom(7);
                boolean lastRound;
                do {
                  lastRound = writerDone.get();
                  int n = inserted.get();
                  if (n == 0) {
                    continue;
                  }
                  int newest = n - 1;
                  int older = random.nextInt(n);
                  if (table.get(key(newest)) != newest + 1) {
                    missed.incrementAndGet();
                  }
                  if (table.get(key(older)) != older + 1) {
                    missed.incrementAndGet();
                  }
                  if (table.get(absentKey(random.nextInt(keys))) != RevocationTable.ABSENT) {
                    phantom.incrementAndGet();
                  }
                  checks.incrementAndGet();
                } while (!lastRound);
              } catch (Throwable t) {
                readerFailure.set(t);
              }
            },
            "revocation-table-reader");
    reader.start();

    start.countDown();
    for (int i = 0; i < keys; i++) {
      table.putMax(key(i), i + 1, 0);
      inserted.set(i + 1);
    }
    writerDone.set(true);
    reader.join();

    assertThat(readerFailure.get()).isNull();
    assertThat(missed.get()).isZero();
    assertThat(phantom.get()).isZero();
    assertThat(checks.get()).isPositive();
    assertThat(table.size()).isEqualTo(keys);
  }

  /** Distinct, well-spread keys: fmix64 is a bijection, so distinct inputs never collide. */
  private static long key(int i) {
    return fmix64(i + 1L);
  }

  /** Keys from another input range than {@link #key}: never equal to one of them. */
  private static long absentKey(int i) {
    return fmix64(-(i + 1L));
  }

  private static long fmix64(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }

  /** The table's slot count: white-box, to see it grow and shrink. */
  private static int capacity(RevocationTable table) {
    try {
      Field slotsField = RevocationTable.class.getDeclaredField("slots");
      slotsField.setAccessible(true);
      Object slots = slotsField.get(table);
      Field tags = slots.getClass().getDeclaredField("tags");
      tags.setAccessible(true);
      return ((byte[]) tags.get(slots)).length;
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("RevocationTable's layout changed; update this test", e);
    }
  }
}
