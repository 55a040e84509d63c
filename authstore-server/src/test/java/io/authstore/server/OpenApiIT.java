package io.authstore.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.authstore.revocation.RevocationOptions;
import io.authstore.ticket.TicketOptions;
import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document served at {@code /openapi.json} describes exactly the routes the server has,
 * with the scope each needs, responses for every operation, every reference resolvable and the
 * default bounds of the code.
 */
class OpenApiIT {
  private static final Set<String> METHODS =
      Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  private static AuthstoreServer server;
  private static String raw;
  private static JsonNode doc;

  @BeforeAll
  static void fetch() {
    server = AuthstoreServer.start(TestServers.memory().build());
    Api.Response r = new Api(server.port(), null).get("/openapi.json");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    raw = r.body();
    doc = r.json();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void servedDocument_isTheResourceByteForByte_throughJavalinsCopyBuffer() throws IOException {
    byte[] resource;
    try (InputStream in = AuthstoreServer.class.getResourceAsStream("openapi.json")) {
      resource = in.readAllBytes();
    }
    // The largest response the server sends: it crosses the per-response copy buffer many times.
    assertThat(resource.length).isGreaterThan(4 * AuthstoreServer.RESPONSE_COPY_BUFFER_BYTES);
    assertThat(raw).isEqualTo(new String(resource, StandardCharsets.UTF_8));
  }

  @Test
  void document_isOpenApi31() {
    assertThat(doc.path("openapi").asText()).startsWith("3.1.");
    assertThat(doc.path("info").path("title").asText()).isNotBlank();
    assertThat(doc.path("info").path("version").asText()).isNotBlank();
  }

  @Test
  void document_isValidOpenApi31_forAnIndependentParser() {
    SwaggerParseResult result = new OpenAPIV3Parser().readContents(raw, null, new ParseOptions());

    assertThat(result.getMessages()).isEmpty();
    assertThat(result.getOpenAPI()).isNotNull();
    assertThat(result.getOpenAPI().getSpecVersion()).isEqualTo(SpecVersion.V31);
    assertThat(result.getOpenAPI().getPaths()).hasSize(doc.path("paths").size());
  }

  @Test
  void operations_areExactlyTheServersRoutes() {
    assertThat(operations().keySet()).containsExactlyInAnyOrderElementsOf(server.routes());
  }

  @Test
  void everyOperation_hasResponsesWithDescriptions_andAUniqueOperationId() {
    Set<String> ids = new HashSet<>();
    operations()
        .forEach(
            (route, op) -> {
              JsonNode responses = op.path("responses");
              assertThat(responses.isObject() && responses.size() > 0)
                  .as("%s has responses", route)
                  .isTrue();
              for (Iterator<Map.Entry<String, JsonNode>> it = responses.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                assertThat(e.getKey()).as(route).matches("[1-5][0-9][0-9]");
                assertThat(resolve(e.getValue()).path("description").asText())
                    .as("%s %s description", route, e.getKey())
                    .isNotBlank();
              }
              assertThat(responses.fieldNames())
                  .toIterable()
                  .as("%s has a success response", route)
                  .anyMatch(code -> code.startsWith("2"));
              assertThat(ids.add(op.path("operationId").asText()))
                  .as("%s operationId unique", route)
                  .isTrue();
              assertThat(op.path("summary").asText()).as(route).isNotBlank();
            });
  }

  @Test
  void everyErrorResponse_usesTheErrorSchema() {
    operations()
        .forEach(
            (route, op) ->
                op.path("responses")
                    .fields()
                    .forEachRemaining(
                        e -> {
                          int status = Integer.parseInt(e.getKey());
                          // Probes answer 503 with their own body; every other 4xx/5xx is Error.
                          RouteTable.Row row = RouteTable.ROWS.get(route);
                          boolean probe = row != null && row.isPublic();
                          if (status >= 400 && !probe) {
                            JsonNode schema =
                                resolve(e.getValue())
                                    .path("content")
                                    .path("application/json")
                                    .path("schema");
                            assertThat(schema.path("$ref").asText())
                                .as("%s %s", route, e.getKey())
                                .isEqualTo(
                                    row != null && row.oauth()
                                        ? "#/components/schemas/OAuthError"
                                        : "#/components/schemas/Error");
                          }
                        }));
    JsonNode codes = doc.at("/components/schemas/Error/properties/error/enum");
    List<String> documented = new ArrayList<>();
    codes.forEach(c -> documented.add(c.asText()));
    assertThat(documented)
        .contains(
            "invalid_request",
            "invalid_json",
            "unknown_field",
            "unauthorized",
            "forbidden",
            "invalid_ticket",
            "not_found",
            "method_not_allowed",
            "payload_too_large",
            "unsupported_media_type",
            "capacity_exceeded",
            "rate_limited",
            "store_unavailable");
  }

  @Test
  void oauthEndpoints_documentTheOAuthErrorCodes_andTheClientAuthentications() {
    List<String> oauth = new ArrayList<>();
    doc.at("/components/schemas/OAuthError/properties/error/enum")
        .forEach(c -> oauth.add(c.asText()));
    List<String> rest = new ArrayList<>();
    doc.at("/components/schemas/Error/properties/error/enum").forEach(c -> rest.add(c.asText()));

    assertThat(oauth)
        .contains(
            "invalid_request",
            "invalid_client",
            "insufficient_scope",
            "unsupported_token_type",
            "unsupported_media_type",
            "payload_too_large",
            "method_not_allowed",
            "not_found",
            "jwt_not_configured",
            "temporarily_unavailable",
            "server_error");
    assertThat(rest).contains("invalid_token", "jwt_not_configured");
    assertThat(doc.at("/components/securitySchemes/clientBasic/scheme").asText())
        .isEqualTo("basic");
    assertThat(doc.at("/components/securitySchemes/clientBearer/scheme").asText())
        .isEqualTo("bearer");
    assertThat(
            doc.at("/paths/~1oauth2~1revoke/post/requestBody/content")
                .has("application/x-www-form-urlencoded"))
        .isTrue();
  }

  @Test
  void security_matchesTheScopeEachRouteEnforces() {
    assertThat(doc.at("/components/securitySchemes/apiKey/in").asText()).isEqualTo("header");
    assertThat(doc.at("/components/securitySchemes/apiKey/name").asText()).isEqualTo("X-API-Key");
    operations()
        .forEach(
            (route, op) -> {
              RouteTable.Row row = RouteTable.ROWS.get(route);
              assertThat(row).as("RouteTable row for %s", route).isNotNull();
              if (row.isPublic()) {
                assertThat(op.path("security").isArray() && op.path("security").isEmpty())
                    .as("%s is public: security []", route)
                    .isTrue();
                assertThat(op.has("x-required-scope")).as(route).isFalse();
              } else {
                String scope = row.scope().wireName();
                assertThat(op.path("x-required-scope").asText()).as(route).isEqualTo(scope);
                assertThat(op.path("description").asText()).as(route).contains("`" + scope + "`");
                if (row.oauth()) {
                  // Client authentication: the API key as Basic credentials, Bearer or X-API-Key.
                  assertThat(op.path("security"))
                      .as("%s takes the key in any client authentication", route)
                      .isNotEmpty()
                      .allSatisfy(
                          alt ->
                              assertThat(alt.fieldNames())
                                  .toIterable()
                                  .singleElement()
                                  .isIn("clientBasic", "clientBearer", "apiKey"))
                      .anySatisfy(alt -> assertThat(alt.has("apiKey")).isTrue());
                } else {
                  assertThat(op.path("security"))
                      .as("%s needs the API key in every alternative", route)
                      .isNotEmpty()
                      .allSatisfy(alt -> assertThat(alt.has("apiKey")).isTrue());
                }
              }
            });
  }

  @Test
  void bounds_areTheDefaultsOfTheCode() {
    JsonNode issue = doc.at("/components/schemas/IssueRequest/properties");
    assertThat(doc.at("/components/schemas/Subject/maxLength").asInt())
        .isEqualTo(TicketOptions.DEFAULT_MAX_SUBJECT_LENGTH)
        .isEqualTo(RevocationOptions.DEFAULT_MAX_SUBJECT_LENGTH);
    assertThat(issue.at("/ttl_seconds/minimum").asLong())
        .isEqualTo(TicketOptions.MIN_TTL.toSeconds());
    assertThat(issue.at("/ttl_seconds/maximum").asLong())
        .isEqualTo(TicketOptions.DEFAULT_MAX_TTL.toSeconds());
    assertThat(issue.at("/ttl_seconds/default").asLong())
        .isEqualTo(TicketOptions.DEFAULT_TTL.toSeconds());
    assertThat(issue.at("/attributes/maxProperties").asInt())
        .isEqualTo(TicketOptions.DEFAULT_MAX_ATTRIBUTES);
    assertThat(issue.at("/attributes/description").asText())
        .contains(Integer.toString(TicketOptions.DEFAULT_MAX_ATTRIBUTE_BYTES));
    assertThat(doc.at("/components/schemas/Jti/maxLength").asInt())
        .isEqualTo(RevocationOptions.DEFAULT_MAX_JTI_LENGTH);
    assertThat(doc.at("/components/schemas/Issuer/maxLength").asInt())
        .isEqualTo(RevocationOptions.DEFAULT_MAX_ISSUER_LENGTH);
    assertThat(doc.at("/info/description").asText())
        .contains(Integer.toString(ServerConfig.DEFAULT_MAX_BODY_BYTES));
    assertThat(
            doc.at("/paths/~1auth~1revocations/post/description").asText().toLowerCase(Locale.ROOT))
        .contains(RevocationOptions.MAX_TOKEN_LIFETIME_LIMIT.toDays() + " days");
  }

  @Test
  void exampleResponses_haveADocumentedStatus_andTheDocumentedRequiredFields() {
    Api admin = new Api(server.port(), TestServers.ADMIN_KEY);
    operations()
        .forEach(
            (route, op) -> {
              Api.Response r = RouteTable.ROWS.get(route).request().apply(admin, admin);
              JsonNode documented = op.path("responses").path(Integer.toString(r.status()));
              assertThat(documented.isMissingNode())
                  .as("%s answered %d, not documented", route, r.status())
                  .isFalse();
              JsonNode schema =
                  resolve(
                      resolve(documented).path("content").path("application/json").path("schema"));
              JsonNode body = schema.isMissingNode() ? null : r.json();
              schema
                  .path("required")
                  .forEach(
                      field ->
                          assertThat(body.has(field.asText()))
                              .as("%s %d has %s: %s", route, r.status(), field.asText(), r.body())
                              .isTrue());
            });
  }

  /** Every operation by {@code "METHOD /path"}, as {@link AuthstoreServer#routes()} names it. */
  private static Map<String, JsonNode> operations() {
    Map<String, JsonNode> ops = new LinkedHashMap<>();
    doc.path("paths")
        .fields()
        .forEachRemaining(
            p ->
                p.getValue()
                    .fields()
                    .forEachRemaining(
                        m -> {
                          if (METHODS.contains(m.getKey())) {
                            ops.put(
                                m.getKey().toUpperCase(Locale.ROOT) + " " + p.getKey(),
                                m.getValue());
                          }
                        }));
    return ops;
  }

  /** Follows a local {@code $ref}, if the node is one. */
  private static JsonNode resolve(JsonNode node) {
    JsonNode ref = node.get("$ref");
    return ref == null ? node : doc.at(ref.asText().substring(1));
  }
}
