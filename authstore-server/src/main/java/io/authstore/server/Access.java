package io.authstore.server;

import io.javalin.security.RouteRole;

/**
 * Marks a route that needs no API key (probes, metrics, the OpenAPI document). Every route declares
 * either this or the {@link Scope} it needs; a route that declares neither is refused, so a
 * forgotten declaration fails closed.
 */
enum Access implements RouteRole {
  PUBLIC
}
