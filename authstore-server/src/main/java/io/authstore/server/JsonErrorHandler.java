package io.authstore.server;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's answers to requests it refuses before any route sees them (a malformed or oversized
 * request line or header, a path that is not valid UTF-8 or percent-encoding, an unmet {@code
 * Expect}) in the server's one error shape, {@code {"error": ..., "message": ...}}, instead of
 * Jetty's HTML page, and with a body whatever the method.
 */
final class JsonErrorHandler extends ErrorHandler {
  private static final int MAX_MESSAGE_CHARS = 200;

  JsonErrorHandler() {
    setShowStacks(false);
    setShowCauses(false);
  }

  @Override
  public boolean errorPageForMethod(String method) {
    return true;
  }

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback) {
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, Http.JSON);
    response.getHeaders().put(new HttpField(HttpHeader.CACHE_CONTROL, "no-store"));
    response.write(true, ByteBuffer.wrap(body(code, message)), callback);
  }

  static byte[] body(int status, String message) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("error", code(status));
    String text = message == null || message.isBlank() ? HttpStatus.getMessage(status) : message;
    out.put(
        "message",
        text.length() > MAX_MESSAGE_CHARS ? text.substring(0, MAX_MESSAGE_CHARS) + "…" : text);
    return JsonBody.write(out);
  }

  /**
   * The error code of a status Jetty sets, in the words of the server's own codes where it has one.
   */
  static String code(int status) {
    return switch (status) {
      case 400 -> "invalid_request";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 408 -> "request_timeout";
      case 413 -> "payload_too_large";
      case 414 -> "uri_too_long";
      case 415 -> "unsupported_media_type";
      case 417 -> "expectation_failed";
      case 431 -> "headers_too_large";
      case 505 -> "http_version_not_supported";
      default -> status >= 500 ? "internal_error" : "http_" + status;
    };
  }
}
