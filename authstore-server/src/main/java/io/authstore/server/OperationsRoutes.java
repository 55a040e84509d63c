package io.authstore.server;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/** Probes, Prometheus metrics, the source's Redis health route and the OpenAPI document. */
final class OperationsRoutes {
  private final Stores stores;
  private final Metrics metrics;
  private final StoreGauges gauges;
  private final Clock clock;
  private final byte[] openApi;

  OperationsRoutes(Stores stores, Metrics metrics, StoreGauges gauges, Clock clock) {
    this.stores = stores;
    this.metrics = metrics;
    this.gauges = gauges;
    this.clock = clock;
    this.openApi = loadOpenApi();
  }

  void register(RoutesConfig routes) {
    Http.getAndHead(
        routes, "/health/live", ctx -> Http.json(ctx, 200, Map.of("status", "up")), Access.PUBLIC);
    Http.getAndHead(routes, "/health/ready", this::ready, Access.PUBLIC);
    Http.getAndHead(routes, "/auth/redis-health", this::redisHealth, Access.PUBLIC);
    Http.getAndHead(routes, "/metrics", this::metrics, Access.PUBLIC);
    Http.getAndHead(
        routes,
        "/openapi.json",
        ctx -> ctx.status(200).contentType(Http.JSON).result(openApi),
        Access.PUBLIC);
  }

  private void ready(Context ctx) {
    Stores.Readiness r = stores.readiness();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("status", r.status());
    out.put("storage", stores.storage());
    out.put("message", r.message());
    if (stores.revocationView() != null) {
      out.put("revocation_view", stores.revocationView());
    }
    if (!r.ready()) {
      ctx.header("Retry-After", "1");
    }
    Http.json(ctx, r.ready() ? 200 : 503, out);
  }

  private void redisHealth(Context ctx) {
    Map<String, Object> out = new LinkedHashMap<>();
    boolean healthy = stores.redisHealthy();
    out.put("status", healthy ? "healthy" : "unhealthy");
    String message;
    if (healthy) {
      message = "Redis connection is working";
    } else if (stores.usesRedis()) {
      message = "Redis is unreachable";
    } else if (stores.storage().equals("memory_fallback")) {
      message = "Redis was unreachable at start: running on the in-memory fallback";
    } else {
      message = "no Redis configured: running on the in-memory backend";
    }
    out.put("message", message);
    out.put("timestamp", clock.instant().toString());
    Http.json(ctx, healthy ? 200 : 503, out);
  }

  private void metrics(Context ctx) {
    gauges.refresh();
    ctx.status(200)
        .contentType("text/plain; version=0.0.4; charset=utf-8")
        .result(metrics.scrape());
  }

  private static byte[] loadOpenApi() {
    try (InputStream in = OperationsRoutes.class.getResourceAsStream("openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi.json missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read openapi.json", e);
    }
  }
}
