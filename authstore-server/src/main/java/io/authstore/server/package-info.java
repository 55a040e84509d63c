/**
 * The authstore HTTP service: {@link io.authstore.server.AuthstoreServer} (routes, API keys, rate
 * limits, metrics) configured by {@link io.authstore.server.ServerConfig}, and the command line
 * ({@link io.authstore.server.Main}) that starts it and calls it.
 */
package io.authstore.server;
