package io.authstore.server;

import io.authstore.CapacityExceededException;
import io.authstore.StoreListener;
import io.authstore.redis.ReplicaListener;
import io.authstore.redis.ReplicatedRevocationStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's Micrometer meters, fed by the stores' listeners and the HTTP layer, scraped in
 * Prometheus text format. A reused ticket is also logged here as a security event, by hash prefix.
 *
 * <p>Thread-safe.
 */
final class Metrics implements StoreListener, ReplicaListener {
  private static final Logger security = LoggerFactory.getLogger("io.authstore.security");

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter revocations;
  private final Counter subjectRevocations;
  private final Counter checksRevoked;
  private final Counter checksNotRevoked;
  private final Counter storeErrors;
  private final Counter issued;
  private final Counter consumed;
  private final Counter reused;
  private final Counter rejected;
  private final Counter capacityGlobal;
  private final Counter capacitySubject;
  private final Counter cleanups;
  private final Counter reclaimed;
  private final Counter resyncs;
  private final Counter tokensRevoked;
  private final Counter introspectedActive;
  private final Counter introspectedInactive;
  private final AtomicReference<Double> replicaLagSeconds = new AtomicReference<>(0.0);
  // Looked up per request: building and registering the Timer each time (tags sorted, the
  // registry's map searched by id) cost about 1% of the server's CPU under load.
  private final Map<RequestKey, Timer> requestTimers = new ConcurrentHashMap<>();

  Metrics() {
    revocations = counter("authstore.revocations", "Tokens revoked by jti");
    subjectRevocations = counter("authstore.subject.revocations", "Subject-wide revocations");
    checksRevoked =
        Counter.builder("authstore.revocation.checks")
            .description("Revocation checks answered")
            .tag("result", "revoked")
            .register(registry);
    checksNotRevoked =
        Counter.builder("authstore.revocation.checks")
            .description("Revocation checks answered")
            .tag("result", "not_revoked")
            .register(registry);
    storeErrors = counter("authstore.store.errors", "Calls that found the store unavailable");
    issued = counter("authstore.tickets.issued", "Tickets issued");
    consumed = counter("authstore.tickets.consumed", "Tickets consumed (validated once)");
    reused = counter("authstore.tickets.reused", "Presentations of an already consumed ticket");
    rejected = counter("authstore.tickets.rejected", "Presentations of unknown or expired tickets");
    capacityGlobal =
        Counter.builder("authstore.tickets.capacity.exceeded")
            .description("Issues refused over a cap")
            .tag("scope", "global")
            .register(registry);
    capacitySubject =
        Counter.builder("authstore.tickets.capacity.exceeded")
            .description("Issues refused over a cap")
            .tag("scope", "subject")
            .register(registry);
    cleanups = counter("authstore.cleanups", "Cleanup runs requested over HTTP");
    reclaimed = counter("authstore.expired.reclaimed", "Expired entries reclaimed");
    resyncs = counter("authstore.replica.resyncs", "Full resyncs of the replicated view");
    tokensRevoked =
        counter(
            "authstore.jwt.revocations",
            "JWTs revoked by presenting the token (/oauth2/revoke, /auth/tokens/revoke)");
    introspectedActive =
        Counter.builder("authstore.jwt.introspections")
            .description("Introspections answered, by result")
            .tag("result", "active")
            .register(registry);
    introspectedInactive =
        Counter.builder("authstore.jwt.introspections")
            .description("Introspections answered, by result")
            .tag("result", "inactive")
            .register(registry);
    Gauge.builder("authstore.replica.lag", replicaLagSeconds, AtomicReference::get)
        .description("Lag of the last change applied to the replicated view")
        .baseUnit("seconds")
        .register(registry);
  }

  private Counter counter(String name, String description) {
    return Counter.builder(name).description(description).register(registry);
  }

  /** Registers a gauge read at scrape time; a failing read reports NaN. */
  <T> void gauge(String name, String description, T source, ToDoubleFunction<T> read) {
    Gauge.builder(
            name,
            source,
            s -> {
              try {
                return read.applyAsDouble(s);
              } catch (RuntimeException e) {
                return Double.NaN;
              }
            })
        .description(description)
        .register(registry);
  }

  /** The methods a request timer names; any other is {@link #OTHER_METHOD}. */
  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

  static final String OTHER_METHOD = "other";

  /**
   * Records one HTTP request. A method outside RFC 9110's and PATCH is tagged {@code other}: Jetty
   * passes any token on as a method, and a tag per made-up method would be a timer per request.
   */
  void request(String method, String route, int status, long nanos) {
    String tag = METHODS.contains(method) ? method : OTHER_METHOD;
    requestTimers
        .computeIfAbsent(new RequestKey(tag, route, status), this::requestTimer)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  private Timer requestTimer(RequestKey key) {
    return Timer.builder("authstore.http.requests")
        .description("HTTP requests by route and status")
        .tag("method", key.method())
        .tag("route", key.route())
        .tag("status", Integer.toString(key.status()))
        .register(registry);
  }

  /**
   * One request timer's tags. Bounded: the method one of RFC 9110's, PATCH or {@code other}, the
   * route a registered path template or {@code unmatched}, and the status one this server sets.
   */
  private record RequestKey(String method, String route, int status) {}

  void storeUnavailable() {
    storeErrors.increment();
  }

  void cleanup() {
    cleanups.increment();
  }

  /** A JWT was revoked by presenting it. */
  void tokenRevoked() {
    tokensRevoked.increment();
  }

  /** An introspection answered active or inactive. */
  void introspected(boolean active) {
    (active ? introspectedActive : introspectedInactive).increment();
  }

  /**
   * A presented JWT was refused.
   *
   * @param operation {@code introspect} or {@code revoke}
   * @param reason the {@code Rejection} in lower case: a closed set, so the tags stay bounded
   */
  void jwtRejected(String operation, String reason) {
    Counter.builder("authstore.jwt.rejections")
        .description("Presented JWTs refused, by reason")
        .tag("operation", operation)
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  /** The Prometheus text exposition of every meter. */
  String scrape() {
    return registry.scrape();
  }

  @Override
  public void revoked() {
    revocations.increment();
  }

  @Override
  public void subjectRevoked() {
    subjectRevocations.increment();
  }

  @Override
  public void revocationChecked(boolean revoked) {
    (revoked ? checksRevoked : checksNotRevoked).increment();
  }

  @Override
  public void ticketIssued() {
    issued.increment();
  }

  @Override
  public void ticketConsumed() {
    consumed.increment();
  }

  @Override
  public void ticketReused(String hashPrefix) {
    reused.increment();
    security.warn("security event: ticket reuse attempt, ticket sha256 prefix {}", hashPrefix);
  }

  @Override
  public void ticketRejected() {
    rejected.increment();
  }

  @Override
  public void capacityExceeded(CapacityExceededException.Scope scope) {
    (scope == CapacityExceededException.Scope.GLOBAL ? capacityGlobal : capacitySubject)
        .increment();
  }

  @Override
  public void expiredReclaimed(int count) {
    reclaimed.increment(count);
  }

  @Override
  public void changeApplied(Duration lag) {
    replicaLagSeconds.set(lag.toNanos() / 1e9);
  }

  @Override
  public void resynced(ResyncReason reason, long entries) {
    resyncs.increment();
  }

  @Override
  public void stateChanged(ReplicatedRevocationStore.State state) {
    // Readiness reads the state directly; nothing to count.
  }
}
