package io.authstore.server;

import java.util.EnumSet;

/** Server configurations and keys shared by the HTTP tests. */
final class TestServers {
  /** Secrets of the test keys: one per scope, one admin. 43 characters each. */
  static final String ADMIN_KEY = ApiKeys.generateSecret();

  static final String ISSUE_KEY = ApiKeys.generateSecret();
  static final String CONSUME_KEY = ApiKeys.generateSecret();
  static final String REVOKE_WRITE_KEY = ApiKeys.generateSecret();
  static final String REVOKE_READ_KEY = ApiKeys.generateSecret();

  private TestServers() {}

  /** One key per scope plus an admin key. */
  static ApiKeys keys() {
    return ApiKeys.parse(
        "admin:"
            + ADMIN_KEY
            + "=admin;issuer:"
            + ISSUE_KEY
            + "=tickets:issue;consumer:"
            + CONSUME_KEY
            + "=tickets:consume;revoker:"
            + REVOKE_WRITE_KEY
            + "=revocations:write;checker:"
            + REVOKE_READ_KEY
            + "=revocations:read",
        "test keys");
  }

  /** In memory, port 0, the test keys, rate limits off. */
  static ServerConfig.Builder memory() {
    return ServerConfig.builder()
        .bind("127.0.0.1")
        .port(0)
        .apiKeys(keys())
        .rateLimitPerKey(0)
        .rateLimitPerAddress(0);
  }

  static EnumSet<Scope> all() {
    return EnumSet.allOf(Scope.class);
  }
}
