package io.authstore.server;

import io.javalin.security.RouteRole;

/**
 * How a route authenticates, beside the {@link Scope} it needs. Every route declares either {@link
 * #PUBLIC} or a scope; a route that declares neither is refused, so a forgotten declaration fails
 * closed.
 */
enum Access implements RouteRole {
  /** No API key needed (probes, metrics, the OpenAPI document). */
  PUBLIC,
  /**
   * An OAuth endpoint (RFC 7009, RFC 7662): the API key authenticates the client as HTTP Basic
   * ({@code client_id} the key's name, {@code client_secret} its secret), as {@code Authorization:
   * Bearer <key>} or in {@code X-API-Key}; failures answer in the OAuth error shape ({@code
   * invalid_client}, {@code insufficient_scope}). Declared together with a scope.
   */
  OAUTH_CLIENT
}
