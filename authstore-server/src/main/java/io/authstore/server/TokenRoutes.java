package io.authstore.server;

import io.authstore.jwt.JwtVerifier;
import io.authstore.jwt.Rejection;
import io.authstore.jwt.Verification;
import io.authstore.jwt.VerifiedJwt;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Revocation and introspection by the token itself, with the server's {@link JwtVerifier}:
 *
 * <ul>
 *   <li>{@code POST /oauth2/revoke} (RFC 7009) and {@code POST /oauth2/introspect} (RFC 7662):
 *       form-encoded, the API key as OAuth client credentials ({@link Access#OAUTH_CLIENT}), errors
 *       in the OAuth shape {@code {"error", "error_description"}} (RFC 6749 §5.2).
 *   <li>{@code POST /auth/tokens/revoke {"token"}}: the REST form of the revocation, with {@code
 *       X-API-Key} and the REST error shape; unlike RFC 7009 it says when a token was not revoked.
 * </ul>
 *
 * Without JWT settings every route answers 501 {@code jwt_not_configured} (after authentication). A
 * token never appears in a log line; the reason a token was refused does, at DEBUG, and in the
 * {@code authstore.jwt.rejections} counter.
 *
 * <p>Thread-safe.
 */
final class TokenRoutes {
  private static final Logger log = LoggerFactory.getLogger(TokenRoutes.class);

  /** Paths under this prefix answer errors in the OAuth shape. */
  static final String OAUTH_PREFIX = "/oauth2/";

  /**
   * JWS compact serialization: three base64url parts, header and payload not empty (the signature
   * of an unsecured JWT is). Anything else is a token type this server cannot revoke.
   */
  private static final Pattern JWS_SHAPE =
      Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");

  private final JwtVerifier verifier;
  private final Metrics metrics;
  private final Clock clock;
  private final int maxBodyBytes;

  /**
   * @param verifier the server's verifier, or null when JWT settings are not configured
   */
  TokenRoutes(JwtVerifier verifier, Metrics metrics, Clock clock, int maxBodyBytes) {
    this.verifier = verifier;
    this.metrics = metrics;
    this.clock = clock;
    this.maxBodyBytes = maxBodyBytes;
  }

  void register(RoutesConfig routes) {
    routes.post("/oauth2/revoke", this::oauthRevoke, Scope.REVOCATIONS_WRITE, Access.OAUTH_CLIENT);
    routes.post(
        "/oauth2/introspect", this::introspect, Scope.REVOCATIONS_READ, Access.OAUTH_CLIENT);
    routes.post("/auth/tokens/revoke", this::revoke, Scope.REVOCATIONS_WRITE);
  }

  /** Whether a request path is an OAuth endpoint's, whose errors take the OAuth shape. */
  static boolean isOAuth(String path) {
    return path != null && path.startsWith(OAUTH_PREFIX);
  }

  /**
   * RFC 7009: a JWT that verifies for revocation is revoked until its {@code exp} (plus leeway);
   * one that does not (bad signature, unknown key, wrong issuer...) gets the same 200, as §2.2 asks
   * ("invalid tokens do not cause an error"), so the endpoint tells nothing about a token. What the
   * server cannot revoke at all is {@code unsupported_token_type}: a refresh token, or a string
   * that is not a JWT.
   */
  private void oauthRevoke(Context ctx) {
    JwtVerifier v = requireVerifier();
    FormBody form = FormBody.read(ctx, maxBodyBytes, Set.of("token", "token_type_hint"));
    String token = form.required("token");
    // Other hints are ignored, as RFC 7009 §2.1 allows: the server looks at the token itself.
    if ("refresh_token".equals(form.optional("token_type_hint"))) {
      throw ApiError.of(
          400,
          "unsupported_token_type",
          "refresh tokens cannot be revoked here: only JWT access tokens");
    }
    if (!JWS_SHAPE.matcher(token).matches()) {
      throw ApiError.of(
          400, "unsupported_token_type", "the token is not a JWT (JWS compact serialization)");
    }
    Verification result = v.revoke(token);
    if (result.isVerified()) {
      metrics.tokenRevoked();
    } else {
      rejected("revoke", result.rejection());
    }
    Http.json(ctx, 200, Map.of());
  }

  /**
   * RFC 7662: an active token's claims, or exactly {@code {"active": false}} whatever made it
   * inactive (unknown, malformed, bad signature, expired, revoked, its subject logged out
   * everywhere...), so the answer tells nothing more about a token that is not valid.
   *
   * <p>{@code token_type} is always {@code Bearer}: the tokens this server verifies are bearer
   * access tokens (RFC 6750, RFC 9068), not bound to a key (no DPoP or mTLS confirmation is
   * checked).
   */
  private void introspect(Context ctx) {
    JwtVerifier v = requireVerifier();
    // token_type_hint is read so that a repeated one is refused; its value is ignored, as RFC
    // 7662 §2.1 allows.
    FormBody form = FormBody.read(ctx, maxBodyBytes, Set.of("token", "token_type_hint"));
    String token = form.required("token");
    Verification result = v.verify(token);
    if (!result.isVerified()) {
      metrics.introspected(false);
      rejected("introspect", result.rejection());
      Http.json(ctx, 200, Map.of("active", false));
      return;
    }
    metrics.introspected(true);
    VerifiedJwt jwt = result.jwt();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("active", true);
    jwt.subject().ifPresent(sub -> out.put("sub", sub));
    out.put("iss", jwt.issuer());
    Object aud = jwt.claims().get("aud"); // a string or an array, as the token has it
    if (aud != null) {
      out.put("aud", aud);
    }
    out.put("exp", jwt.expiresAt().getEpochSecond());
    jwt.issuedAt().ifPresent(iat -> out.put("iat", iat.getEpochSecond()));
    jwt.notBefore().ifPresent(nbf -> out.put("nbf", nbf.getEpochSecond()));
    jwt.jti().ifPresent(jti -> out.put("jti", jti));
    if (!jwt.scopes().isEmpty()) {
      out.put("scope", String.join(" ", jwt.scopes()));
    }
    jwt.clientId().ifPresent(clientId -> out.put("client_id", clientId));
    out.put("token_type", "Bearer");
    Http.json(ctx, 200, out);
  }

  /**
   * The REST revocation: as {@code /oauth2/revoke}, but a token that is not revoked is a 400 {@code
   * invalid_token} naming the reason. The caller holds a {@code revocations:write} key, and a
   * backend whose logout silently revokes nothing (say, the server expects another issuer) is a bug
   * it should see.
   */
  private void revoke(Context ctx) {
    JwtVerifier v = requireVerifier();
    String token = Http.readJson(ctx, maxBodyBytes, Set.of("token")).requiredText("token");
    if (token.isEmpty()) {
      throw ApiError.badRequest("'token' must not be empty");
    }
    Verification result = v.revoke(token);
    if (!result.isVerified()) {
      rejected("revoke", result.rejection());
      throw ApiError.of(
          400,
          "invalid_token",
          "the token was not revoked: it is not a JWT this server accepts ("
              + reason(result.rejection())
              + ")");
    }
    metrics.tokenRevoked();
    VerifiedJwt jwt = result.jwt();
    Duration leeway = v.options().leeway();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("revoked", true);
    out.put("issuer", jwt.issuer());
    out.put("jti", jwt.jti().orElseThrow());
    out.put("expires_at", jwt.expiresAt().toString());
    // The verifier keeps the entry until exp plus the leeway, while it would still accept the
    // token.
    out.put("stored", jwt.expiresAt().plus(leeway).isAfter(clock.instant()));
    Http.json(ctx, 200, out);
  }

  private JwtVerifier requireVerifier() {
    if (verifier == null) {
      throw ApiError.of(
          501,
          "jwt_not_configured",
          "JWT verification is not configured: set a key source (--jwt-jwks-url, --jwt-jwks-file,"
              + " --jwt-public-key-file or --jwt-hmac-secret) with --jwt-algorithms, --jwt-issuers"
              + " and --jwt-audiences");
    }
    return verifier;
  }

  private void rejected(String operation, Rejection rejection) {
    metrics.jwtRejected(operation, reason(rejection));
    log.debug("{}: token rejected: {}", operation, reason(rejection));
  }

  private static String reason(Rejection rejection) {
    return rejection.name().toLowerCase(Locale.ROOT);
  }
}
