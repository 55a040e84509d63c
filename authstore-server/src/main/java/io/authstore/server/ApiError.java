package io.authstore.server;

/**
 * An HTTP error answer: status, a stable machine-readable code and a message for a person. Thrown
 * by routes and filters; rendered in one place as {@code {"error": code, "message": message}}.
 * Messages never carry a ticket, token or key.
 */
final class ApiError extends RuntimeException {
  private final int status;
  private final String code;
  private final Long retryAfterSeconds;

  private ApiError(int status, String code, String message, Long retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  static ApiError of(int status, String code, String message) {
    return new ApiError(status, code, message, null);
  }

  static ApiError badRequest(String message) {
    return of(400, "invalid_request", message);
  }

  static ApiError retryLater(int status, String code, String message, long retryAfterSeconds) {
    return new ApiError(status, code, message, Math.max(1, retryAfterSeconds));
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }

  /** Seconds for a {@code Retry-After} header, or null for none. */
  Long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
