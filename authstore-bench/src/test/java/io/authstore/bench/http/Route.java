package io.authstore.bench.http;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The routes a load run drives, in the order it drives them, and the server each one is sent to.
 *
 * <p>The order keeps the two routes of the in-memory server apart: a ramp ends by overloading the
 * server, which then has garbage and queued work to get rid of before the next route on it. (The
 * connections no longer carry over: each stage has its own bounded pool, closed when the stage
 * ends; see {@link LoadRun}.)
 */
enum Route {
  /** {@code GET /auth/revocations/{jti}} on the in-memory server, half of the jtis revoked. */
  CHECK("check"),
  /** {@code POST /auth/sessions} then {@code POST /auth/sessions/validate}, on Redis. */
  TICKETS("tickets"),
  /** {@code GET /health/live} of the in-memory server: the ceiling of the HTTP stack. */
  LIVE("live");

  private final String label;

  Route(String label) {
    this.label = label;
  }

  /** Short name used in scenario and request names and in property names. */
  String label() {
    return label;
  }

  /** The routes named by {@code -Dload.routes=live,check,tickets} (default: all), in run order. */
  static List<Route> selected() {
    String given = System.getProperty("load.routes");
    if (given == null || given.isBlank()) {
      return List.of(values());
    }
    Set<String> labels =
        Arrays.stream(given.split(",")).map(String::trim).collect(Collectors.toSet());
    List<Route> routes = Arrays.stream(values()).filter(r -> labels.contains(r.label())).toList();
    if (routes.size() != labels.size()) {
      throw new IllegalArgumentException("load.routes takes live, check, tickets: " + given);
    }
    return routes;
  }
}
