package io.authstore.server;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Set;

/** Request reading and response writing shared by the routes. */
final class Http {
  static final String API_KEY_HEADER = "X-API-Key";
  static final String JSON = "application/json";

  private Http() {}

  /** Writes a JSON response. */
  static void json(Context ctx, int status, Object body) {
    ctx.status(status).contentType(JSON).result(JsonBody.write(body));
  }

  /**
   * Reads the body of a route that takes JSON: checks the content type (415) and size (413), then
   * parses strictly.
   */
  static JsonBody readJson(Context ctx, int maxBytes, Set<String> allowed) {
    byte[] body = readBody(ctx, maxBytes);
    requireJsonContentType(ctx);
    return JsonBody.parse(body, allowed);
  }

  /**
   * Reads a body whose fields are all optional: an empty body without a content type is an empty
   * object.
   */
  static JsonBody readOptionalJson(Context ctx, int maxBytes, Set<String> allowed) {
    byte[] body = readBody(ctx, maxBytes);
    if (body.length == 0 && ctx.contentType() == null) {
      return JsonBody.empty();
    }
    requireJsonContentType(ctx);
    return JsonBody.parse(body, allowed);
  }

  static void requireJsonContentType(Context ctx) {
    String type = ctx.contentType();
    if (type == null) {
      throw ApiError.of(415, "unsupported_media_type", "Content-Type must be application/json");
    }
    String[] parts = type.split(";");
    if (!parts[0].strip().equalsIgnoreCase(JSON)) {
      throw ApiError.of(
          415,
          "unsupported_media_type",
          "Content-Type must be application/json, got " + shorten(parts[0].strip()));
    }
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].strip().toLowerCase(Locale.ROOT);
      if (p.startsWith("charset=")
          && !p.equals("charset=utf-8")
          && !p.equals("charset=\"utf-8\"")) {
        throw ApiError.of(415, "unsupported_media_type", "only charset=utf-8 is accepted");
      }
    }
  }

  /** Reads at most {@code maxBytes} of the body, whatever the transfer encoding. */
  static byte[] readBody(Context ctx, int maxBytes) {
    if (ctx.contentLength() > maxBytes) {
      throw tooLarge(maxBytes);
    }
    try (InputStream in = ctx.req().getInputStream()) {
      byte[] body = in.readNBytes(maxBytes + 1);
      if (body.length > maxBytes) {
        throw tooLarge(maxBytes);
      }
      return body;
    } catch (IOException e) {
      throw ApiError.badRequest("could not read the request body");
    }
  }

  static ApiError tooLarge(int maxBytes) {
    return ApiError.of(
        413, "payload_too_large", "request body is larger than " + maxBytes + " bytes");
  }

  /** The bearer credential of an {@code Authorization} header, or null. */
  static String bearer(Context ctx) {
    String header = ctx.header("Authorization");
    if (header == null) {
      return null;
    }
    if (header.length() > 7 && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return header.substring(7).strip();
    }
    throw ApiError.of(401, "invalid_ticket", "Authorization must be 'Bearer <ticket>'");
  }

  static String shorten(String text) {
    return text.length() <= 64 ? text : text.substring(0, 64) + "…";
  }
}
