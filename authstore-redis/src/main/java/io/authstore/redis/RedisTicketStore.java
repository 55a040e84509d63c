package io.authstore.redis;

import io.authstore.CapacityExceededException;
import io.authstore.StoreListener;
import io.authstore.StoreUnavailableException;
import io.authstore.internal.Arguments;
import io.authstore.internal.TicketCodec;
import io.authstore.ticket.ConsumeResult;
import io.authstore.ticket.IssuedTicket;
import io.authstore.ticket.TicketInfo;
import io.authstore.ticket.TicketOptions;
import io.authstore.ticket.TicketStats;
import io.authstore.ticket.TicketStore;
import io.lettuce.core.ScriptOutputType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A {@link TicketStore} on Redis (standalone, Sentinel or Cluster): consume is atomic across every
 * instance that shares the Redis and key prefix.
 *
 * <h2>Storage details</h2>
 *
 * Every key shares the hash tag {@code {tickets}}, so on Cluster they live in one slot and every
 * operation is one atomic script:
 *
 * <ul>
 *   <li>{@code <prefix>{tickets}:ticket:<digest>}: a string per ticket, {@code <digest>} the
 *       base64url SHA-256 of the ticket (the ticket itself is never stored): {@code
 *       <n>,<expires-at>,<issued-at>} (epoch ms), then per attribute {@code ,<name length>:<name>
 *       <value length>:<value>} (lengths in UTF-16 units, so no text needs escaping), then {@code
 *       ;} and the subject, whose length in bytes is {@code <n>} (so the scripts cut it off the end
 *       without parsing attributes). Consume overwrites it with {@code SET KEEPTTL} by a tombstone,
 *       {@code <expires-at>:<nonce>}, the nonce 64 random bits (hex) of that consume call (below):
 *       the record, not the sets, tells whether a ticket was used, so a digest dropped from a set
 *       early by an instance whose clock is ahead can never be consumed twice; the tombstone tells
 *       reuse apart from unknown until the ticket's expiry. TTL: the ticket's remaining life plus
 *       one second of slack for clock differences, kept by the tombstone.
 *   <li>{@code <prefix>{tickets}:active}: sorted set of the active tickets' digests by expiry, the
 *       source of the active count and of the global cap; consume removes its ticket, so the set
 *       holds at most the cap plus the tickets that expired unconsumed since the last trim.
 *   <li>{@code <prefix>{tickets}:used}: sorted set of the consumed tickets' digests by expiry, the
 *       source of the used count: the one large set, as tombstones live as long as their tickets.
 *   <li>{@code <prefix>{tickets}:subject:<subject>}: sorted set of the subject's active digests by
 *       expiry, for the per-subject cap and {@link #revokeSubject}; consume removes its ticket.
 *       Expired members stay in it for the one second of slack, as long as their records, and
 *       {@link #revokeSubject} deletes every member's record: a ticket that has expired by the
 *       revoking instance's clock but not yet by that of an instance whose clock is behind is
 *       revoked too, if it is behind by less than half the slack: the set itself may expire that
 *       much before its longest-lived record (its TTL is pushed out only when half the slack is
 *       used up, below).
 *   <li>{@code <prefix>{tickets}:totals}: hash of running totals ({@code issued}, {@code consumed},
 *       {@code reused}); the one key without a TTL, of fixed size.
 * </ul>
 *
 * The sorted sets carry a TTL of their longest-lived member's remaining life plus between half the
 * slack and the slack: it is pushed out only when a write finds less than that, so a stream of
 * equal TTLs does not rewrite it on every call. It is not brought down when a consume removes the
 * longest-lived member: the active and subject sets then live as long as that ticket's tombstone
 * (the longest-lived record they have indexed) plus the slack, at most the maximum ticket TTL plus
 * the slack. Bringing it down would cost the consume script a {@code ZRANGE} of each set's top
 * member on every call: measured on Redis 7.0 ({@code
 * authstore-bench/scripts/consume-script-cost.py}), 31 to 45 µs per consume inside Redis instead of
 * 21 to 23. Expired members are dropped from all three sets (the issuing subject's, once past the
 * slack) every 64th issue, from the active or a subject's set when its cap seems reached, and from
 * the active and used sets by {@link #stats()} and {@link #purgeExpired()}: the sets stay bounded
 * by the tickets alive plus those that expired since, without any caller running maintenance;
 * counts are taken after dropping, so caps and counts are exact.
 *
 * <p>Two scripts touch keys they cannot name in {@code KEYS} beforehand: consume removes the ticket
 * from its subject's set, whose name it reads from the record, and {@link #revokeSubject} deletes
 * the records it finds in the subject's set. Redis asks scripts to declare every key; these work
 * because every key shares the {@code {tickets}} slot. While that slot is being moved between
 * Cluster masters, a key already moved reads as absent to a script still running on the old master:
 * a consume could then leave its digest in the subject's set (counted against the subject's cap
 * until its expiry), and a {@link #revokeSubject} could miss tickets. Move that slot while ticket
 * traffic is stopped.
 *
 * <h2>Replies lost with a connection</h2>
 *
 * When a connection drops after Redis ran a script but before its reply arrived, Lettuce sends the
 * script again once it has reconnected (it delivers commands in flight at least once; no client
 * option turns that off while keeping automatic reconnection). Both ticket scripts recognise their
 * own second run: an issue writes its record first with {@code SET NX}, so a record already there
 * is its own and the second run answers "issued" without counting it again or weighing it against a
 * cap; a consume finds the tombstone with its own nonce and the store throws {@link
 * io.authstore.StoreUnavailableException} saying that the ticket is spent, instead of reporting the
 * holder's own use as a reuse (the record went with the lost reply). A consume presented again by
 * its caller is a new call, with a new nonce: a reuse. The other scripts leave the same state when
 * run twice; their second answer may differ ({@link #revokeSubject} then counts no ticket, a reuse
 * is counted twice). ({@code RedisLostReplyIT} drops replies and connections through a proxy.)
 *
 * <h2>The global cap on Cluster</h2>
 *
 * Because every ticket key is in one slot, the issue script counts the active set and adds to it in
 * one atomic step: the global cap and the per-subject cap are exact on Cluster as on a single
 * server, with no cross-slot coordination. The price is that ticket traffic is served by one master
 * (and its replicas for failover): at the source's cap of 1,000 active tickets that is a small
 * load. Revocations, the high-volume list, are spread over every master.
 *
 * <h2>Cost</h2>
 *
 * {@link #issue}, {@link #consume}, {@link #revokeSubject}, {@link #stats()}, {@link
 * #purgeExpired()}: one {@code EVALSHA} each, one round trip; plus {@code WAIT} after consume and
 * {@link #revokeSubject} if configured. A malformed ticket is refused without a round trip. Inside
 * Redis, an issue runs {@code SET PX NX}, {@code ZCARD} twice, two {@code ZADD} (into the small
 * active and subject sets), two {@code PTTL} and {@code HINCRBY}; plus a {@code ZREMRANGEBYSCORE}
 * and {@code ZCOUNT} on a set that seems full (and a {@code DEL} of the record when a cap refuses
 * it), a {@code PEXPIRE} on a set when half of its TTL slack is used up, and three {@code
 * ZREMRANGEBYSCORE} every 64th issue. A consume runs {@code GET}, {@code SET KEEPTTL}, two {@code
 * ZREM} (small sets), one {@code ZADD} (the used set), {@code PTTL} and {@code HINCRBY}; a reuse
 * {@code GET} and {@code HINCRBY}; an unknown or expired ticket one {@code GET}.
 *
 * <p>Thread-safe.
 */
public final class RedisTicketStore implements TicketStore {
  private static final int HASH_PREFIX_CHARS = 12;
  private static final LuaScript ISSUE = LuaScript.load("ticket-issue");
  private static final LuaScript CONSUME = LuaScript.load("ticket-consume");
  private static final LuaScript REVOKE_SUBJECT = LuaScript.load("ticket-revoke-subject");
  private static final LuaScript STATS = LuaScript.load("ticket-stats");
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  /** What the consume script answers when it finds the tombstone of this very call. */
  private static final String SENT_AGAIN = "!";

  private final RedisConnection redis;
  private final boolean ownsConnection;
  private final TicketOptions options;
  private final Clock clock;
  private final StoreListener listener;
  private final TicketCodec codec = TicketCodec.create();
  private final String ticketPrefix;
  private final String activeKey;
  private final String usedKey;
  private final String subjectPrefix;
  private final String totalsKey;
  private final String maxActive;
  private final String maxActivePerSubject;
  private volatile boolean closed;

  RedisTicketStore(RedisConnection redis, boolean ownsConnection, TicketOptions options) {
    this.redis = redis;
    this.ownsConnection = ownsConnection;
    this.options = options;
    this.clock = options.clock();
    this.listener = options.listener();
    String base = redis.config().keyPrefix() + "{tickets}:";
    this.ticketPrefix = base + "ticket:";
    this.activeKey = base + "active";
    this.usedKey = base + "used";
    this.subjectPrefix = base + "subject:";
    this.totalsKey = base + "totals";
    this.maxActive = Integer.toString(options.maxActive());
    this.maxActivePerSubject = Integer.toString(options.maxActivePerSubject());
  }

  /**
   * Connects to Redis and returns a store that owns the connection.
   *
   * @param config where Redis is
   * @param options TTLs, caps, bounds, clock and listener
   * @return the store
   * @throws io.authstore.StoreUnavailableException if Redis cannot be reached
   */
  public static RedisTicketStore connect(RedisConnectionConfig config, TicketOptions options) {
    Objects.requireNonNull(options, "options");
    return new RedisTicketStore(RedisConnection.open(config), true, options);
  }

  @Override
  public IssuedTicket issue(String subject, Map<String, String> attributes, Duration ttl) {
    Duration effectiveTtl = options.checkIssue(subject, attributes, ttl);
    checkOpen();
    String ticket = codec.newTicket();
    String digest = B64.encodeToString(TicketCodec.digest(ticket));
    long now = clock.millis();
    long expiresAt = now + effectiveTtl.toMillis();
    Long outcome =
        redis.eval(
            ISSUE,
            ScriptOutputType.INTEGER,
            new String[] {
              ticketPrefix + digest, activeKey, usedKey, subjectPrefix + subject, totalsKey
            },
            Long.toString(now),
            Long.toString(expiresAt),
            maxActive,
            maxActivePerSubject,
            digest,
            encodeAttributes(attributes),
            subject);
    if (outcome == 1) {
      listener.capacityExceeded(CapacityExceededException.Scope.GLOBAL);
      throw new CapacityExceededException(
          CapacityExceededException.Scope.GLOBAL, options.maxActive());
    }
    if (outcome == 2) {
      listener.capacityExceeded(CapacityExceededException.Scope.SUBJECT);
      throw new CapacityExceededException(
          CapacityExceededException.Scope.SUBJECT, options.maxActivePerSubject());
    }
    listener.ticketIssued();
    return new IssuedTicket(ticket, Instant.ofEpochMilli(expiresAt));
  }

  /**
   * The attributes part of a record, up to and including the {@code ;} before the subject: per
   * attribute {@code ,<name length>:<name><value length>:<value>}. Length prefixes make any text
   * safe in names and values without escaping.
   */
  private static String encodeAttributes(Map<String, String> attributes) {
    if (attributes.isEmpty()) {
      return ";";
    }
    StringBuilder sb = new StringBuilder(64);
    attributes.forEach(
        (name, value) ->
            sb.append(',')
                .append(name.length())
                .append(':')
                .append(name)
                .append(value.length())
                .append(':')
                .append(value));
    return sb.append(';').toString();
  }

  @Override
  public ConsumeResult consume(String ticket) {
    Objects.requireNonNull(ticket, "ticket must not be null");
    checkOpen();
    if (!TicketCodec.isWellFormed(ticket)) {
      listener.ticketRejected();
      return ConsumeResult.unknownOrExpired();
    }
    byte[] raw = TicketCodec.digest(ticket);
    String digest = B64.encodeToString(raw);
    // Only a consume writes what a failover must not lose; a reuse or an unknown ticket does not
    // wait for replicas.
    String record =
        redis.<String>evalAndAwait(
            CONSUME,
            ScriptOutputType.VALUE,
            new String[] {ticketPrefix + digest, activeKey, usedKey, totalsKey},
            r -> r != null && !r.isEmpty(),
            "consume",
            Long.toString(clock.millis()),
            digest,
            subjectPrefix,
            nonce());
    if (SENT_AGAIN.equals(record)) {
      // Not a reuse: this call's own first run consumed the ticket (see ticket-consume.lua).
      throw new StoreUnavailableException(
          "the connection to Redis dropped during this consume and the client sent it again: the"
              + " first run consumed the ticket, and its reply was lost with the connection; the"
              + " ticket is spent");
    }
    if (record == null) {
      listener.ticketRejected();
      return ConsumeResult.unknownOrExpired();
    }
    if (record.isEmpty()) {
      listener.ticketReused(TicketCodec.hexPrefix(raw, HASH_PREFIX_CHARS));
      return ConsumeResult.reused();
    }
    listener.ticketConsumed();
    return ConsumeResult.consumed(decode(record));
  }

  /** 64 random bits in hex: a consume's own mark in its tombstone (see the class Javadoc). */
  private static String nonce() {
    return Long.toHexString(ThreadLocalRandom.current().nextLong());
  }

  /** Reads a live record (see the class Javadoc for its layout). */
  static TicketInfo decode(String record) {
    int at = record.indexOf(',') + 1;
    int end = record.indexOf(',', at);
    long expiresAt = Long.parseLong(record, at, end, 10);
    at = end + 1;
    end = at;
    while (record.charAt(end) != ',' && record.charAt(end) != ';') {
      end++;
    }
    long issuedAt = Long.parseLong(record, at, end, 10);
    Map<String, String> attributes = Map.of();
    if (record.charAt(end) == ',') {
      attributes = new HashMap<>();
      while (record.charAt(end) == ',') {
        int colon = record.indexOf(':', end + 1);
        int nameEnd = colon + 1 + Integer.parseInt(record, end + 1, colon, 10);
        String name = record.substring(colon + 1, nameEnd);
        colon = record.indexOf(':', nameEnd);
        end = colon + 1 + Integer.parseInt(record, nameEnd, colon, 10);
        attributes.put(name, record.substring(colon + 1, end));
      }
    }
    String subject = record.substring(end + 1);
    return new TicketInfo(
        subject, attributes, Instant.ofEpochMilli(issuedAt), Instant.ofEpochMilli(expiresAt));
  }

  /**
   * @param record a record or tombstone as stored (see the class Javadoc)
   * @return its expiry, epoch ms
   */
  static long expiresAt(String record) {
    int comma = record.indexOf(',');
    if (comma < 0) {
      int colon = record.indexOf(':');
      // Before nonces, a tombstone was the expiry alone.
      return colon < 0 ? Long.parseLong(record) : Long.parseLong(record, 0, colon, 10);
    }
    return Long.parseLong(record, comma + 1, record.indexOf(',', comma + 1), 10);
  }

  @Override
  public int revokeSubject(String subject) {
    Arguments.requireText("subject", subject, options.maxSubjectLength());
    checkOpen();
    Long removed =
        redis.<Long>evalAndAwait(
            REVOKE_SUBJECT,
            ScriptOutputType.INTEGER,
            new String[] {subjectPrefix + subject, activeKey},
            deleted -> true,
            "revokeSubject",
            Long.toString(clock.millis()),
            ticketPrefix);
    return removed.intValue();
  }

  @Override
  public TicketStats stats() {
    List<Object> r = runStats();
    return new TicketStats(
        (Long) r.get(1),
        (Long) r.get(2),
        (Long) r.get(3),
        (Long) r.get(4),
        (Long) r.get(5),
        options.maxActive());
  }

  @Override
  public int purgeExpired() {
    int removed = ((Long) runStats().get(0)).intValue();
    if (removed > 0) {
      listener.expiredReclaimed(removed);
    }
    return removed;
  }

  private List<Object> runStats() {
    checkOpen();
    return redis.eval(
        STATS,
        ScriptOutputType.MULTI,
        new String[] {activeKey, usedKey, totalsKey},
        Long.toString(clock.millis()));
  }

  @Override
  public void close() {
    closed = true;
    if (ownsConnection) {
      redis.close();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("store is closed");
    }
  }
}
