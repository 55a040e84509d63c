package io.authstore.contract;

import io.authstore.CapacityExceededException;
import io.authstore.StoreListener;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A thread-safe {@link StoreListener} that counts every event, for the contract tests. */
final class RecordingListener implements StoreListener {
  final AtomicInteger revoked = new AtomicInteger();
  final AtomicInteger subjectRevoked = new AtomicInteger();
  final AtomicInteger checkedRevoked = new AtomicInteger();
  final AtomicInteger checkedNotRevoked = new AtomicInteger();
  final AtomicInteger ticketIssued = new AtomicInteger();
  final AtomicInteger ticketConsumed = new AtomicInteger();
  final List<String> ticketReusedPrefixes = new CopyOnWriteArrayList<>();
  final AtomicInteger ticketRejected = new AtomicInteger();
  final Map<CapacityExceededException.Scope, AtomicInteger> capacityExceeded =
      new ConcurrentHashMap<>();
  final AtomicInteger reclaimed = new AtomicInteger();
  final List<Integer> reclaimedCounts = new CopyOnWriteArrayList<>();

  @Override
  public void revoked() {
    revoked.incrementAndGet();
  }

  @Override
  public void subjectRevoked() {
    subjectRevoked.incrementAndGet();
  }

  @Override
  public void revocationChecked(boolean isRevoked) {
    (isRevoked ? checkedRevoked : checkedNotRevoked).incrementAndGet();
  }

  @Override
  public void ticketIssued() {
    ticketIssued.incrementAndGet();
  }

  @Override
  public void ticketConsumed() {
    ticketConsumed.incrementAndGet();
  }

  @Override
  public void ticketReused(String hashPrefix) {
    ticketReusedPrefixes.add(hashPrefix);
  }

  @Override
  public void ticketRejected() {
    ticketRejected.incrementAndGet();
  }

  @Override
  public void capacityExceeded(CapacityExceededException.Scope scope) {
    capacityExceeded.computeIfAbsent(scope, s -> new AtomicInteger()).incrementAndGet();
  }

  @Override
  public void expiredReclaimed(int count) {
    reclaimedCounts.add(count);
    reclaimed.addAndGet(count);
  }

  int capacityExceededCount(CapacityExceededException.Scope scope) {
    AtomicInteger n = capacityExceeded.get(scope);
    return n == null ? 0 : n.get();
  }
}
