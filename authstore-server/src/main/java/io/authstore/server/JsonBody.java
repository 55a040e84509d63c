package io.authstore.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A request's JSON object, read strictly: duplicate keys, unknown fields and wrong types are
 * rejected with a 400 that names the field. Parsing is Jackson's; this class only says which shapes
 * a route accepts.
 *
 * <p>Not thread-safe; one per request.
 */
final class JsonBody {
  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  static {
    // Depth and length bounds beyond the body limit: nothing deeper than a few levels is valid.
    MAPPER
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder().maxNestingDepth(16).maxNumberLength(64).build());
  }

  private final ObjectNode node;

  private JsonBody(ObjectNode node) {
    this.node = node;
  }

  /**
   * Parses a body that must be one JSON object with only the allowed fields.
   *
   * @throws ApiError 400 {@code invalid_json} if it is not JSON, or not an object; 400 {@code
   *     unknown_field} naming a field not in {@code allowed}
   */
  static JsonBody parse(byte[] body, Set<String> allowed) {
    // Decoded strictly first: Jackson's own UTF-8 reader takes overlong forms (C0 AF as '/') and
    // detects UTF-16 and UTF-32 by itself, and this API takes UTF-8 only.
    String text = Http.utf8OrNull(body);
    if (text == null) {
      throw ApiError.of(400, "invalid_json", "body is not valid UTF-8");
    }
    JsonNode tree;
    try {
      tree = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw ApiError.of(400, "invalid_json", "body is not valid JSON: " + e.getOriginalMessage());
    }
    if (tree == null || tree.isMissingNode()) {
      throw ApiError.of(400, "invalid_json", "body is empty: a JSON object is required");
    }
    if (!tree.isObject()) {
      throw ApiError.of(400, "invalid_json", "body must be a JSON object");
    }
    // The bytes are valid UTF-8, so a lone surrogate can only come from a \\u escape. It is not
    // text (RFC 8259 §8.2), and Redis would store it as '?', so that "a\\ud800" and "a?" were one
    // subject there and two in memory.
    if (text.contains("\\u") && holdsLoneSurrogate(tree)) {
      throw ApiError.of(
          400, "invalid_json", "a string holds a lone surrogate (a \\u escape of half a pair)");
    }
    for (Iterator<String> names = tree.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw ApiError.of(
            400,
            "unknown_field",
            "unknown field '"
                + Http.shorten(name)
                + "' (allowed: "
                + String.join(", ", allowed)
                + ")");
      }
    }
    return new JsonBody((ObjectNode) tree);
  }

  private static boolean holdsLoneSurrogate(JsonNode node) {
    if (node.isTextual()) {
      return loneSurrogate(node.textValue());
    }
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (loneSurrogate(field.getKey()) || holdsLoneSurrogate(field.getValue())) {
          return true;
        }
      }
      return false;
    }
    for (JsonNode element : node) {
      if (holdsLoneSurrogate(element)) {
        return true;
      }
    }
    return false;
  }

  /** Text UTF-8 cannot encode: only a surrogate without its other half. */
  private static boolean loneSurrogate(String s) {
    return !StandardCharsets.UTF_8.newEncoder().canEncode(s);
  }

  /** An empty body, for routes whose fields are all optional. */
  static JsonBody empty() {
    return new JsonBody(MAPPER.createObjectNode());
  }

  /** A required, non-empty string field. */
  String requiredText(String field) {
    String value = optionalText(field);
    if (value == null) {
      throw ApiError.badRequest("'" + field + "' is required");
    }
    return value;
  }

  /** An optional string field: null if absent or JSON null. */
  String optionalText(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw ApiError.badRequest("'" + field + "' must be a string");
    }
    return v.textValue();
  }

  /** An optional whole number field: null if absent or JSON null. */
  Long optionalLong(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw ApiError.badRequest("'" + field + "' must be a whole number");
    }
    return v.longValue();
  }

  /** An optional object of string values: empty if absent or JSON null. */
  Map<String, String> optionalStringMap(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return Map.of();
    }
    if (!v.isObject()) {
      throw ApiError.badRequest("'" + field + "' must be an object of string values");
    }
    Map<String, String> map = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        throw ApiError.badRequest(
            "'" + field + "." + Http.shorten(e.getKey()) + "' must be a string");
      }
      map.put(e.getKey(), e.getValue().textValue());
    }
    return map;
  }

  /**
   * An optional instant: a JSON number of seconds since the epoch (as a JWT's {@code exp}), or an
   * ISO-8601 string such as {@code 2026-11-22T10:00:00Z}. Null if absent.
   */
  Instant optionalInstant(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    try {
      if (v.isIntegralNumber() && v.canConvertToLong()) {
        return Instant.ofEpochSecond(v.longValue());
      }
      if (v.isTextual()) {
        return Instant.parse(v.textValue());
      }
    } catch (DateTimeException e) {
      // falls through to the message below
    }
    throw ApiError.badRequest(
        "'"
            + field
            + "' must be seconds since the epoch or an ISO-8601 instant such as"
            + " 2026-01-01T00:00:00Z");
  }

  /** A required instant; see {@link #optionalInstant}. */
  Instant requiredInstant(String field) {
    Instant value = optionalInstant(field);
    if (value == null) {
      throw ApiError.badRequest("'" + field + "' is required");
    }
    return value;
  }

  /** Serializes a response value. */
  static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("response not serializable", e);
    }
  }
}
