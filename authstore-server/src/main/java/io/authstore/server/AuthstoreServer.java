package io.authstore.server;

import io.authstore.CapacityExceededException;
import io.authstore.StoreUnavailableException;
import io.authstore.jwt.JwtVerifier;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.router.Endpoint;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The authstore HTTP service: opens the stores its {@link ServerConfig} names, serves the routes
 * (Javalin on Jetty), and on {@link #close()} stops taking connections, lets in-flight requests
 * finish within the configured grace, then closes the JWT verifier and the stores.
 *
 * <p>Every error answer has one shape, {@code {"error": "<code>", "message": "<for a person>"}}:
 * 400 bad input, 401 no or wrong API key, 403 wrong scope, 404, 405 (with {@code Allow}), 413 body
 * too large, 415 wrong content type or a compressed body, 429 over a cap or a rate limit, 501 JWT
 * verification not configured, 503 with {@code Retry-After} when the store is unreachable. Under
 * {@code /oauth2/} errors take the OAuth shape instead (RFC 6749 §5.2), {@code {"error": "<code>",
 * "error_description": "<text>"}}, with the OAuth codes where there is one: {@code invalid_client}
 * (401, with {@code WWW-Authenticate}), {@code insufficient_scope} (403), {@code
 * temporarily_unavailable} (503), {@code server_error}.
 *
 * <pre>{@code
 * try (AuthstoreServer server = AuthstoreServer.start(ServerConfig.builder().port(0).build())) {
 *   int port = server.port();
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class AuthstoreServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AuthstoreServer.class);
  private static final Logger access = LoggerFactory.getLogger("io.authstore.access");

  /** Seconds a client is told to wait when the store is unavailable. */
  static final int STORE_RETRY_AFTER_SECONDS = 1;

  /** Javalin's per-response copy buffer, in bytes; see {@link #createApp}. */
  static final int RESPONSE_COPY_BUFFER_BYTES = 4096;

  private final ServerConfig config;
  private final Stores stores;
  private final JwtVerifier verifier;
  private final Metrics metrics;
  private final StoreGauges gauges;
  private final String generatedAdminKey;
  private final List<String> routes = Collections.synchronizedList(new ArrayList<>());

  /** The methods of each route, for the {@code Allow} header of a 405. */
  private final RouteMethods routeMethods = new RouteMethods();

  private final Javalin app;
  private volatile boolean closed;

  private AuthstoreServer(ServerConfig config) {
    this.config = config;
    this.metrics = new Metrics();
    ApiKeys keys = config.apiKeys();
    if (keys.isEmpty()) {
      generatedAdminKey = ApiKeys.generateSecret();
      keys = ApiKeys.of("generated-admin", generatedAdminKey, EnumSet.of(Scope.ADMIN));
    } else {
      generatedAdminKey = null;
    }
    this.stores = Stores.open(config, metrics);
    this.gauges = new StoreGauges(stores);
    JwtVerifier jwt = null;
    try {
      if (config.jwt() != null) {
        jwt = JwtVerifier.create(config.jwt().toOptions(stores.revocations(), config.clock()));
      }
      this.verifier = jwt;
      gauges.register(metrics);
      this.app = createApp(config, keys);
      app.start(config.bind(), config.port());
    } catch (RuntimeException e) {
      if (jwt != null) {
        jwt.close();
      }
      gauges.close();
      stores.close();
      throw e;
    }
  }

  /**
   * Opens the stores and starts listening.
   *
   * @throws StoreUnavailableException if Redis is unreachable and fallback is off
   * @throws RuntimeException if the port cannot be bound
   */
  public static AuthstoreServer start(ServerConfig config) {
    AuthstoreServer server = new AuthstoreServer(config);
    log.info(
        "authstore {} started: backend {}, JWT {}, listening on {}:{}, {} API key(s){}",
        version(),
        server.stores.description(),
        config.jwt() == null ? "routes off (not configured)" : config.jwt().describe(),
        config.bind(),
        server.port(),
        config.apiKeys().isEmpty() ? 1 : config.apiKeys().size(),
        server.generatedAdminKey != null ? " (generated admin key printed on standard error)" : "");
    return server;
  }

  /** The port the server listens on. */
  public int port() {
    return app.port();
  }

  /**
   * The admin key generated at start when none was configured. The {@code serve} command prints it
   * once on standard error; it is never logged.
   */
  public Optional<String> generatedAdminKey() {
    return Optional.ofNullable(generatedAdminKey);
  }

  /** Every route as {@code "METHOD /path"}, for the OpenAPI check. */
  public List<String> routes() {
    synchronized (routes) {
      return List.copyOf(routes);
    }
  }

  /** This build's version, from the jar manifest ({@code dev} when run from classes). */
  public static String version() {
    String v = AuthstoreServer.class.getPackage().getImplementationVersion();
    return v != null ? v : "dev";
  }

  /** Headers that carry credentials, refused when given more than once. */
  private static final List<String> SINGLE_HEADERS = List.of(Http.API_KEY_HEADER, "Authorization");

  private Javalin createApp(ServerConfig config, ApiKeys keys) {
    Guard guard =
        new Guard(
            keys,
            config.rateLimitPerKey(),
            config.rateLimitPerAddress(),
            config.clientAddresses(),
            config.rateLimitTime());
    TicketRoutes tickets = new TicketRoutes(stores, metrics, guard, config.maxBodyBytes());
    RevocationRoutes revocations =
        new RevocationRoutes(
            stores,
            config.clock(),
            verifier == null ? Duration.ZERO : verifier.options().leeway(),
            config.maxBodyBytes());
    OperationsRoutes operations = new OperationsRoutes(stores, metrics, gauges, config.clock());
    TokenRoutes tokens = new TokenRoutes(verifier, metrics, config.clock(), config.maxBodyBytes());
    return Javalin.create(
        cfg -> {
          cfg.startup.showJavalinBanner = false;
          cfg.startup.showOldJavalinVersionWarning = false;
          cfg.http.prefer405over404 = true;
          cfg.http.maxRequestSize = config.maxBodyBytes();
          // Javalin copies every result to the response through a new buffer of this size; left
          // unset it takes Jetty's output buffer size (32 KiB), a 32 KiB allocation per response
          // (most of the server's garbage under load) for bodies that are mostly under 1 KiB.
          cfg.http.responseBufferSize = RESPONSE_COPY_BUFFER_BYTES;
          cfg.router.ignoreTrailingSlashes = false;
          cfg.jetty.modifyServer(
              server -> {
                // Graceful stop: refuse new requests, wait for in-flight ones up to the grace.
                server.insertHandler(new GracefulHandler());
                // Requests Jetty refuses itself get the server's JSON error shape too.
                server.setErrorHandler(new JsonErrorHandler());
                server.setStopTimeout(config.shutdownGrace().toMillis());
              });
          cfg.jetty.modifyServletContextHandler(
              context -> context.setErrorHandler(new JsonErrorHandler()));
          cfg.events.handlerAdded(
              meta -> {
                if (meta.getHttpMethod() != null && meta.getHttpMethod().isHttpMethod()) {
                  routeMethods.add(meta.getHttpMethod().name(), meta.getPath());
                  if (meta.getHttpMethod() != HandlerType.HEAD) {
                    // The HEAD of each GET route is implied by it (Http.getAndHead).
                    routes.add(meta.getHttpMethod().name() + " " + meta.getPath());
                  }
                }
              });
          cfg.routes.before(
              ctx -> {
                ctx.header("Cache-Control", "no-store");
                ctx.header("X-Content-Type-Options", "nosniff");
                if (TokenRoutes.isOAuth(ctx.path())) {
                  ctx.header("Pragma", "no-cache"); // RFC 6749 §5.1, for HTTP/1.0 caches
                }
                // A credential header given twice is ambiguous (which one was meant, and which
                // one does a proxy in front see?): refused, not first-wins.
                for (String header : SINGLE_HEADERS) {
                  Enumeration<String> values = ctx.req().getHeaders(header);
                  if (values != null && values.hasMoreElements()) {
                    values.nextElement();
                    if (values.hasMoreElements()) {
                      throw ApiError.badRequest("header " + header + " is given more than once");
                    }
                  }
                }
              });
          cfg.routes.beforeMatched(guard::authorize);
          tickets.register(cfg.routes);
          revocations.register(cfg.routes);
          tokens.register(cfg.routes);
          operations.register(cfg.routes);
          cfg.routes.exception(ApiError.class, this::renderApiError);
          cfg.routes.exception(
              StoreUnavailableException.class,
              (e, ctx) -> {
                metrics.storeUnavailable();
                log.warn(
                    "store unavailable on {} {}: {}", ctx.method(), route(ctx), e.getMessage());
                renderApiError(
                    ApiError.retryLater(
                        503,
                        "store_unavailable",
                        "the store is unavailable; retry shortly",
                        STORE_RETRY_AFTER_SECONDS),
                    ctx);
              });
          cfg.routes.exception(
              CapacityExceededException.class,
              (e, ctx) ->
                  renderApiError(
                      ApiError.of(
                          429,
                          "capacity_exceeded",
                          (e.scope() == CapacityExceededException.Scope.GLOBAL
                                  ? "the cap on active tickets is reached: "
                                  : "the cap on active tickets of this subject is reached: ")
                              + e.limit()),
                      ctx));
          // Jetty decodes a request's charset before a route sees it: a name it does not know is a
          // charset this server does not accept.
          cfg.routes.exception(
              UnsupportedCharsetException.class,
              (e, ctx) -> renderApiError(Http.unsupportedCharset(), ctx));
          cfg.routes.exception(
              IllegalCharsetNameException.class,
              (e, ctx) -> renderApiError(Http.unsupportedCharset(), ctx));
          cfg.routes.exception(
              IllegalArgumentException.class,
              (e, ctx) -> renderApiError(ApiError.badRequest(invalidRequestMessage(e)), ctx));
          cfg.routes.exception(
              HttpResponseException.class,
              (e, ctx) -> renderApiError(fromJavalin(e.getStatus(), e.getMessage()), ctx));
          cfg.routes.exception(
              Exception.class,
              (e, ctx) -> {
                log.error("unexpected error on {} {}", ctx.method(), route(ctx), e);
                renderApiError(ApiError.of(500, "internal_error", "unexpected error"), ctx);
              });
          cfg.routes.error(
              404,
              ctx -> {
                if (ctx.result() == null) {
                  renderApiError(ApiError.of(404, "not_found", "no such route"), ctx);
                }
              });
          cfg.routes.error(
              405,
              ctx -> {
                if (ctx.result() == null) {
                  renderApiError(
                      ApiError.of(405, "method_not_allowed", "method not allowed on this route"),
                      ctx);
                }
              });
          cfg.requestLogger.http(
              (ctx, ms) -> {
                String route = route(ctx);
                metrics.request(
                    ctx.method().name(), route, ctx.statusCode(), (long) (ms * 1_000_000));
                if (access.isDebugEnabled()) {
                  access.debug(
                      "{} {} {} {} ms key={}",
                      ctx.method(),
                      route,
                      ctx.statusCode(),
                      String.format(Locale.ROOT, "%.2f", ms),
                      Guard.keyName(ctx));
                }
              });
        });
  }

  /**
   * The template of the route the request matched (never the concrete path, which may carry a
   * subject), or {@code unmatched}. Not {@code ctx.endpoint()}: that is whichever handler ran last,
   * the {@code *} of a before-filter when the guard refused the request.
   */
  private static String route(Context ctx) {
    Endpoint matched = ctx.endpoints().matchedHttpEndpoint();
    return matched != null ? matched.path : "unmatched";
  }

  /**
   * The message of a 400 from an {@link IllegalArgumentException} (a store refusing a value out of
   * its bounds, say): its own, or a generic text when it has none, since every error body carries a
   * message.
   */
  static String invalidRequestMessage(IllegalArgumentException e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? "invalid request" : message;
  }

  private static ApiError fromJavalin(int status, String message) {
    return switch (status) {
      case 413 -> ApiError.of(413, "payload_too_large", "request body is too large");
      case 405 -> ApiError.of(405, "method_not_allowed", "method not allowed on this route");
      case 404 -> ApiError.of(404, "not_found", "no such route");
      default ->
          status >= 400 && status < 500
              ? ApiError.of(status, "invalid_request", "request rejected")
              : ApiError.of(500, "internal_error", "unexpected error");
    };
  }

  private void renderApiError(ApiError e, Context ctx) {
    if (e.status() == 405) {
      // RFC 9110 §15.5.6: a 405 names the methods the path has.
      ctx.header("Allow", routeMethods.allowed(ctx.path()));
    }
    if (e.retryAfterSeconds() != null) {
      ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    if (TokenRoutes.isOAuth(ctx.path())) {
      if (e.status() == 401) {
        ctx.header("WWW-Authenticate", "Basic realm=\"authstore\"");
      }
      body.put("error", oauthCode(e.code()));
      body.put("error_description", e.getMessage());
    } else {
      body.put("error", e.code());
      body.put("message", e.getMessage());
    }
    Http.json(ctx, e.status(), body);
  }

  /** The RFC 6749 / RFC 6750 code for one of ours, where OAuth has one. */
  private static String oauthCode(String code) {
    return switch (code) {
      case "unauthorized" -> "invalid_client";
      case "forbidden" -> "insufficient_scope";
      case "store_unavailable" -> "temporarily_unavailable";
      case "internal_error" -> "server_error";
      case "invalid_json", "unknown_field" -> "invalid_request";
      default -> code;
    };
  }

  /**
   * Stops taking requests, waits up to the shutdown grace for in-flight ones, then closes the
   * stores (and their Redis connections). Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      app.stop();
    } finally {
      if (verifier != null) {
        verifier.close();
      }
      gauges.close();
      stores.close();
      log.info("authstore stopped");
    }
  }
}
