package io.authstore.server;

import io.javalin.http.Context;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * An {@code application/x-www-form-urlencoded} request body, as OAuth endpoints take (RFC 6749
 * §3.2, RFC 7009 §2.1, RFC 7662 §2.1). Read here, not with Javalin's {@code formParam}, so that the
 * server's body limit holds for it as for JSON bodies.
 *
 * <p>Parameters the route does not know are ignored (RFC 6749 §3.2); a known one given twice is
 * refused (RFC 6749 §3.1: parameters must not be included more than once).
 *
 * <p>Not thread-safe; one per request.
 */
final class FormBody {
  static final String FORM = "application/x-www-form-urlencoded";

  private final Map<String, String> params;

  private FormBody(Map<String, String> params) {
    this.params = params;
  }

  /**
   * Reads the body: size (413), then content type (415), then the parameters.
   *
   * @param known the parameters the route reads; others are skipped
   * @throws ApiError 413 {@code payload_too_large}, 415 {@code unsupported_media_type}, 400 {@code
   *     invalid_request} for a body that is not UTF-8, a malformed escape or a repeated parameter
   */
  static FormBody read(Context ctx, int maxBytes, Set<String> known) {
    byte[] body = Http.readBody(ctx, maxBytes);
    requireFormContentType(ctx);
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(body))
              .toString();
    } catch (CharacterCodingException e) {
      throw ApiError.badRequest("body is not UTF-8");
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (String pair : text.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      if (!known.contains(name)) {
        continue;
      }
      if (params.containsKey(name)) {
        throw ApiError.badRequest("parameter '" + name + "' is given more than once");
      }
      params.put(name, eq < 0 ? "" : decode(pair.substring(eq + 1)));
    }
    return new FormBody(params);
  }

  /**
   * @return the parameter's value; null if absent or empty (RFC 6749 §3.1: a parameter sent without
   *     a value is treated as omitted)
   */
  String optional(String name) {
    String value = params.get(name);
    return value == null || value.isEmpty() ? null : value;
  }

  /**
   * @return the parameter's value, not empty
   * @throws ApiError 400 {@code invalid_request} if absent or empty
   */
  String required(String name) {
    String value = optional(name);
    if (value == null) {
      throw ApiError.badRequest("parameter '" + name + "' is required");
    }
    return value;
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("malformed %-escape in the form body");
    }
  }

  private static void requireFormContentType(Context ctx) {
    Http.requireContentType(ctx, FORM);
  }
}
