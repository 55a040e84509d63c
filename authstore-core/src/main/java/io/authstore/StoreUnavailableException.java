package io.authstore;

/**
 * The backing store could not be reached, or did not answer within the configured command timeout.
 * The operation may or may not have taken effect; callers retry or answer "try later" (the HTTP
 * service answers 503 with {@code Retry-After}).
 */
public class StoreUnavailableException extends AuthstoreException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed, for a person
   */
  public StoreUnavailableException(String message) {
    super(message);
  }

  /**
   * @param message what failed, for a person
   * @param cause the client or I/O failure behind it
   */
  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
