package io.authstore.server;

import io.authstore.revocation.RevocationOptions;
import io.authstore.testkit.MutableClock;
import io.authstore.ticket.TicketOptions;
import io.github.bucket4j.TimeMeter;
import java.util.EnumSet;

/** Server configurations and keys shared by the HTTP tests. */
final class TestServers {
  /** Secrets of the test keys: one per scope, one admin. 43 characters each. */
  static final String ADMIN_KEY = ApiKeys.generateSecret();

  static final String ISSUE_KEY = ApiKeys.generateSecret();
  static final String CONSUME_KEY = ApiKeys.generateSecret();
  static final String REVOKE_WRITE_KEY = ApiKeys.generateSecret();
  static final String REVOKE_READ_KEY = ApiKeys.generateSecret();

  /**
   * Time that stands still, for rate limits: no bucket refills while a test runs, however slow the
   * machine.
   */
  static final TimeMeter STILL =
      new TimeMeter() {
        @Override
        public long currentTimeNanos() {
          return 1_000_000_000L;
        }

        @Override
        public boolean isWallClockBased() {
          return false;
        }
      };

  private TestServers() {}

  /** One key per scope plus an admin key. */
  static ApiKeys keys() {
    return ApiKeys.parse(keysText(), "test keys");
  }

  /** {@link #keys()} as configuration text, to extend with more entries. */
  static String keysText() {
    return "admin:"
        + ADMIN_KEY
        + "=admin;issuer:"
        + ISSUE_KEY
        + "=tickets:issue;consumer:"
        + CONSUME_KEY
        + "=tickets:consume;revoker:"
        + REVOKE_WRITE_KEY
        + "=revocations:write;checker:"
        + REVOKE_READ_KEY
        + "=revocations:read";
  }

  /** The test key that has exactly this scope. */
  static String keyFor(Scope scope) {
    return switch (scope) {
      case ADMIN -> ADMIN_KEY;
      case TICKETS_ISSUE -> ISSUE_KEY;
      case TICKETS_CONSUME -> CONSUME_KEY;
      case REVOCATIONS_WRITE -> REVOKE_WRITE_KEY;
      case REVOCATIONS_READ -> REVOKE_READ_KEY;
    };
  }

  /** In memory, port 0, the test keys, rate limits off, JWTs verified with {@link TestJwt}. */
  static ServerConfig.Builder memory() {
    return ServerConfig.builder()
        .bind("127.0.0.1")
        .port(0)
        .apiKeys(keys())
        .rateLimitPerKey(0)
        .rateLimitPerAddress(0)
        .jwt(TestJwt.settings());
  }

  /**
   * In memory as {@link #memory()}, every expiry decision (tickets, revocations, routes) reading
   * {@code clock}.
   */
  static ServerConfig.Builder memory(MutableClock clock) {
    return memory()
        .clock(clock)
        .tickets(TicketOptions.builder().clock(clock).build())
        .revocations(RevocationOptions.builder().clock(clock).build());
  }

  static EnumSet<Scope> all() {
    return EnumSet.allOf(Scope.class);
  }
}
