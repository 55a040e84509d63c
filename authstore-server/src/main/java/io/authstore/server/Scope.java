package io.authstore.server;

import io.javalin.security.RouteRole;
import java.util.Locale;

/** What an API key may do. {@link #ADMIN} grants every scope. */
public enum Scope implements RouteRole {
  /** Issue tickets and invalidate a subject's tickets. */
  TICKETS_ISSUE("tickets:issue"),
  /** Validate (consume) tickets. */
  TICKETS_CONSUME("tickets:consume"),
  /** Revoke tokens by jti and revoke subjects. */
  REVOCATIONS_WRITE("revocations:write"),
  /** Check whether a token is revoked. */
  REVOCATIONS_READ("revocations:read"),
  /** Everything, including status and cleanup. */
  ADMIN("admin");

  private final String wireName;

  Scope(String wireName) {
    this.wireName = wireName;
  }

  /** The scope as written in key configuration, e.g. {@code tickets:issue}. */
  public String wireName() {
    return wireName;
  }

  /**
   * Parses a scope by its wire name.
   *
   * @throws IllegalArgumentException naming the value if it is not a scope
   */
  public static Scope parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    for (Scope s : values()) {
      if (s.wireName.equals(t)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown scope '"
            + text
            + "' (one of tickets:issue, tickets:consume, revocations:write, revocations:read,"
            + " admin)");
  }
}
