package io.authstore.server;

import io.github.bucket4j.TimeMeter;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.security.RouteRole;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

/**
 * API-key authentication and scope checks before every matched route, and the rate limits of the
 * issue and validate routes. The key travels in the {@code X-API-Key} header ({@code Authorization:
 * Bearer} carries tickets on the validate route); on {@link Access#OAUTH_CLIENT} routes it may also
 * come as OAuth client credentials (RFC 6749 §2.3.1).
 *
 * <p>Thread-safe.
 */
final class Guard {
  static final String KEY_ATTRIBUTE = "authstore.key";

  private final ApiKeys keys;
  private final RateLimiter perKey;
  private final RateLimiter perAddress;
  private final ClientAddresses clients;

  Guard(
      ApiKeys keys,
      int perKeyPerSecond,
      int perAddressPerSecond,
      ClientAddresses clients,
      TimeMeter time) {
    this.keys = keys;
    this.perKey = new RateLimiter(perKeyPerSecond, time);
    this.perAddress = new RateLimiter(perAddressPerSecond, time);
    this.clients = clients;
  }

  /** Runs before each matched route: 401 without a valid key, 403 without the route's scope. */
  void authorize(Context ctx) {
    Set<RouteRole> roles = ctx.routeRoles();
    if (roles.contains(Access.PUBLIC)) {
      return;
    }
    if (roles.isEmpty() && ctx.method() == HandlerType.HEAD) {
      // Javalin answers HEAD for a GET route without a HEAD of its own by itself, without running
      // the GET handler (so without its roles, and 200 even from a failing readiness probe).
      // Every GET route here registers its HEAD (Http.getAndHead); one that does not, refuses it.
      throw ApiError.of(405, "method_not_allowed", "method not allowed on this route");
    }
    if (roles.isEmpty()) {
      throw new IllegalStateException(
          "route declares no access: " + ctx.endpoints().matchedHttpEndpoint().path);
    }
    boolean oauth = roles.contains(Access.OAUTH_CLIENT);
    ApiKeys.Key key = oauth ? oauthClient(ctx) : keys.find(ctx.header(Http.API_KEY_HEADER));
    if (key == null && oauth) {
      throw ApiError.of(
          401,
          "invalid_client",
          "client authentication failed: give an API key as HTTP Basic (client_id the key's name,"
              + " client_secret its secret), as Authorization: Bearer <key>, or in X-API-Key");
    }
    if (key == null) {
      throw ApiError.of(401, "unauthorized", "a valid API key is required in the X-API-Key header");
    }
    for (RouteRole role : roles) {
      if (role instanceof Scope scope && !key.allows(scope)) {
        throw ApiError.of(
            403,
            oauth ? "insufficient_scope" : "forbidden",
            "API key '" + key.name() + "' lacks the scope " + scope.wireName());
      }
    }
    ctx.attribute(KEY_ATTRIBUTE, key);
  }

  /**
   * The key an OAuth client authenticated with, or null. One method per request (RFC 6749 §2.3):
   * {@code Authorization} and {@code X-API-Key} together are refused.
   */
  private ApiKeys.Key oauthClient(Context ctx) {
    String authorization = ctx.header("Authorization");
    String apiKey = ctx.header(Http.API_KEY_HEADER);
    if (authorization == null) {
      return keys.find(apiKey);
    }
    if (apiKey != null) {
      return null;
    }
    if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return keys.find(authorization.substring(7).strip());
    }
    if (!authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    String credentials;
    try {
      credentials =
          new String(
              Base64.getDecoder().decode(authorization.substring(6).strip()),
              StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
    int colon = credentials.indexOf(':');
    if (colon < 0) {
      return null;
    }
    String clientId = formDecoded(credentials.substring(0, colon));
    String secret = credentials.substring(colon + 1);
    // RFC 6749 §2.3.1 has both parts form-encoded first, which many clients skip. Secrets may hold
    // '+' and '/' but never '%' or ' ', so the raw secret and its decoded form cannot be confused.
    ApiKeys.Key key = keys.find(secret);
    if (key == null) {
      String decoded = formDecoded(secret);
      key = decoded == null || decoded.equals(secret) ? null : keys.find(decoded);
    }
    return key != null && key.name().equals(clientId) ? key : null;
  }

  /** The {@code application/x-www-form-urlencoded} decoding of a value, or null if malformed. */
  private static String formDecoded(String value) {
    try {
      return URLDecoder.decode(value, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * Applies the per-key and per-client-address limits (the client as {@link ClientAddresses} finds
   * it); throws 429 with {@code Retry-After} when over.
   */
  void rateLimit(Context ctx) {
    ApiKeys.Key key = ctx.attribute(KEY_ATTRIBUTE);
    long wait = key == null ? 0 : perKey.tryTake(key.name());
    if (wait == 0 && perAddress.isOn()) {
      wait =
          perAddress.tryTake(
              clients.clientOf(ctx.ip(), ctx.req().getHeaders(ClientAddresses.FORWARDED_FOR)));
      if (wait > 0 && key != null) {
        // Refused by its address: a noisy client must not spend a shared key's budget.
        perKey.giveBack(key.name());
      }
    }
    if (wait > 0) {
      throw ApiError.retryLater(
          429, "rate_limited", "too many requests: retry after " + wait + " s", wait);
    }
  }

  /** The name of the key that authenticated this request, or null. */
  static String keyName(Context ctx) {
    ApiKeys.Key key = ctx.attribute(KEY_ATTRIBUTE);
    return key == null ? null : key.name();
  }
}
