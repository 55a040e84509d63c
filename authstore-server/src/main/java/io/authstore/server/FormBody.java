package io.authstore.server;

import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An {@code application/x-www-form-urlencoded} request body, as OAuth endpoints take (RFC 6749
 * §3.2, RFC 7009 §2.1, RFC 7662 §2.1). Read here, not with Javalin's {@code formParam}, so that the
 * server's body limit holds for it as for JSON bodies.
 *
 * <p>In a body, parameters the route does not know are ignored (RFC 6749 §3.2); in a {@link #query}
 * they are refused. A known one given twice is refused (RFC 6749 §3.1: parameters must not be
 * included more than once).
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
    Http.requireContentType(ctx, FORM);
    String text = strictUtf8(body, "body is not UTF-8");
    return new FormBody(parameters(text, known, "form body", false));
  }

  /**
   * The parameters of a URL's query string, decoded as a form body but strict about names: a
   * parameter the route does not know is refused, not skipped. On the check route a misspelt {@code
   * issuer} would otherwise ask about another token and answer "not revoked".
   *
   * @param query the raw query string (still %-encoded), or null for none
   * @param known the parameters the route reads
   * @throws ApiError 400 {@code unknown_field} for a parameter not in {@code known}, 400 {@code
   *     invalid_request} for a malformed escape, bytes that are not UTF-8 or a parameter given
   *     twice
   */
  static FormBody query(String query, Set<String> known) {
    return new FormBody(query == null ? Map.of() : parameters(query, known, "query", true));
  }

  /**
   * The known parameters of a form body or query; an unknown one is skipped in a form body (RFC
   * 6749 §3.2) and refused in a query.
   */
  private static Map<String, String> parameters(
      String text, Set<String> known, String where, boolean refuseUnknown) {
    Map<String, String> params = new LinkedHashMap<>();
    for (String pair : text.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq), where);
      if (!known.contains(name)) {
        if (refuseUnknown) {
          throw ApiError.of(
              400,
              "unknown_field",
              "unknown "
                  + where
                  + " parameter '"
                  + Http.shorten(name)
                  + "'; known: "
                  + String.join(", ", new TreeSet<>(known)));
        }
        continue;
      }
      if (params.containsKey(name)) {
        throw ApiError.badRequest("parameter '" + name + "' is given more than once");
      }
      params.put(name, eq < 0 ? "" : decode(pair.substring(eq + 1), where));
    }
    return params;
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

  /**
   * Form decoding ({@code +} is a space, {@code %XX} a byte) with the bytes read as strict UTF-8:
   * {@link URLDecoder} would turn bytes that are not UTF-8 into U+FFFD, so that different inputs
   * meant the same value.
   */
  private static String decode(String text, String where) {
    if (text.indexOf('%') < 0 && text.indexOf('+') < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c != '%') {
        out.append(c == '+' ? ' ' : c);
        i++;
        continue;
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      while (i < text.length() && text.charAt(i) == '%') {
        int hi = i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
        int lo = hi < 0 ? -1 : Character.digit(text.charAt(i + 2), 16);
        if (lo < 0) {
          throw ApiError.badRequest("malformed %-escape in the " + where);
        }
        bytes.write(hi * 16 + lo);
        i += 3;
      }
      out.append(
          strictUtf8(
              bytes.toByteArray(),
              "the " + where + " is not UTF-8 once its %-escapes are decoded"));
    }
    return out.toString();
  }

  private static String strictUtf8(byte[] bytes, String refusal) {
    String text = Http.utf8OrNull(bytes);
    if (text == null) {
      throw ApiError.badRequest(refusal);
    }
    return text;
  }
}
