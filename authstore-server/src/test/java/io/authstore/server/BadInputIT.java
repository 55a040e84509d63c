package io.authstore.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.authstore.revocation.RevocationOptions;
import io.authstore.ticket.TicketOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A table of bad requests, each with the 4xx status and {@code error} code it must get. Whatever a
 * client sends, the answer is a 4xx that names the problem, never a 5xx: the last check, after
 * every row ran, is that no row got one.
 */
class BadInputIT {
  private static final String JSON = "application/json";
  private static final int MAX_BODY = ServerConfig.DEFAULT_MAX_BODY_BYTES;

  private static AuthstoreServer server;
  private static Api api;

  /** Status each row got, by row name. */
  private static final Map<String, Integer> statuses = new ConcurrentHashMap<>();

  /** One row: what is sent, and the status and error code it must get (null: no body, HEAD). */
  record Case(String name, int status, String error, Function<Api, Api.Response> request) {
    @Override
    public String toString() {
      return name;
    }
  }

  @BeforeAll
  static void start() {
    server = AuthstoreServer.start(TestServers.memory().build());
    api = new Api(server.port(), TestServers.ADMIN_KEY);
  }

  @AfterAll
  static void noRowGot5xx() {
    try {
      assertThat(statuses).as("rows run").isNotEmpty();
      Map<String, Integer> serverErrors =
          statuses.entrySet().stream()
              .filter(e -> e.getValue() >= 500)
              .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
      assertThat(serverErrors).as("rows answered with a 5xx").isEmpty();
    } finally {
      server.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void badRequest_isRefusedWithItsStatusAndCode(Case c) {
    Api.Response r = c.request().apply(api);
    statuses.put(c.name(), r.status());

    assertThat(r.status()).as("%s: %s", c.name(), r.body()).isEqualTo(c.status());
    assertThat(r.header("Cache-Control")).contains("no-store");
    if (c.status() == 405) {
      assertThat(r.header("Allow")).as("Allow").hasValueSatisfying(v -> assertThat(v).isNotBlank());
    }
    if (c.error() != null) {
      assertThat(r.error()).as("%s: %s", c.name(), r.body()).isEqualTo(c.error());
      // Under /oauth2/ errors take the OAuth shape (RFC 6749 §5.2).
      String text = r.json().has("error_description") ? "error_description" : "message";
      assertThat(r.json().path(text).asText()).isNotBlank();
    }
  }

  @Test
  void table_hasAtLeast35UniquelyNamedRows() {
    List<Case> all = cases();
    assertThat(all).hasSizeGreaterThanOrEqualTo(35);
    assertThat(all.stream().map(Case::name)).doesNotHaveDuplicates();
    assertThat(all).allSatisfy(c -> assertThat(c.status()).isBetween(400, 499));
  }

  static List<Case> cases() {
    List<Case> t = new ArrayList<>();
    String issue = "/auth/sessions";
    String validate = "/auth/sessions/validate";
    String revoke = "/auth/revocations";
    String revokeAll = "/auth/subjects/frank/revoke-all";
    long inAnHour = Instant.now().plusSeconds(3600).getEpochSecond();
    String subject257 = "s".repeat(TicketOptions.DEFAULT_MAX_SUBJECT_LENGTH + 1);
    String jti257 = "j".repeat(RevocationOptions.DEFAULT_MAX_JTI_LENGTH + 1);

    // Not a JSON object.
    t.add(json("issue: malformed JSON", 400, "invalid_json", issue, "{\"subject\":"));
    t.add(json("issue: JSON array", 400, "invalid_json", issue, "[{\"subject\":\"a\"}]"));
    t.add(json("issue: JSON string", 400, "invalid_json", issue, "\"alice\""));
    t.add(json("issue: JSON number", 400, "invalid_json", issue, "42"));
    t.add(json("issue: JSON null", 400, "invalid_json", issue, "null"));
    t.add(json("issue: empty body", 400, "invalid_json", issue, ""));
    t.add(json("issue: whitespace body", 400, "invalid_json", issue, "  \n "));
    t.add(json("issue: trailing garbage", 400, "invalid_json", issue, "{\"subject\":\"a\"} x"));
    t.add(json("issue: two objects", 400, "invalid_json", issue, "{\"subject\":\"a\"}{}"));
    t.add(json("issue: single quotes", 400, "invalid_json", issue, "{'subject':'a'}"));
    t.add(json("issue: comment", 400, "invalid_json", issue, "{/*x*/\"subject\":\"a\"}"));
    t.add(
        json(
            "issue: duplicate key",
            400,
            "invalid_json",
            issue,
            "{\"subject\":\"a\",\"subject\":\"b\"}"));
    t.add(json("issue: deep nesting", 400, "invalid_json", issue, nestedObject(200)));
    t.add(
        json(
            "issue: deep nesting in attributes",
            400,
            "invalid_json",
            issue,
            "{\"subject\":\"a\",\"attributes\":{\"x\":" + nested(40) + "}}"));
    t.add(
        json(
            "issue: number longer than 64 digits",
            400,
            "invalid_json",
            issue,
            "{\"subject\":\"a\",\"ttl_seconds\":" + "9".repeat(100) + "}"));
    t.add(
        new Case(
            "issue: invalid UTF-8 bytes",
            400,
            "invalid_json",
            a -> a.sendBytes("POST", issue, JSON, invalidUtf8())));
    t.add(
        revokeWithJtiBytes(
            "revoke: an overlong UTF-8 '/' (C0 AF) in the jti",
            new byte[] {(byte) 0xC0, (byte) 0xAF},
            inAnHour));
    t.add(
        revokeWithJtiBytes(
            "revoke: a code point past U+10FFFF (F4 90 80 80)",
            new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
            inAnHour));
    t.add(
        new Case(
            "issue: the body in UTF-16 with a byte order mark",
            400,
            "invalid_json",
            a ->
                a.sendBytes(
                    "POST", issue, JSON, "{\"subject\":\"a\"}".getBytes(StandardCharsets.UTF_16))));

    // Wrong types and missing or unknown fields.
    t.add(json("issue: subject number", 400, "invalid_request", issue, "{\"subject\":42}"));
    t.add(json("issue: subject boolean", 400, "invalid_request", issue, "{\"subject\":true}"));
    t.add(json("issue: subject object", 400, "invalid_request", issue, "{\"subject\":{}}"));
    t.add(json("issue: subject array", 400, "invalid_request", issue, "{\"subject\":[\"a\"]}"));
    t.add(json("issue: subject null", 400, "invalid_request", issue, "{\"subject\":null}"));
    t.add(json("issue: subject missing", 400, "invalid_request", issue, "{}"));
    t.add(json("issue: subject empty", 400, "invalid_request", issue, "{\"subject\":\"\"}"));
    t.add(
        json(
            "issue: subject over 256 chars",
            400,
            "invalid_request",
            issue,
            Api.json(Map.of("subject", subject257))));
    t.add(ttl("issue: ttl_seconds string", "\"60\""));
    t.add(ttl("issue: ttl_seconds float", "1.5"));
    t.add(ttl("issue: ttl_seconds exponent", "1e3"));
    t.add(ttl("issue: ttl_seconds negative", "-5"));
    t.add(ttl("issue: ttl_seconds zero", "0"));
    t.add(
        ttl(
            "issue: ttl_seconds beyond max TTL",
            Long.toString(TicketOptions.DEFAULT_MAX_TTL.toSeconds() + 1)));
    t.add(ttl("issue: ttl_seconds Long.MAX_VALUE", Long.toString(Long.MAX_VALUE)));
    t.add(ttl("issue: ttl_seconds overflowing long", "99999999999999999999"));
    t.add(ttl("issue: ttl_seconds boolean", "true"));
    t.add(attributes("issue: attributes array", "[\"a\"]"));
    t.add(attributes("issue: attributes string", "\"a=b\""));
    t.add(attributes("issue: attribute number value", "{\"a\":1}"));
    t.add(attributes("issue: attribute null value", "{\"a\":null}"));
    t.add(attributes("issue: attribute nested object", "{\"a\":{\"b\":\"c\"}}"));
    t.add(attributes("issue: attribute empty name", "{\"\":\"v\"}"));
    Map<String, String> many = new LinkedHashMap<>();
    for (int i = 0; i <= TicketOptions.DEFAULT_MAX_ATTRIBUTES; i++) {
      many.put("k" + i, "v");
    }
    t.add(attributes("issue: too many attributes", Api.json(many)));
    t.add(
        attributes(
            "issue: attribute bytes over the limit",
            Api.json(Map.of("a", "x".repeat(TicketOptions.DEFAULT_MAX_ATTRIBUTE_BYTES)))));
    t.add(
        json(
            "issue: unknown field",
            400,
            "unknown_field",
            issue,
            "{\"subject\":\"a\",\"role\":\"admin\"}"));
    t.add(
        json(
            "issue: unknown field differing in case",
            400,
            "unknown_field",
            issue,
            "{\"Subject\":\"a\"}"));

    // Size.
    t.add(
        json(
            "issue: body over 16 KiB",
            413,
            "payload_too_large",
            issue,
            "{\"subject\":\"" + "a".repeat(MAX_BODY) + "\"}"));
    t.add(
        new Case(
            "issue: body over 16 KiB, chunked",
            413,
            "payload_too_large",
            a -> a.sendChunked("POST", issue, JSON, bigBody(MAX_BODY + 1024))));
    t.add(
        new Case(
            "issue: body of 1 MiB, chunked",
            413,
            "payload_too_large",
            a -> a.sendChunked("POST", issue, JSON, bigBody(1024 * 1024))));
    t.add(
        new Case(
            "revoke-all: body over 16 KiB, chunked",
            413,
            "payload_too_large",
            a -> a.sendChunked("POST", revokeAll, JSON, bigBody(MAX_BODY + 1))));

    // Content type.
    t.add(
        raw(
            "issue: text/plain",
            415,
            "unsupported_media_type",
            "POST",
            issue,
            "text/plain",
            "{\"subject\":\"a\"}"));
    t.add(
        raw(
            "issue: form",
            415,
            "unsupported_media_type",
            "POST",
            issue,
            "application/x-www-form-urlencoded",
            "subject=a"));
    t.add(
        raw(
            "issue: no content type",
            415,
            "unsupported_media_type",
            "POST",
            issue,
            null,
            "{\"subject\":\"a\"}"));
    t.add(
        raw(
            "issue: charset iso-8859-1",
            415,
            "unsupported_media_type",
            "POST",
            issue,
            "application/json; charset=iso-8859-1",
            "{\"subject\":\"a\"}"));
    t.add(
        raw(
            "issue: content type of only ';'",
            415,
            "unsupported_media_type",
            "POST",
            issue,
            ";",
            "{\"subject\":\"a\"}"));
    t.add(
        raw(
            "issue: content type ';;'",
            415,
            "unsupported_media_type",
            "POST",
            issue,
            ";;",
            "{\"subject\":\"a\"}"));
    t.add(
        raw(
            "issue: content type of only a charset",
            415,
            "unsupported_media_type",
            "POST",
            issue,
            ";charset=utf-8",
            "{\"subject\":\"a\"}"));
    t.add(
        raw(
            "issue: charset unknown to Java",
            415,
            "unsupported_media_type",
            "POST",
            issue,
            "application/json; charset=bogus-xyz",
            "{\"subject\":\"a\"}"));
    t.add(
        raw(
            "issue: charset name malformed",
            415,
            "unsupported_media_type",
            "POST",
            issue,
            "application/json; charset=UTF_8!",
            "{\"subject\":\"a\"}"));
    t.add(
        raw(
            "issue: charset an empty quote",
            415,
            "unsupported_media_type",
            "POST",
            issue,
            "application/json; charset=\"",
            "{\"subject\":\"a\"}"));
    t.add(get("check: issuer given twice", "/auth/revocations/j?issuer=a&issuer=b"));
    t.add(
        raw(
            "check: a misspelt parameter (isuer)",
            400,
            "unknown_field",
            "GET",
            "/auth/revocations/j?isuer=https://idp",
            null,
            null));
    t.add(
        raw(
            "check: an unknown parameter without a value",
            400,
            "unknown_field",
            "GET",
            "/auth/revocations/j?debug",
            null,
            null));
    t.add(get("check: a query that is not UTF-8 (%C0%AF)", "/auth/revocations/j?issuer=%C0%AF"));
    t.add(
        new Case(
            "validate: Authorization given twice",
            400,
            "invalid_request",
            a ->
                a.send(
                    "POST",
                    validate,
                    null,
                    null,
                    "Authorization",
                    "Bearer one",
                    "Authorization",
                    "Bearer two")));
    t.add(
        new Case(
            "check: X-API-Key given twice",
            400,
            "invalid_request",
            a ->
                a.send(
                    "GET", "/auth/revocations/j", null, null, "X-API-Key", TestServers.ADMIN_KEY)));
    // Refused by Jetty before any route: the same JSON error shape, on every method.
    t.add(get("check: a path that is not UTF-8 (%C0%AF)", "/auth/revocations/%C0%AF"));
    t.add(
        raw(
            "revoke a subject's tickets: DELETE on a path that is not UTF-8",
            400,
            "invalid_request",
            "DELETE",
            "/auth/subjects/%ED%A0%80/sessions",
            null,
            null));
    t.add(
        raw(
            "check: a 10,000-character path",
            414,
            "uri_too_long",
            "GET",
            "/auth/revocations/" + "a".repeat(10_000),
            null,
            null));
    t.add(
        new Case(
            "check: a 9,000-byte header",
            431,
            "headers_too_large",
            a -> a.send("GET", "/auth/revocations/x", null, null, "X-Big", "b".repeat(9_000))));
    t.add(
        raw(
            "issue: application/json-patch+json",
            415,
            "unsupported_media_type",
            "POST",
            issue,
            "application/json-patch+json",
            "{\"subject\":\"a\"}"));
    t.add(
        raw(
            "validate: text/plain",
            415,
            "unsupported_media_type",
            "POST",
            validate,
            "text/plain",
            "x"));
    t.add(
        raw("revoke: no content type", 415, "unsupported_media_type", "POST", revoke, null, "{}"));
    t.add(
        raw(
            "revoke-all: text/plain body",
            415,
            "unsupported_media_type",
            "POST",
            revokeAll,
            "text/plain",
            "{}"));
    // Lone surrogates: \\u escapes of half a pair are not text (RFC 8259 §8.2).
    t.add(
        json(
            "issue: subject a lone high surrogate",
            400,
            "invalid_json",
            issue,
            "{\"subject\":\"a\\ud800\"}"));
    t.add(
        json(
            "issue: attribute value a lone low surrogate",
            400,
            "invalid_json",
            issue,
            "{\"subject\":\"a\",\"attributes\":{\"k\":\"\\udc00\"}}"));
    t.add(
        json(
            "revoke: jti with a lone surrogate",
            400,
            "invalid_json",
            revoke,
            "{\"jti\":\"\\ud800j\",\"expires_at\":" + inAnHour + "}"));

    // Bodies in a coding the server would misread (Jetty decodes chunked and nothing else).
    t.add(
        new Case(
            "issue: Content-Encoding gzip",
            415,
            "unsupported_media_type",
            a -> a.sendRaw("POST", issue, gzip("{\"subject\":\"a\"}"), contentEncoding("gzip"))));
    t.add(
        new Case(
            "issue: Content-Encoding gzip over a plain body",
            415,
            "unsupported_media_type",
            a -> a.send("POST", issue, JSON, "{\"subject\":\"a\"}", "Content-Encoding", "gzip")));
    t.add(
        new Case(
            "revoke: Content-Encoding identity, deflate",
            415,
            "unsupported_media_type",
            a ->
                a.send(
                    "POST",
                    revoke,
                    JSON,
                    "{\"jti\":\"j\",\"expires_at\":" + inAnHour + "}",
                    "Content-Encoding",
                    "identity, deflate")));
    t.add(
        new Case(
            "issue: Transfer-Encoding gzip, chunked",
            400,
            "invalid_request",
            a ->
                a.sendRaw(
                    "POST",
                    issue,
                    chunked("{\"subject\":\"a\"}"),
                    "Content-Type",
                    JSON,
                    "Transfer-Encoding",
                    "gzip, chunked")));
    t.add(
        new Case(
            "issue: Transfer-Encoding gzip alone (chunked not last: Jetty's own refusal)",
            400,
            "invalid_request",
            a ->
                a.sendRaw(
                    "POST",
                    issue,
                    "{\"subject\":\"a\"}".getBytes(StandardCharsets.UTF_8),
                    "Content-Type",
                    JSON,
                    "Transfer-Encoding",
                    "gzip")));

    t.add(
        new Case(
            "issue: Transfer-Encoding on two lines, gzip then chunked",
            400,
            "invalid_request",
            a ->
                a.sendRaw(
                    "POST",
                    issue,
                    chunked("{\"subject\":\"a\"}"),
                    "Content-Type",
                    JSON,
                    "Transfer-Encoding",
                    "gzip",
                    "Transfer-Encoding",
                    "chunked")));
    t.add(
        new Case(
            "issue: Content-Encoding on two lines, identity then gzip",
            415,
            "unsupported_media_type",
            a ->
                a.sendRaw(
                    "POST",
                    issue,
                    gzip("{\"subject\":\"a\"}"),
                    "Content-Type",
                    JSON,
                    "Content-Encoding",
                    "identity",
                    "Content-Encoding",
                    "gzip")));
    t.add(
        new Case(
            "issue: Content-Encoding gzip on a body of the largest size",
            415,
            "unsupported_media_type",
            a -> a.sendRaw("POST", issue, bigBody(MAX_BODY), contentEncoding("gzip"))));

    // Methods and routes.
    t.add(
        raw("PUT on issue", 405, "method_not_allowed", "PUT", issue, JSON, "{\"subject\":\"a\"}"));
    t.add(
        raw(
            "PATCH on issue",
            405,
            "method_not_allowed",
            "PATCH",
            issue,
            JSON,
            "{\"subject\":\"a\"}"));
    t.add(raw("GET on issue", 405, "method_not_allowed", "GET", issue, null, null));
    t.add(raw("PATCH on validate", 405, "method_not_allowed", "PATCH", validate, JSON, "{}"));
    t.add(
        raw(
            "POST on session-status",
            405,
            "method_not_allowed",
            "POST",
            "/auth/session-status",
            JSON,
            "{}"));
    t.add(raw("DELETE on revocations", 405, "method_not_allowed", "DELETE", revoke, null, null));
    t.add(
        raw("PUT on a jti", 405, "method_not_allowed", "PUT", "/auth/revocations/j1", JSON, "{}"));
    t.add(
        raw(
            "POST on subject sessions",
            405,
            "method_not_allowed",
            "POST",
            "/auth/subjects/a/sessions",
            JSON,
            "{}"));
    t.add(raw("PUT on health/live", 405, "method_not_allowed", "PUT", "/health/live", JSON, "{}"));
    // HEAD is offered where GET is, and only there.
    t.add(raw("HEAD on sessions", 405, null, "HEAD", "/auth/sessions", null, null));
    t.add(
        raw(
            "HEAD on subject sessions",
            405,
            null,
            "HEAD",
            "/auth/subjects/a/sessions",
            null,
            null));
    t.add(raw("unknown route", 404, "not_found", "GET", "/auth/nope", null, null));
    t.add(
        raw(
            "unknown route under a real one",
            404,
            "not_found",
            "POST",
            "/auth/sessions/x/y",
            JSON,
            "{}"));
    t.add(
        raw("trailing slash", 404, "not_found", "POST", issue + "/", JSON, "{\"subject\":\"a\"}"));
    t.add(
        raw(
            "empty subject segment",
            404,
            "not_found",
            "DELETE",
            "/auth/subjects//sessions",
            null,
            null));

    // Validate.
    t.add(
        raw(
            "validate: neither body nor bearer",
            400,
            "invalid_request",
            "POST",
            validate,
            null,
            null));
    t.add(json("validate: empty object and no bearer", 400, "invalid_request", validate, "{}"));
    t.add(
        new Case(
            "validate: both body and bearer",
            400,
            "invalid_request",
            a -> {
              String ticket = a.issue("both");
              return a.send(
                  "POST",
                  validate,
                  JSON,
                  Api.json(Map.of("token", ticket)),
                  "Authorization",
                  "Bearer " + ticket);
            }));
    t.add(
        new Case(
            "validate: Basic authorization",
            401,
            "invalid_ticket",
            a -> a.send("POST", validate, null, null, "Authorization", "Basic YTpi")));
    t.add(
        new Case(
            "validate: Bearer without a ticket",
            401,
            "invalid_ticket",
            a -> a.send("POST", validate, null, null, "Authorization", "Bearer")));
    t.add(json("validate: token number", 400, "invalid_request", validate, "{\"token\":42}"));
    t.add(json("validate: token object", 400, "invalid_request", validate, "{\"token\":{}}"));
    t.add(json("validate: unknown field", 400, "unknown_field", validate, "{\"ticket\":\"x\"}"));
    t.add(
        json(
            "validate: 10 KB token",
            401,
            "invalid_ticket",
            validate,
            Api.json(Map.of("token", "t".repeat(10_000)))));

    // Revoke by jti.
    t.add(revoke("revoke: jti missing", Map.of("expires_at", inAnHour)));
    t.add(revoke("revoke: jti empty", Map.of("jti", "", "expires_at", inAnHour)));
    t.add(revoke("revoke: jti number", Map.of("jti", 7, "expires_at", inAnHour)));
    t.add(revoke("revoke: jti over 256 chars", Map.of("jti", jti257, "expires_at", inAnHour)));
    t.add(
        revoke(
            "revoke: issuer over 512 chars",
            Map.of("issuer", "i".repeat(513), "jti", "j", "expires_at", inAnHour)));
    t.add(revoke("revoke: issuer number", Map.of("issuer", 1, "jti", "j", "expires_at", inAnHour)));
    t.add(revoke("revoke: expires_at missing", Map.of("jti", "j")));
    t.add(
        revoke("revoke: expires_at garbage string", Map.of("jti", "j", "expires_at", "tomorrow")));
    t.add(
        revoke(
            "revoke: expires_at without zone",
            Map.of("jti", "j", "expires_at", "2030-01-01T00:00:00")));
    t.add(revoke("revoke: expires_at object", Map.of("jti", "j", "expires_at", Map.of())));
    t.add(revoke("revoke: expires_at float", Map.of("jti", "j", "expires_at", 1.5e9)));
    t.add(revoke("revoke: expires_at boolean", Map.of("jti", "j", "expires_at", true)));
    t.add(
        revoke(
            "revoke: expires_at too far ahead",
            Map.of(
                "jti",
                "j",
                "expires_at",
                Instant.now()
                    .plus(RevocationOptions.MAX_TOKEN_LIFETIME_LIMIT)
                    .plus(Duration.ofDays(1))
                    .getEpochSecond())));
    t.add(
        revoke(
            "revoke: expires_at beyond the instant range",
            Map.of("jti", "j", "expires_at", 99_999_999_999_999_999L)));
    t.add(
        json(
            "revoke: unknown field",
            400,
            "unknown_field",
            revoke,
            "{\"jti\":\"j\",\"expires_at\":1,\"exp\":1}"));

    // Check.
    t.add(get("check: issued_at garbage", "/auth/revocations/j1?subject=a&issued_at=yesterday"));
    t.add(
        get(
            "check: issued_at of 13 digits",
            "/auth/revocations/j1?subject=a&issued_at=9999999999999"));
    t.add(get("check: subject without issued_at", "/auth/revocations/j1?subject=a"));
    t.add(get("check: issued_at without subject", "/auth/revocations/j1?issued_at=1"));
    t.add(get("check: jti over 256 chars", "/auth/revocations/" + jti257));
    t.add(
        get(
            "check: subject over 256 chars",
            "/auth/revocations/j1?subject=" + subject257 + "&issued_at=1"));
    t.add(get("check: issuer over 512 chars", "/auth/revocations/j1?issuer=" + "i".repeat(513)));

    // Revoke a subject.
    t.add(
        json(
            "revoke-all: not_before far in the future",
            400,
            "invalid_request",
            revokeAll,
            Api.json(
                Map.of("not_before", Instant.now().plus(Duration.ofDays(1)).getEpochSecond()))));
    t.add(
        json(
            "revoke-all: not_before garbage",
            400,
            "invalid_request",
            revokeAll,
            "{\"not_before\":\"soon\"}"));
    t.add(json("revoke-all: issuer array", 400, "invalid_request", revokeAll, "{\"issuer\":[]}"));
    t.add(json("revoke-all: JSON array", 400, "invalid_json", revokeAll, "[]"));
    t.add(json("revoke-all: empty body with JSON type", 400, "invalid_json", revokeAll, ""));
    t.add(
        json("revoke-all: unknown field", 400, "unknown_field", revokeAll, "{\"subject\":\"x\"}"));
    t.add(
        json(
            "revoke-all: subject over 256 chars",
            400,
            "invalid_request",
            "/auth/subjects/" + subject257 + "/revoke-all",
            "{}"));

    // Revoke by token (REST).
    String byToken = "/auth/tokens/revoke";
    t.add(json("tokens/revoke: malformed JSON", 400, "invalid_json", byToken, "{\"token\":"));
    t.add(json("tokens/revoke: token missing", 400, "invalid_request", byToken, "{}"));
    t.add(json("tokens/revoke: token empty", 400, "invalid_request", byToken, "{\"token\":\"\"}"));
    t.add(json("tokens/revoke: token number", 400, "invalid_request", byToken, "{\"token\":7}"));
    t.add(
        json(
            "tokens/revoke: unknown field",
            400,
            "unknown_field",
            byToken,
            "{\"token\":\"a.b.c\",\"jti\":\"j\"}"));
    t.add(
        json("tokens/revoke: not a JWT", 400, "invalid_token", byToken, "{\"token\":\"opaque\"}"));
    t.add(
        raw(
            "tokens/revoke: form body",
            415,
            "unsupported_media_type",
            "POST",
            byToken,
            Api.FORM,
            "token=a.b.c"));

    // OAuth endpoints (form bodies, OAuth error shape).
    t.add(
        raw(
            "oauth2/revoke: JSON body",
            415,
            "unsupported_media_type",
            "POST",
            "/oauth2/revoke",
            JSON,
            "{\"token\":\"a.b.c\"}"));
    t.add(form("oauth2/revoke: no token", 400, "invalid_request", "/oauth2/revoke", "x=1"));
    t.add(
        form(
            "oauth2/revoke: not a JWT",
            400,
            "unsupported_token_type",
            "/oauth2/revoke",
            "token=opaque"));
    t.add(
        form(
            "oauth2/revoke: refresh token hint",
            400,
            "unsupported_token_type",
            "/oauth2/revoke",
            "token=a.b.c&token_type_hint=refresh_token"));
    t.add(
        form(
            "oauth2/introspect: token twice",
            400,
            "invalid_request",
            "/oauth2/introspect",
            "token=a.b.c&token=d.e.f"));
    t.add(
        form(
            "oauth2/introspect: bad escape",
            400,
            "invalid_request",
            "/oauth2/introspect",
            "token=%G1"));
    t.add(
        new Case(
            "oauth2/introspect: not UTF-8",
            400,
            "invalid_request",
            a ->
                a.sendBytes(
                    "POST",
                    "/oauth2/introspect",
                    Api.FORM,
                    new byte[] {'t', 'o', 'k', 'e', 'n', '=', (byte) 0xC3, (byte) 0x28})));
    t.add(
        raw(
            "GET on oauth2/revoke",
            405,
            "method_not_allowed",
            "GET",
            "/oauth2/revoke",
            null,
            null));

    // Invalidate a subject's tickets.
    t.add(
        raw(
            "delete sessions: subject over 256 chars",
            400,
            "invalid_request",
            "DELETE",
            "/auth/subjects/" + subject257 + "/sessions",
            null,
            null));
    return t;
  }

  /** Every 405 names the methods of its path (RFC 9110 §15.5.6), HEAD with each GET. */
  @ParameterizedTest(name = "{0} {1} -> Allow: {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "PUT     | /auth/sessions                   | POST",
        "GET     | /auth/sessions/validate          | POST",
        "OPTIONS | /auth/revocations                | POST",
        "PUT     | /auth/revocations/j1             | GET, HEAD",
        "DELETE  | /health/ready                    | GET, HEAD",
        "HEAD    | /auth/sessions/cleanup           | POST",
        "HEAD    | /oauth2/introspect               | POST",
        "POST    | /auth/subjects/bob/sessions      | DELETE",
        "POST    | /auth/subjects/%2e%2e/sessions   | DELETE",
        "GET     | /auth/subjects/bob/revoke-all    | POST",
        "GET     | /oauth2/revoke                   | POST",
      })
  void methodNotAllowed_namesTheMethodsOfThePath(String method, String path, String allow) {
    Api.Response r = api.send(method, path, null, null);

    assertThat(r.status()).isEqualTo(405);
    assertThat(r.header("Allow")).hasValue(allow);
  }

  /**
   * The server's {@code Allow} comes from its own match of the path against the route templates;
   * Javalin decides the 405. For every route, filled with sample values, the two must agree.
   */
  @Test
  void everyRoute_answersAnotherMethodWith405_andAnAllowThatNamesItsMethod() {
    List<String> routes = server.routes();
    assertThat(routes).hasSizeGreaterThan(10);
    assertThat(routes).noneMatch(r -> r.startsWith("PATCH "));
    for (String route : routes) {
      String method = route.substring(0, route.indexOf(' '));
      String path = route.substring(route.indexOf(' ') + 1).replaceAll("\\{[^}/]+}", "x1");

      Api.Response r = api.send("PATCH", path, null, null);

      assertThat(r.status()).as(route).isEqualTo(405);
      assertThat(r.header("Allow"))
          .as(route)
          .hasValueSatisfying(v -> assertThat(v).contains(method));
    }
  }

  @Test
  void contentEncoding_refused_namesTheCodingItTakes() {
    Api.Response r =
        api.sendRaw("POST", "/auth/sessions", gzip("{\"subject\":\"a\"}"), contentEncoding("gzip"));

    assertThat(r.status()).isEqualTo(415);
    assertThat(r.header("Accept-Encoding")).hasValue("identity");
    assertThat(r.json().path("message").asText()).contains("Content-Encoding gzip");
  }

  @Test
  void aSurrogatePair_escaped_isText_andAccepted() {
    Api.Response r = api.postJson("/auth/sessions", "{\"subject\":\"smile-\\ud83d\\ude00\"}");

    assertThat(r.status()).as(r.body()).isEqualTo(201);
  }

  @Test
  void contentEncodingIdentity_isTheBodyAsIs() {
    Api.Response r =
        api.send(
            "POST", "/auth/sessions", JSON, "{\"subject\":\"a\"}", "Content-Encoding", "identity");

    assertThat(r.status()).as(r.body()).isEqualTo(201);
  }

  // --- row builders ---

  private static String[] contentEncoding(String coding) {
    return new String[] {"Content-Type", JSON, "Content-Encoding", coding};
  }

  private static byte[] gzip(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
      zip.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A body in one chunk and the last chunk (RFC 9112 §7.1). */
  private static byte[] chunked(String text) {
    byte[] data = text.getBytes(StandardCharsets.UTF_8);
    return bytes(Integer.toHexString(data.length) + "\r\n", data, "\r\n0\r\n\r\n");
  }

  private static Case json(String name, int status, String error, String path, String body) {
    return new Case(name, status, error, a -> a.postJson(path, body));
  }

  private static Case raw(
      String name, int status, String error, String method, String path, String type, String body) {
    return new Case(name, status, error, a -> a.send(method, path, type, body));
  }

  private static Case form(String name, int status, String error, String path, String body) {
    return new Case(name, status, error, a -> a.postForm(path, body));
  }

  private static Case get(String name, String path) {
    return new Case(name, 400, "invalid_request", a -> a.get(path));
  }

  private static Case ttl(String name, String value) {
    return json(
        name,
        400,
        "invalid_request",
        "/auth/sessions",
        "{\"subject\":\"a\",\"ttl_seconds\":" + value + "}");
  }

  private static Case attributes(String name, String value) {
    return json(
        name,
        400,
        "invalid_request",
        "/auth/sessions",
        "{\"subject\":\"a\",\"attributes\":" + value + "}");
  }

  private static Case revoke(String name, Map<String, Object> body) {
    return json(name, 400, "invalid_request", "/auth/revocations", Api.json(body));
  }

  private static String nestedObject(int depth) {
    return "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
  }

  private static String nested(int depth) {
    return "[".repeat(depth) + "]".repeat(depth);
  }

  private static byte[] bytes(String before, byte[] middle, String after) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
    out.writeBytes(middle);
    out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  private static byte[] invalidUtf8() {
    return bytes("{\"subject\":\"", new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF}, "\"}");
  }

  /** A revocation whose jti holds raw bytes that are not UTF-8: refused as invalid JSON. */
  private static Case revokeWithJtiBytes(String name, byte[] jti, long expiresAt) {
    byte[] body = bytes("{\"jti\":\"", jti, "\",\"expires_at\":" + expiresAt + "}");
    return new Case(
        name, 400, "invalid_json", a -> a.sendBytes("POST", "/auth/revocations", JSON, body));
  }

  /** A syntactically valid JSON object of the given size. */
  private static byte[] bigBody(int bytes) {
    String head = "{\"subject\":\"";
    String tail = "\"}";
    return (head + "a".repeat(bytes - head.length() - tail.length()) + tail)
        .getBytes(StandardCharsets.UTF_8);
  }
}
