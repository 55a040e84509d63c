package io.authstore.server;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.security.RouteRole;
import java.util.Set;

/**
 * API-key authentication and scope checks before every matched route, and the rate limits of the
 * issue and validate routes. The key travels in the {@code X-API-Key} header ({@code Authorization:
 * Bearer} carries tickets on the validate route).
 *
 * <p>Thread-safe.
 */
final class Guard {
  static final String KEY_ATTRIBUTE = "authstore.key";

  private final ApiKeys keys;
  private final RateLimiter perKey;
  private final RateLimiter perAddress;

  Guard(ApiKeys keys, int perKeyPerSecond, int perAddressPerSecond) {
    this.keys = keys;
    this.perKey = new RateLimiter(perKeyPerSecond);
    this.perAddress = new RateLimiter(perAddressPerSecond);
  }

  /** Runs before each matched route: 401 without a valid key, 403 without the route's scope. */
  void authorize(Context ctx) {
    Set<RouteRole> roles = ctx.routeRoles();
    if (roles.contains(Access.PUBLIC)) {
      return;
    }
    if (roles.isEmpty() && ctx.method() == HandlerType.HEAD) {
      // Javalin answers HEAD for every GET route by itself, without running the GET handler (so
      // without its roles, and with a 200 even from a failing readiness probe). No route offers
      // HEAD: refuse it as any other method the route does not have.
      throw ApiError.of(405, "method_not_allowed", "method not allowed on this route");
    }
    if (roles.isEmpty()) {
      throw new IllegalStateException("route declares no access: " + ctx.endpoint().path);
    }
    ApiKeys.Key key = keys.find(ctx.header(Http.API_KEY_HEADER));
    if (key == null) {
      throw ApiError.of(401, "unauthorized", "a valid API key is required in the X-API-Key header");
    }
    for (RouteRole role : roles) {
      if (!key.allows((Scope) role)) {
        throw ApiError.of(
            403,
            "forbidden",
            "API key '" + key.name() + "' lacks the scope " + ((Scope) role).wireName());
      }
    }
    ctx.attribute(KEY_ATTRIBUTE, key);
  }

  /** Applies the per-key and per-address limits; throws 429 with {@code Retry-After} when over. */
  void rateLimit(Context ctx) {
    ApiKeys.Key key = ctx.attribute(KEY_ATTRIBUTE);
    long wait = key == null ? 0 : perKey.tryTake(key.name());
    if (wait == 0) {
      wait = perAddress.tryTake(ctx.ip());
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
