package io.authstore.redis;

import io.authstore.StoreListener;
import io.authstore.internal.Arguments;
import io.authstore.internal.Instants;
import io.authstore.internal.LocalRevocations;
import io.authstore.revocation.RevocationOptions;
import io.authstore.revocation.RevocationStore;
import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@link RevocationStore} on Redis (standalone, Sentinel or Cluster), shared by every instance
 * that points at the same Redis and key prefix.
 *
 * <h2>Storage details</h2>
 *
 * Revocations live in {@value #SHARDS} sorted sets {@code <prefix>rev:{NN}} ({@code NN} = 00..15).
 * A member is {@code <length of issuer>:<issuer><jti>}, its score the token's {@code exp} in epoch
 * milliseconds; the member's shard is {@code String.hashCode() mod 16} of the member, the same in
 * every JVM. The hash tags put the shards in different Cluster slots, spread over the masters, and
 * let {@link #size()} and the replicated view read the whole list by shard without {@code KEYS} or
 * {@code SCAN}. Subject markers live the same way in {@code <prefix>sub:{NN}}, member {@code
 * <length of issuer>:<issuer><subject>}, score {@code notBefore}.
 *
 * <p>Every key carries a TTL equal to the remaining life of its longest-lived member plus one
 * second of slack for clock differences, extended as members are added. Each write to a shard drops
 * its members expired for longer than that slack, so an instance whose clock runs ahead of
 * another's by less than the slack drops nothing the other still holds alive; {@link
 * #purgeExpired()}, a maintenance call, drops every member expired by this store's clock. Expired
 * members count as absent on every read before that.
 *
 * <h2>Cost</h2>
 *
 * <ul>
 *   <li>{@link #revoke}, {@link #revokeSubject}: one {@code EVALSHA} (ZREMRANGEBYSCORE, ZADD GT,
 *       PTTL, PEXPIRE in one script), one round trip; plus {@code WAIT} if configured.
 *   <li>{@link #isRevoked(String, String)}: one {@code ZSCORE}.
 *   <li>{@link #isRevoked(String, String, String, Instant)}: two {@code ZSCORE}s, pipelined: one
 *       round trip.
 *   <li>{@link #size()}, {@link #purgeExpired()}: one command per shard, pipelined.
 * </ul>
 *
 * <p>Expiry decisions read the clock of the {@link RevocationOptions}, so instances must keep their
 * clocks in sync (NTP); key TTLs are computed from it as remaining lifetimes.
 *
 * <p>Thread-safe.
 */
public final class RedisRevocationStore implements RevocationStore {
  static final int SHARDS = 16;
  private static final LuaScript ZADD_MAX = LuaScript.load("zadd-max");

  private final RedisConnection redis;
  private final boolean ownsConnection;
  private final RevocationOptions options;
  private final Clock clock;
  private final StoreListener listener;
  private final long maxLifetimeMillis;
  private final String[] revKeys = new String[SHARDS];
  private final String[] subKeys = new String[SHARDS];
  private volatile boolean closed;

  RedisRevocationStore(RedisConnection redis, boolean ownsConnection, RevocationOptions options) {
    this.redis = redis;
    this.ownsConnection = ownsConnection;
    this.options = options;
    this.clock = options.clock();
    this.listener = options.listener();
    this.maxLifetimeMillis = options.maxTokenLifetime().toMillis();
    String prefix = redis.config().keyPrefix();
    for (int i = 0; i < SHARDS; i++) {
      String shard = String.format("%02d", i);
      revKeys[i] = prefix + "rev:{" + shard + "}";
      subKeys[i] = prefix + "sub:{" + shard + "}";
    }
  }

  /**
   * Connects to Redis and returns a store that owns the connection.
   *
   * @param config where Redis is
   * @param options limits, clock and listener
   * @return the store
   * @throws io.authstore.StoreUnavailableException if Redis cannot be reached
   */
  public static RedisRevocationStore connect(
      RedisConnectionConfig config, RevocationOptions options) {
    Objects.requireNonNull(options, "options");
    RedisConnection redis = RedisConnection.open(config);
    try {
      RevocationLayout.DIRECT.claim(redis);
    } catch (RuntimeException e) {
      redis.close();
      throw e;
    }
    return new RedisRevocationStore(redis, true, options);
  }

  @Override
  public void revoke(String issuer, String jti, Instant expiresAt) {
    String member = jtiMember(issuer, jti);
    long now = clock.millis();
    long exp = LocalRevocations.aheadAtMost("expiresAt", expiresAt, now);
    if (exp <= now) {
      return;
    }
    redis.<Long>evalAndAwait(
        ZADD_MAX,
        ScriptOutputType.INTEGER,
        new String[] {revKeys[shard(member)]},
        written -> true,
        "revoke",
        member,
        Long.toString(exp),
        Long.toString(RedisConnection.trimBound(now)),
        Long.toString(exp - now + RedisConnection.TTL_SLACK_MILLIS));
    listener.revoked();
  }

  @Override
  public boolean isRevoked(String issuer, String jti) {
    String member = jtiMember(issuer, jti);
    Double exp = redis.await(redis.async().zscore(revKeys[shard(member)], member), "isRevoked");
    boolean revoked = exp != null && exp > clock.millis();
    listener.revocationChecked(revoked);
    return revoked;
  }

  @Override
  public void revokeSubject(String issuer, String subject, Instant notBefore) {
    String member = subjectMember(issuer, subject);
    long now = clock.millis();
    long nb = LocalRevocations.aheadAtMost("notBefore", notBefore, now);
    if (nb <= now - maxLifetimeMillis) {
      return;
    }
    redis.<Long>evalAndAwait(
        ZADD_MAX,
        ScriptOutputType.INTEGER,
        new String[] {subKeys[shard(member)]},
        written -> true,
        "revokeSubject",
        member,
        Long.toString(nb),
        Long.toString(RedisConnection.trimBound(now - maxLifetimeMillis)),
        Long.toString(nb + maxLifetimeMillis - now + RedisConnection.TTL_SLACK_MILLIS));
    listener.subjectRevoked();
  }

  @Override
  public boolean isRevoked(String issuer, String jti, String subject, Instant issuedAt) {
    String jtiMember = jtiMember(issuer, jti);
    String subjectMember = subjectMember(issuer, subject);
    Objects.requireNonNull(issuedAt, "issuedAt must not be null");
    // Both commands are written before either reply is awaited: one round trip.
    RedisFuture<Double> exp = redis.async().zscore(revKeys[shard(jtiMember)], jtiMember);
    RedisFuture<Double> nb = redis.async().zscore(subKeys[shard(subjectMember)], subjectMember);
    Double expMillis = redis.await(exp, "isRevoked");
    Double nbMillis = redis.await(nb, "isRevoked");
    long now = clock.millis();
    boolean revoked =
        (expMillis != null && expMillis > now)
            || (nbMillis != null
                && nbMillis + maxLifetimeMillis > now
                && Instants.floorMillis(issuedAt) < nbMillis);
    listener.revocationChecked(revoked);
    return revoked;
  }

  @Override
  public long size() {
    checkOpen();
    List<RedisFuture<Long>> counts = new ArrayList<>(SHARDS);
    for (String key : revKeys) {
      counts.add(redis.async().zcard(key));
    }
    long total = 0;
    for (RedisFuture<Long> c : counts) {
      total += redis.await(c, "size");
    }
    return total;
  }

  @Override
  public int purgeExpired() {
    checkOpen();
    long now = clock.millis();
    List<RedisFuture<Long>> removed = new ArrayList<>(SHARDS * 2);
    for (int i = 0; i < SHARDS; i++) {
      removed.add(redis.async().zremrangebyscore(revKeys[i], upTo(now)));
      removed.add(redis.async().zremrangebyscore(subKeys[i], upTo(now - maxLifetimeMillis)));
    }
    int total = 0;
    for (RedisFuture<Long> r : removed) {
      total += redis.await(r, "purgeExpired").intValue();
    }
    if (total > 0) {
      listener.expiredReclaimed(total);
    }
    return total;
  }

  @Override
  public void close() {
    closed = true;
    if (ownsConnection) {
      redis.close();
    }
  }

  /**
   * @return the key of every revocation shard, for tools and tests
   */
  List<String> revocationKeys() {
    return List.of(revKeys);
  }

  private String jtiMember(String issuer, String jti) {
    checkOpen();
    Arguments.requireLength("issuer", issuer, options.maxIssuerLength());
    Arguments.requireText("jti", jti, options.maxJtiLength());
    return issuer.length() + ":" + issuer + jti;
  }

  private String subjectMember(String issuer, String subject) {
    checkOpen();
    Arguments.requireLength("issuer", issuer, options.maxIssuerLength());
    Arguments.requireText("subject", subject, options.maxSubjectLength());
    return issuer.length() + ":" + issuer + subject;
  }

  static Range<Long> upTo(long inclusive) {
    return Range.from(Range.Boundary.unbounded(), Range.Boundary.including(inclusive));
  }

  static int shard(String member) {
    return Math.floorMod(member.hashCode(), SHARDS);
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("store is closed");
    }
  }
}
