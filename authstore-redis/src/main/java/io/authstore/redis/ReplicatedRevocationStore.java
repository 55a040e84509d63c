package io.authstore.redis;

import io.authstore.StoreListener;
import io.authstore.StoreUnavailableException;
import io.authstore.internal.KeyHash;
import io.authstore.internal.LocalRevocations;
import io.authstore.internal.RevocationTable;
import io.authstore.revocation.RevocationOptions;
import io.authstore.revocation.RevocationStore;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScoredValueScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RevocationStore} that answers checks from a complete local replica of the revocation
 * list, with Redis as the source of truth: a check is a lookup in this process's memory (the same
 * compact table as {@link io.authstore.revocation.InMemoryRevocationStore}), not a round trip.
 *
 * <h2>How the view stays complete</h2>
 *
 * <ul>
 *   <li><b>Write.</b> {@link #revoke} and {@link #revokeSubject} run one script that adds the entry
 *       to a sorted set and appends a change record to a Redis Stream, atomically; the call returns
 *       after Redis acknowledged it (and the entry is applied locally at once).
 *   <li><b>Bootstrap.</b> On start the follower reads the stream's last id (the position), then the
 *       sorted sets with {@code ZSCAN} in pages, never blocking Redis for long, then follows the
 *       stream from the position. A revocation written during the snapshot is after the position,
 *       so it is read from the stream if the snapshot missed it. Not ready until then.
 *   <li><b>Follow.</b> One background thread on its own connection loops: {@code GET} of the epoch
 *       and sequence keys, then {@code XREAD BLOCK} from the last applied id, pipelined. A loop
 *       that read the feed to its end with nothing known missing confirms the view complete as of
 *       when it was sent.
 *   <li><b>Gaps.</b> Every change record carries the next number of a sequence incremented in the
 *       same atomic write, so a record trimmed before this view read it shows as a jump, which
 *       triggers a full resync. Local entries are never dropped by a resync: it only adds.
 *   <li><b>Redis that lost data</b> (restart without persistence or from an older snapshot, a
 *       failover to a lagging replica, {@code FLUSHALL}): the epoch key, a random value set by the
 *       first writer, is gone or changed, or the sequence went backwards. Every instance then
 *       writes its unexpired entries back, with change records, and resyncs; so no revocation held
 *       by any instance disappears, and instances started meanwhile receive them from the stream.
 * </ul>
 *
 * <h2>Freshness, and what it means for security</h2>
 *
 * The view is confirmed complete each time a follow loop returns. When the last confirmation is
 * older than {@link ReplicationOptions#maxStaleness()} (default 5 s), the policy applies: {@link
 * ReplicationOptions.StalenessPolicy#FAIL_CLOSED} (default) makes checks throw {@link
 * StoreUnavailableException}; {@code SERVE_STALE} keeps answering and {@link #state()} reports
 * {@link State#STALE}. Before the first bootstrap finished, checks fail under either policy: there
 * is nothing to serve.
 *
 * <p>When Redis is down for every instance, the views stay complete: nobody can revoke (a revoke
 * needs Redis to acknowledge), so serving stale is safe there. The risk is a partition: this
 * instance cut off while others still reach Redis and revoke. Under {@code FAIL_CLOSED} it stops
 * answering after {@code maxStaleness}; under {@code SERVE_STALE} it may accept a token revoked
 * during the partition, for as long as the partition lasts. Choose {@code SERVE_STALE} only where
 * availability outweighs that window.
 *
 * <h2>Storage details</h2>
 *
 * Every key shares the hash tag {@code {revocations}} (one Cluster slot, so the write is atomic):
 * {@code <prefix>{revocations}:jti} and {@code :sub}, sorted sets whose members are the 16 hex
 * digits of a 64-bit hash of issuer and jti (or subject) with a fixed seed, scores the expiry (or
 * {@code notBefore}) in epoch ms; {@code :log}, the change stream, trimmed to about {@link
 * ReplicationOptions#feedMaxLength()}; {@code :seq}, the sequence, and {@code :epoch}: two
 * fixed-size keys without a TTL, which must outlive the entries to tell an emptied Redis from an
 * idle one. Keys carry TTLs as in {@link RedisRevocationStore}. Hashing the pair means the view can
 * write its entries back without keeping the strings; the chance of a false "revoked" for random
 * jtis is the one stated in {@link io.authstore.revocation.InMemoryRevocationStore}.
 *
 * <p><b>Known limitation:</b> the seed is fixed and {@link KeyHash} is not a keyed PRF, so strings
 * can be built to collide on purpose. A user who picks their own subject name could craft one whose
 * marker collides with another subject's, and by logging themselves out everywhere also revoke the
 * other subject's tokens (a denial of service, never an acceptance of a revoked token). Replacing
 * the hash with a keyed PRF (SipHash) under a per-deployment secret is planned.
 *
 * <p>Thread-safe. Checks never block and take no lock.
 */
public final class ReplicatedRevocationStore implements RevocationStore {
  private static final Logger log = LoggerFactory.getLogger(ReplicatedRevocationStore.class);
  private static final LuaScript WRITE = LuaScript.load("replicated-write");
  private static final LuaScript RESTORE = LuaScript.load("replicated-restore");
  private static final LuaScript POSITION = LuaScript.load("replicated-position");
  // Fixed so that every instance computes the same member for the same token.
  private static final long JTI_SEED = 0x6a74692d61757468L;
  private static final long SUBJECT_SEED = 0x7375622d61757468L;
  private static final int SCAN_PAGE = 1000;
  private static final int RESTORE_BATCH = 500;
  private static final int FOLLOW_BATCH = 1000;
  private static final String NO_POSITION = "0-0";
  private static final Duration NEVER_CONFIRMED = Duration.ofDays(365 * 100);

  /** Where the view stands. */
  public enum State {
    /** Loading the snapshot: checks fail. */
    BOOTSTRAPPING,
    /** Complete, confirmed within the staleness bound. */
    READY,
    /** Not confirmed within the bound: checks fail or serve stale, per the policy. */
    STALE,
    /** Closed. */
    CLOSED
  }

  private final RedisConnection writer;
  private final RedisConnection follower;
  private final RevocationOptions options;
  private final ReplicationOptions replication;
  private final Clock clock;
  private final StoreListener listener;
  private final ReplicaListener replicaListener;
  private final long maxLifetimeMillis;
  private final String jtiKey;
  private final String subKey;
  private final String logKey;
  private final String epochKey;
  private final String seqKey;
  private final String epochCandidate;
  private final long blockMillis;
  private final LocalRevocations local;
  private final Thread followerThread;
  private final ScheduledExecutorService watchdog;
  private final CountDownLatch firstBootstrap = new CountDownLatch(1);
  private final Object stateLock = new Object();

  private volatile State state = State.BOOTSTRAPPING;
  // The one field a check reads besides the table: true while answers may be given.
  private volatile boolean usable;
  private volatile long confirmedAtNanos;
  private volatile boolean everConfirmed;
  private volatile boolean closed;
  // Follower-thread state.
  private String lastId = NO_POSITION;
  private long lastSeq;
  private String epoch;
  private boolean resyncNeeded = true;
  private ReplicaListener.ResyncReason resyncReason = ReplicaListener.ResyncReason.BOOTSTRAP;

  private ReplicatedRevocationStore(
      RedisConnection writer,
      RedisConnection follower,
      RevocationOptions options,
      ReplicationOptions replication) {
    this.writer = writer;
    this.follower = follower;
    this.options = options;
    this.replication = replication;
    this.clock = options.clock();
    this.listener = options.listener();
    this.replicaListener = replication.listener();
    this.maxLifetimeMillis = options.maxTokenLifetime().toMillis();
    this.local = new LocalRevocations(options, JTI_SEED, SUBJECT_SEED);
    String base = writer.config().keyPrefix() + "{revocations}:";
    this.jtiKey = base + "jti";
    this.subKey = base + "sub";
    this.logKey = base + "log";
    this.epochKey = base + "epoch";
    this.seqKey = base + "seq";
    byte[] random = new byte[16];
    new SecureRandom().nextBytes(random);
    this.epochCandidate = HexFormat.of().formatHex(random);
    // A loop confirms as of when it was sent, so it must return well within the staleness bound;
    // and a blocked read must end before the command timeout cancels it.
    long timeout = writer.config().commandTimeout().toMillis();
    long bound = replication.maxStaleness().toMillis();
    this.blockMillis = Math.max(10, Math.min(1000, Math.min(timeout / 3, bound / 4)));
    this.followerThread = new Thread(this::follow, "authstore-revocation-follower");
    this.followerThread.setDaemon(true);
    this.watchdog =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "authstore-revocation-watchdog");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Connects (two connections: one for writes, one for following the change feed) and starts
   * bootstrapping in the background. Checks fail with {@link StoreUnavailableException} until the
   * view is ready; see {@link #awaitReady(Duration)}.
   *
   * @param config where Redis is
   * @param options limits, clock and listener
   * @param replication staleness bound and policy, feed length, view listener
   * @return the store
   * @throws StoreUnavailableException if Redis cannot be reached at start
   */
  public static ReplicatedRevocationStore connect(
      RedisConnectionConfig config, RevocationOptions options, ReplicationOptions replication) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(replication, "replication");
    RedisConnection writer = RedisConnection.open(config);
    RedisConnection follower;
    try {
      RevocationLayout.REPLICATED.claim(writer);
      follower = RedisConnection.open(config);
    } catch (RuntimeException e) {
      writer.close();
      throw e;
    }
    ReplicatedRevocationStore store =
        new ReplicatedRevocationStore(writer, follower, options, replication);
    store.start();
    return store;
  }

  private void start() {
    followerThread.start();
    long tick = Math.max(10, replication.maxStaleness().toMillis() / 10);
    watchdog.scheduleWithFixedDelay(this::checkFreshness, tick, tick, TimeUnit.MILLISECONDS);
  }

  /**
   * Waits until the first bootstrap finished.
   *
   * @param timeout how long to wait
   * @return true if the view is ready
   */
  public boolean awaitReady(Duration timeout) {
    try {
      return firstBootstrap.await(timeout.toMillis(), TimeUnit.MILLISECONDS)
          && state == State.READY;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * @return where the view stands; {@link State#READY} when checks are answered from a view
   *     confirmed complete within the staleness bound
   */
  public State state() {
    return state;
  }

  /**
   * @return how long ago the view was last confirmed complete; very large before the bootstrap
   */
  public Duration staleness() {
    long at = confirmedAtNanos;
    return everConfirmed ? Duration.ofNanos(System.nanoTime() - at) : NEVER_CONFIRMED;
  }

  @Override
  public void revoke(String issuer, String jti, Instant expiresAt) {
    checkOpen();
    long key = local.jtiKey(issuer, jti);
    long now = clock.millis();
    long exp = local.jtiExpiry(expiresAt, now);
    if (exp == LocalRevocations.NOTHING) {
      return;
    }
    write("j", jtiKey, key, exp, RedisConnection.trimBound(now), exp - now);
    reportReclaimed(local.putJti(key, exp, now));
    listener.revoked();
  }

  @Override
  public void revokeSubject(String issuer, String subject, Instant notBefore) {
    checkOpen();
    long key = local.subjectKey(issuer, subject);
    long now = clock.millis();
    long nb = local.subjectNotBefore(notBefore, now);
    if (nb == LocalRevocations.NOTHING) {
      return;
    }
    write(
        "s",
        subKey,
        key,
        nb,
        RedisConnection.trimBound(now - maxLifetimeMillis),
        nb + maxLifetimeMillis - now);
    reportReclaimed(local.putSubject(key, nb, now));
    listener.subjectRevoked();
  }

  private void write(String kind, String set, long key, long score, long dropAtOrBelow, long life) {
    writer.<String>evalAndAwait(
        WRITE,
        ScriptOutputType.VALUE,
        new String[] {set, logKey, epochKey, seqKey},
        written -> true,
        kind.equals("j") ? "revoke" : "revokeSubject",
        kind,
        member(key),
        Long.toString(score),
        Long.toString(dropAtOrBelow),
        Long.toString(life + RedisConnection.TTL_SLACK_MILLIS),
        Integer.toString(replication.feedMaxLength()),
        epochCandidate);
  }

  @Override
  public boolean isRevoked(String issuer, String jti) {
    checkOpen();
    long key = local.jtiKey(issuer, jti);
    checkUsable();
    boolean revoked = local.isRevoked(key);
    listener.revocationChecked(revoked);
    return revoked;
  }

  @Override
  public boolean isRevoked(String issuer, String jti, String subject, Instant issuedAt) {
    checkOpen();
    long key = local.jtiKey(issuer, jti);
    local.requireSubject(issuer, subject);
    Objects.requireNonNull(issuedAt, "issuedAt must not be null");
    checkUsable();
    boolean revoked = local.isRevoked(key, issuer, subject, issuedAt);
    listener.revocationChecked(revoked);
    return revoked;
  }

  private void checkUsable() {
    if (!usable) {
      throw new StoreUnavailableException(
          "revocation view is "
              + state
              + " (last confirmed complete "
              + staleness().toMillis()
              + " ms ago, bound "
              + replication.maxStaleness().toMillis()
              + " ms)");
    }
  }

  @Override
  public long size() {
    checkOpen();
    return local.size();
  }

  @Override
  public int purgeExpired() {
    checkOpen();
    long now = clock.millis();
    int removed = local.purge(now);
    reportReclaimed(removed);
    return removed;
  }

  @Override
  public void close() {
    synchronized (stateLock) {
      closed = true;
      setState(State.CLOSED);
      usable = false;
    }
    firstBootstrap.countDown();
    watchdog.shutdownNow();
    followerThread.interrupt();
    try {
      followerThread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    follower.close();
    writer.close();
  }

  // ---------------------------------------------------------------- follower thread

  private void follow() {
    while (!closed) {
      try {
        if (resyncNeeded) {
          resync();
        } else {
          followOnce();
        }
      } catch (RuntimeException e) {
        if (closed) {
          return;
        }
        logFollowerFailure(e);
        pause(100);
      }
    }
  }

  private void followOnce() {
    long sentAt = System.nanoTime();
    // Answered when the XREAD below starts blocking: a flush during the block shows up as a
    // sequence number going backwards in the records it returns.
    RedisFuture<String> epochNow = follower.async().get(epochKey);
    RedisFuture<String> seqNow = follower.async().get(seqKey);
    RedisFuture<List<StreamMessage<String, String>>> changes =
        follower
            .async()
            .xread(
                XReadArgs.Builder.block(blockMillis).count(FOLLOW_BATCH),
                XReadArgs.StreamOffset.from(logKey, lastId));
    String currentEpoch = follower.await(epochNow, "follow");
    String currentSeq = follower.await(seqNow, "follow");
    List<StreamMessage<String, String>> batch = follower.await(changes, "follow");
    if (!Objects.equals(currentEpoch, epoch)
        || (currentSeq == null ? 0 : Long.parseLong(currentSeq)) < lastSeq) {
      requestResync(ReplicaListener.ResyncReason.DATA_LOSS);
      return;
    }
    if (batch != null) {
      for (StreamMessage<String, String> change : batch) {
        apply(change);
        lastId = change.getId();
        String n = change.getBody().get("n");
        long seq = n == null ? lastSeq + 1 : Long.parseLong(n);
        if (seq <= lastSeq) {
          // Numbers went backwards: Redis lost data (flushed, restarted empty or from an older
          // snapshot) and writes started again. What this view holds must be written back.
          requestResync(ReplicaListener.ResyncReason.DATA_LOSS);
          return;
        }
        if (seq != lastSeq + 1 && !resyncNeeded) {
          // A record between the last applied one and this one was trimmed unread. Applying
          // what arrived is still right; a resync fetches what did not.
          requestResync(ReplicaListener.ResyncReason.FEED_GAP);
        }
        lastSeq = seq;
        notifyListener(() -> replicaListener.changeApplied(lagOf(change.getId())));
      }
    }
    // Complete only if nothing is known missing and the feed was read to its end.
    if (!resyncNeeded && (batch == null || batch.size() < FOLLOW_BATCH)) {
      confirm(sentAt);
    }
  }

  // A stream id starts with Redis's clock in ms at the write: the lag is only as exact as the
  // two clocks agree.
  private Duration lagOf(String streamId) {
    long writtenAt = Long.parseLong(streamId.substring(0, streamId.indexOf('-')));
    return Duration.ofMillis(Math.max(0, clock.millis() - writtenAt));
  }

  private long lastFailureLogNanos;

  // Rate-limited: a follower failing in a loop must be visible without flooding the log.
  private void logFollowerFailure(RuntimeException e) {
    long now = System.nanoTime();
    if (now - lastFailureLogNanos > TimeUnit.SECONDS.toNanos(10)) {
      lastFailureLogNanos = now;
      log.warn("revocation follower: {} (retrying)", e.toString());
    }
  }

  private void requestResync(ReplicaListener.ResyncReason reason) {
    resyncNeeded = true;
    resyncReason = reason;
  }

  private void resync() {
    long sentAt = System.nanoTime();
    long now = clock.millis();
    String before = follower.await(follower.async().get(epochKey), "bootstrap");
    if (epoch != null && !epoch.equals(before)) {
      resyncReason = ReplicaListener.ResyncReason.DATA_LOSS;
    }
    if (resyncReason == ReplicaListener.ResyncReason.DATA_LOSS) {
      log.warn(
          "redis lost the revocation list (restart without persistence or flush): writing"
              + " this instance's {} entries back",
          local.size() + local.subjectCount());
      writeBack(now);
      // The layout marker went too: record it again, before an instance of the other mode can.
      try {
        RevocationLayout.REPLICATED.claim(follower);
      } catch (IllegalStateException e) {
        log.error("{}", e.getMessage());
      }
    }
    follower.await(follower.async().setnx(epochKey, epochCandidate), "bootstrap");
    String currentEpoch = follower.await(follower.async().get(epochKey), "bootstrap");
    List<Object> position =
        follower.eval(POSITION, ScriptOutputType.MULTI, new String[] {logKey, seqKey});
    scanInto(jtiKey, local.jtis());
    scanInto(subKey, local.subjects());
    epoch = currentEpoch;
    lastId = (String) position.get(0);
    lastSeq = Long.parseLong((String) position.get(1));
    resyncNeeded = false;
    ReplicaListener.ResyncReason reason = resyncReason;
    notifyListener(() -> replicaListener.resynced(reason, local.size()));
    confirm(sentAt);
    firstBootstrap.countDown();
  }

  private void scanInto(String key, RevocationTable table) {
    ScanCursor cursor = ScanCursor.INITIAL;
    do {
      ScoredValueScanCursor<String> page =
          follower.await(
              follower.async().zscan(key, cursor, ScanArgs.Builder.limit(SCAN_PAGE)), "bootstrap");
      for (ScoredValue<String> v : page.getValues()) {
        table.putMaxIfLive(parseMember(v.getValue()), (long) v.getScore(), clock::millis);
      }
      cursor = page;
    } while (!cursor.isFinished());
  }

  private void writeBack(long now) {
    restore("j", jtiKey, local.jtis(), 0, now);
    restore("s", subKey, local.subjects(), maxLifetimeMillis, now);
  }

  private void restore(String kind, String set, RevocationTable table, long offset, long now) {
    // Collected first (16 bytes an entry), sent after: no Redis call under the table's lock.
    long[][] pairs = {new long[1024]};
    int[] size = {0};
    table.forEachLive(
        now,
        (key, value) -> {
          if (size[0] + 2 > pairs[0].length) {
            pairs[0] = java.util.Arrays.copyOf(pairs[0], pairs[0].length * 2);
          }
          pairs[0][size[0]++] = key;
          pairs[0][size[0]++] = value;
        });
    List<String> args = new ArrayList<>(RESTORE_BATCH * 2);
    for (int i = 0; i < size[0]; i += 2) {
      args.add(member(pairs[0][i]));
      args.add(Long.toString(pairs[0][i + 1]));
      if (args.size() >= RESTORE_BATCH * 2) {
        sendRestore(kind, set, offset, now, args);
        args.clear();
      }
    }
    if (!args.isEmpty()) {
      sendRestore(kind, set, offset, now, args);
    }
  }

  private void sendRestore(String kind, String set, long offset, long now, List<String> pairs) {
    List<String> args = new ArrayList<>(pairs.size() + 5);
    args.add(kind);
    args.add(Integer.toString(replication.feedMaxLength()));
    args.add(Long.toString(now));
    args.add(Long.toString(offset));
    args.add(Long.toString(RedisConnection.TTL_SLACK_MILLIS));
    args.addAll(pairs);
    follower.eval(
        RESTORE,
        ScriptOutputType.INTEGER,
        new String[] {set, logKey, epochKey, seqKey},
        args.toArray(String[]::new));
  }

  private void apply(StreamMessage<String, String> change) {
    String kind = change.getBody().get("k");
    String member = change.getBody().get("m");
    String score = change.getBody().get("v");
    if (kind == null || member == null || score == null) {
      return; // not ours: ignore rather than stop following
    }
    RevocationTable table = kind.equals("s") ? local.subjects() : local.jtis();
    reportReclaimed(table.putMaxIfLive(parseMember(member), Long.parseLong(score), clock::millis));
  }

  private void confirm(long sentAtNanos) {
    synchronized (stateLock) {
      if (closed) {
        return;
      }
      confirmedAtNanos = sentAtNanos;
      everConfirmed = true;
      setState(State.READY);
      usable = true;
    }
  }

  private void checkFreshness() {
    try {
      synchronized (stateLock) {
        // Re-read under the lock: a confirmation may have landed since the last tick.
        if (closed || !everConfirmed || state != State.READY) {
          return;
        }
        if (System.nanoTime() - confirmedAtNanos <= replication.maxStaleness().toNanos()) {
          return;
        }
        setState(State.STALE);
        usable = replication.policy() == ReplicationOptions.StalenessPolicy.SERVE_STALE;
      }
      log.warn(
          "revocation view not confirmed for {} ms (bound {} ms): {}",
          staleness().toMillis(),
          replication.maxStaleness().toMillis(),
          usable ? "serving stale answers" : "failing checks closed");
    } catch (RuntimeException e) {
      // Never let the watchdog die: it is what fails checks closed.
      log.error("revocation view watchdog failed", e);
    }
  }

  // Called with stateLock held.
  private void setState(State next) {
    State previous = state;
    state = next;
    if (previous != next) {
      notifyListener(() -> replicaListener.stateChanged(next));
    }
  }

  // A listener is user code: its failure must not stop following or the watchdog.
  private static void notifyListener(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      log.warn("replica listener failed", e);
    }
  }

  // ---------------------------------------------------------------- keys and helpers

  /** The sorted-set member of a jti revocation: what every instance computes for it. */
  static String jtiMember(String issuer, String jti) {
    return member(KeyHash.of(JTI_SEED, issuer, jti));
  }

  static String member(long key) {
    return HexFormat.of().toHexDigits(key);
  }

  static long parseMember(String member) {
    return Long.parseUnsignedLong(member, 16);
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

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
