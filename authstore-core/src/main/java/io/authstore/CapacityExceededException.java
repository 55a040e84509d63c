package io.authstore;

/**
 * Issuing another ticket would exceed a configured cap on active tickets. Nothing was stored. The
 * HTTP service answers 429.
 */
public class CapacityExceededException extends AuthstoreException {
  private static final long serialVersionUID = 1L;

  /** Which cap was reached. */
  public enum Scope {
    /** The cap on active tickets across the whole store. */
    GLOBAL,
    /** The cap on active tickets of one subject. */
    SUBJECT
  }

  private final Scope scope;
  private final long limit;

  /**
   * @param scope which cap was reached
   * @param limit the configured value of that cap
   */
  public CapacityExceededException(Scope scope, long limit) {
    super(
        scope == Scope.GLOBAL
            ? "active ticket limit reached: " + limit
            : "active ticket limit per subject reached: " + limit);
    this.scope = scope;
    this.limit = limit;
  }

  /**
   * @return which cap was reached
   */
  public Scope scope() {
    return scope;
  }

  /**
   * @return the configured value of the cap that was reached
   */
  public long limit() {
    return limit;
  }
}
