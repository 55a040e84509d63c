package io.authstore.bench.http;

/** The routes a load run drives, and the server each one is sent to. */
enum Route {
  /** {@code GET /health/live} of the in-memory server: the ceiling of the HTTP stack. */
  LIVE("live"),
  /** {@code GET /auth/revocations/{jti}} on the in-memory server, half of the jtis revoked. */
  CHECK("check"),
  /** {@code POST /auth/sessions} then {@code POST /auth/sessions/validate}, on Redis. */
  TICKETS("tickets");

  private final String label;

  Route(String label) {
    this.label = label;
  }

  /** Short name used in scenario and request names and in property names. */
  String label() {
    return label;
  }
}
