package io.authstore.server;

import io.authstore.revocation.RevocationOptions;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Revoke a token by jti, check it, and revoke every token of a subject issued before a time.
 *
 * <p>A jti is revoked until the {@code expires_at} the caller gives plus the JWT leeway of this
 * server's own verifier, when it verifies JWTs: its introspection accepts a token until {@code exp}
 * plus the leeway, so an entry kept only until {@code exp} would let a revoked token introspect as
 * active that long (as {@link io.authstore.jwt.JwtVerifier#revoke} does for a token).
 */
final class RevocationRoutes {
  /** How far in the future a subject's {@code not_before} may lie (clock skew between hosts). */
  static final Duration NOT_BEFORE_SKEW = Duration.ofMinutes(5);

  private final Stores stores;
  private final Clock clock;
  private final Duration leeway;
  private final int maxBodyBytes;

  /**
   * @param leeway added to each {@code expires_at} a jti is revoked until: the leeway of the
   *     server's JWT verifier, or zero when it verifies none
   */
  RevocationRoutes(Stores stores, Clock clock, Duration leeway, int maxBodyBytes) {
    this.stores = stores;
    this.clock = clock;
    this.leeway = leeway;
    this.maxBodyBytes = maxBodyBytes;
  }

  void register(RoutesConfig routes) {
    routes.post("/auth/revocations", this::revoke, Scope.REVOCATIONS_WRITE);
    Http.getAndHead(routes, "/auth/revocations/{jti}", this::check, Scope.REVOCATIONS_READ);
    routes.post("/auth/subjects/{subject}/revoke-all", this::revokeAll, Scope.REVOCATIONS_WRITE);
  }

  private void revoke(Context ctx) {
    JsonBody body = Http.readJson(ctx, maxBodyBytes, Set.of("issuer", "jti", "expires_at"));
    String issuer = orEmpty(body.optionalText("issuer"));
    String jti = body.requiredText("jti");
    Instant expiresAt = body.requiredInstant("expires_at");
    Instant now = clock.instant();
    if (expiresAt.isAfter(now.plus(RevocationOptions.MAX_TOKEN_LIFETIME_LIMIT))) {
      throw ApiError.badRequest(
          "'expires_at' is more than "
              + RevocationOptions.MAX_TOKEN_LIFETIME_LIMIT.toDays()
              + " days ahead: "
              + expiresAt);
    }
    // The server's verifier accepts the token until exp plus its leeway: the entry lasts as long.
    Instant storedUntil = expiresAt.plus(leeway);
    stores.revocations().revoke(issuer, jti, storedUntil);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("revoked", true);
    out.put("issuer", issuer);
    out.put("jti", jti);
    out.put("expires_at", expiresAt.toString());
    // A token past exp plus the leeway is refused anyway: nothing was stored for it.
    out.put("stored", storedUntil.isAfter(now));
    Http.json(ctx, 200, out);
  }

  private static final Set<String> CHECK_PARAMETERS = Set.of("issuer", "subject", "issued_at");

  private void check(Context ctx) {
    String jti = ctx.pathParam("jti");
    FormBody query = FormBody.query(ctx.queryString(), CHECK_PARAMETERS);
    String issuer = orEmpty(query.optional("issuer"));
    String subject = query.optional("subject");
    String issuedAt = query.optional("issued_at");
    boolean revoked;
    if (subject == null && issuedAt == null) {
      revoked = stores.revocations().isRevoked(issuer, jti);
    } else if (subject == null || issuedAt == null) {
      throw ApiError.badRequest("'subject' and 'issued_at' go together");
    } else {
      revoked = stores.revocations().isRevoked(issuer, jti, subject, parseInstant(issuedAt));
    }
    Http.json(ctx, 200, Map.of("revoked", revoked));
  }

  private void revokeAll(Context ctx) {
    String subject = ctx.pathParam("subject");
    JsonBody body = Http.readOptionalJson(ctx, maxBodyBytes, Set.of("issuer", "not_before"));
    String issuer = orEmpty(body.optionalText("issuer"));
    Instant now = clock.instant();
    Instant notBefore = body.optionalInstant("not_before");
    if (notBefore == null) {
      notBefore = now;
    } else if (notBefore.isAfter(now.plus(NOT_BEFORE_SKEW))) {
      throw ApiError.badRequest("'not_before' must not be in the future: " + notBefore);
    }
    stores.revocations().revokeSubject(issuer, subject, notBefore);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("subject", subject);
    out.put("issuer", issuer);
    out.put("not_before", notBefore.toString());
    Http.json(ctx, 200, out);
  }

  private static String orEmpty(String issuer) {
    return issuer == null ? "" : issuer;
  }

  private static Instant parseInstant(String text) {
    try {
      if (text.matches("-?[0-9]{1,12}")) {
        return Instant.ofEpochSecond(Long.parseLong(text));
      }
      return Instant.parse(text);
    } catch (DateTimeException | NumberFormatException e) {
      throw ApiError.badRequest(
          "'issued_at' must be seconds since the epoch or an ISO-8601 instant: "
              + Http.shorten(text));
    }
  }
}
