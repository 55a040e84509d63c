package io.authstore.server;

import io.authstore.ticket.ConsumeResult;
import io.authstore.ticket.IssuedTicket;
import io.authstore.ticket.TicketInfo;
import io.authstore.ticket.TicketStats;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The source-compatible ticket ("session") routes: issue, validate once, status, cleanup, and
 * invalidating a subject's tickets.
 */
final class TicketRoutes {
  static final ApiError INVALID_TICKET =
      ApiError.of(401, "invalid_ticket", "ticket is unknown, expired or already used");

  private final Stores stores;
  private final Metrics metrics;
  private final Guard guard;
  private final int maxBodyBytes;

  TicketRoutes(Stores stores, Metrics metrics, Guard guard, int maxBodyBytes) {
    this.stores = stores;
    this.metrics = metrics;
    this.guard = guard;
    this.maxBodyBytes = maxBodyBytes;
  }

  void register(RoutesConfig routes) {
    routes.post("/auth/sessions", this::issue, Scope.TICKETS_ISSUE);
    routes.post("/auth/sessions/validate", this::validate, Scope.TICKETS_CONSUME);
    Http.getAndHead(routes, "/auth/session-status", this::status, Scope.ADMIN);
    routes.post("/auth/sessions/cleanup", this::cleanup, Scope.ADMIN);
    routes.delete("/auth/subjects/{subject}/sessions", this::revokeSubject, Scope.TICKETS_ISSUE);
  }

  private void issue(Context ctx) {
    guard.rateLimit(ctx);
    JsonBody body =
        Http.readJson(ctx, maxBodyBytes, Set.of("subject", "attributes", "ttl_seconds"));
    String subject = body.requiredText("subject");
    Map<String, String> attributes = body.optionalStringMap("attributes");
    Long ttlSeconds = body.optionalLong("ttl_seconds");
    Duration ttl = null;
    if (ttlSeconds != null) {
      if (ttlSeconds < 1) {
        throw ApiError.badRequest("'ttl_seconds' must be at least 1: " + ttlSeconds);
      }
      ttl = Duration.ofSeconds(ttlSeconds);
    }
    IssuedTicket issued = stores.tickets().issue(subject, attributes, ttl);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("token", issued.ticket());
    out.put("expires_at", issued.expiresAt().toString());
    Http.json(ctx, 201, out);
  }

  private void validate(Context ctx) {
    guard.rateLimit(ctx);
    String fromHeader = Http.bearer(ctx);
    byte[] raw = Http.readBody(ctx, maxBodyBytes);
    String ticket;
    if (raw.length == 0 && ctx.contentType() == null) {
      ticket = fromHeader;
    } else {
      Http.requireJsonContentType(ctx);
      String fromBody = JsonBody.parse(raw, Set.of("token")).optionalText("token");
      if (fromBody != null && fromHeader != null) {
        throw ApiError.badRequest("give the ticket either in the body or as a Bearer token");
      }
      ticket = fromBody != null ? fromBody : fromHeader;
    }
    if (ticket == null) {
      throw ApiError.badRequest(
          "a ticket is required: {\"token\": \"...\"} or Authorization: Bearer <ticket>");
    }
    ConsumeResult result = stores.tickets().consume(ticket);
    if (!result.isConsumed()) {
      throw INVALID_TICKET;
    }
    TicketInfo info = result.ticket();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("subject", info.subject());
    out.put("attributes", info.attributes());
    out.put("created_at", info.issuedAt().toString());
    out.put("expires_at", info.expiresAt().toString());
    Http.json(ctx, 200, out);
  }

  private void status(Context ctx) {
    TicketStats stats = stores.tickets().stats();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("total_sessions", stats.active() + stats.used());
    out.put("active_sessions", stats.active());
    out.put("used_sessions", stats.used());
    out.put("total_created", stats.totalIssued());
    out.put("total_used", stats.totalConsumed());
    out.put("total_reuse_attempts", stats.totalReuseAttempts());
    out.put("max_sessions", stats.maxActive());
    out.put("storage", stores.storage());
    out.put("redis_healthy", stores.redisHealthy());
    out.put("revoked_entries", stores.revocations().size());
    Http.json(ctx, 200, out);
  }

  private void cleanup(Context ctx) {
    int removed = stores.tickets().purgeExpired();
    metrics.cleanup();
    Http.json(ctx, 200, Map.of("removed", removed));
  }

  private void revokeSubject(Context ctx) {
    String subject = ctx.pathParam("subject");
    int revoked = stores.tickets().revokeSubject(subject);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("subject", subject);
    out.put("revoked", revoked);
    Http.json(ctx, 200, out);
  }
}
