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
   * @throws IllegalArgumentException if it is not a scope, naming the value only if it looks like
   *     one
   */
  public static Scope parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    for (Scope s : values()) {
      if (s.wireName.equals(t)) {
        return s;
      }
    }
    // Shown only if it looks like a scope: a key list with ',' where ';' belongs puts the next
    // key's name and secret here.
    String shown =
        t.matches("[a-z:_-]{1,32}") ? "'" + t + "'" : "(not shown: it is not a scope name)";
    throw new IllegalArgumentException(
        "unknown scope "
            + shown
            + " (one of tickets:issue, tickets:consume, revocations:write, revocations:read,"
            + " admin; key entries are separated by ';')");
  }
}
