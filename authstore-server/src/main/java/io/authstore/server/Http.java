package io.authstore.server;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.security.RouteRole;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Set;

/** Request reading and response writing shared by the routes. */
final class Http {
  static final String API_KEY_HEADER = "X-API-Key";
  static final String JSON = "application/json";

  private Http() {}

  /**
   * Registers a GET route and its HEAD, which runs the same handler behind the same roles, so it
   * answers with the status and headers GET would, without the body (RFC 9110 §9.3.2). Javalin's
   * own HEAD for a GET route runs no handler and answers 200 whatever GET would say.
   */
  static void getAndHead(RoutesConfig routes, String path, Handler handler, RouteRole... roles) {
    routes.get(path, handler, roles);
    routes.head(path, handler, roles);
  }

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
    requireContentType(ctx, JSON);
  }

  /**
   * 415 unless the request's media type is {@code expected} with no charset or UTF-8. A
   * Content-Type of only parameters ({@code ;}, {@code ;charset=utf-8}) has an empty media type.
   */
  static void requireContentType(Context ctx, String expected) {
    String type = ctx.contentType();
    String[] parts = type == null ? new String[] {""} : type.split(";", -1);
    String media = parts[0].strip();
    if (!media.equalsIgnoreCase(expected)) {
      throw ApiError.of(
          415,
          "unsupported_media_type",
          "Content-Type must be " + expected + (media.isEmpty() ? "" : ", got " + shorten(media)));
    }
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].strip().toLowerCase(Locale.ROOT);
      if (p.startsWith("charset=")
          && !p.equals("charset=utf-8")
          && !p.equals("charset=\"utf-8\"")) {
        throw unsupportedCharset();
      }
    }
  }

  /**
   * Refuses a body this server would misread: one with a {@code Content-Encoding} (415 with {@code
   * Accept-Encoding: identity}, RFC 9110 §15.5.16; bodies are small, and a compressed one is a
   * decompression bomb waiting to happen), and one with a transfer coding other than {@code
   * chunked} (400). Jetty decodes {@code chunked} and refuses a coding after it, but would pass
   * {@code gzip, chunked} on as if the body were not compressed. RFC 9112 §6.1 suggests 501 for a
   * transfer coding a server does not implement; it is the client's request that must change, so
   * this server answers with a 4xx.
   */
  private static void requireIdentityBody(Context ctx) {
    String contentCoding = firstOtherThan(ctx, "Content-Encoding", "identity");
    if (contentCoding != null) {
      ctx.header("Accept-Encoding", "identity");
      throw ApiError.of(
          415,
          "unsupported_media_type",
          "Content-Encoding " + shorten(contentCoding) + " is not accepted: send the body as is");
    }
    String transferCoding = firstOtherThan(ctx, "Transfer-Encoding", "chunked");
    if (transferCoding != null) {
      throw ApiError.badRequest(
          "Transfer-Encoding " + shorten(transferCoding) + " is not accepted: only chunked is");
    }
  }

  /** The first coding of a comma-separated header (all its lines) other than {@code allowed}. */
  private static String firstOtherThan(Context ctx, String header, String allowed) {
    Enumeration<String> lines = ctx.req().getHeaders(header);
    while (lines != null && lines.hasMoreElements()) {
      for (String coding : lines.nextElement().split(",")) {
        String c = coding.strip();
        if (!c.isEmpty() && !c.equalsIgnoreCase(allowed)) {
          return c;
        }
      }
    }
    return null;
  }

  /**
   * @return the bytes read as strict UTF-8 (no overlong forms, surrogates or code points past
   *     U+10FFFF), or null if they are not UTF-8
   */
  static String utf8OrNull(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** The 415 for any charset but UTF-8. */
  static ApiError unsupportedCharset() {
    return ApiError.of(415, "unsupported_media_type", "only charset=utf-8 is accepted");
  }

  /**
   * Most of an oversized body read and discarded so that the 413 reaches the client: a client still
   * sending when the server closes gets a reset connection, not the answer. Beyond this the
   * connection is closed.
   */
  static final long DRAIN_LIMIT_BYTES = 4L * 1024 * 1024;

  /**
   * Reads at most {@code maxBytes} of the body, whatever the transfer encoding (413 beyond), then
   * refuses a body in a coding this server does not decode ({@link #requireIdentityBody}).
   */
  static byte[] readBody(Context ctx, int maxBytes) {
    long declared = ctx.contentLength();
    if (declared > maxBytes) {
      // A client waiting for 100-continue has sent nothing and gets the 413 at once.
      if (declared <= DRAIN_LIMIT_BYTES && !"100-continue".equalsIgnoreCase(ctx.header("Expect"))) {
        drain(ctx);
      }
      throw tooLarge(maxBytes);
    }
    byte[] body;
    try (InputStream in = ctx.req().getInputStream()) {
      body = in.readNBytes(maxBytes + 1);
      if (body.length > maxBytes) {
        drainRest(in);
        throw tooLarge(maxBytes);
      }
    } catch (IOException e) {
      throw ApiError.badRequest("could not read the request body");
    }
    // After reading: a client still sending when the server answers gets a reset, not the answer.
    requireIdentityBody(ctx);
    return body;
  }

  private static void drain(Context ctx) {
    try (InputStream in = ctx.req().getInputStream()) {
      drainRest(in);
    } catch (IOException e) {
      // the client went away: nothing to answer
    }
  }

  /** Discards up to {@link #DRAIN_LIMIT_BYTES} of what is left; quiet if the client goes away. */
  private static void drainRest(InputStream in) {
    byte[] buffer = new byte[8192];
    long left = DRAIN_LIMIT_BYTES;
    try {
      int n;
      while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) >= 0) {
        left -= n;
      }
    } catch (IOException e) {
      // the client went away: nothing to answer
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
