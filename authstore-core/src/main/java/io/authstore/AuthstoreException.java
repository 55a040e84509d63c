package io.authstore;

/**
 * Root of every exception that authstore throws for a reason other than a programming error.
 *
 * <p>Programming errors (a {@code null} argument, a value outside its documented bound) are
 * reported with {@link NullPointerException}, {@link IllegalArgumentException} or {@link
 * IllegalStateException}. Expected outcomes, such as a ticket presented twice or a revoked token,
 * are return values, never exceptions.
 */
public class AuthstoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what went wrong, for a person; never contains a ticket, token or key
   */
  public AuthstoreException(String message) {
    super(message);
  }

  /**
   * @param message what went wrong, for a person; never contains a ticket, token or key
   * @param cause the underlying failure
   */
  public AuthstoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
