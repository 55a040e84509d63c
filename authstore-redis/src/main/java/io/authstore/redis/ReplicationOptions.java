package io.authstore.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link ReplicatedRevocationStore}'s local view. Immutable and thread-safe; build
 * with {@link #builder()}.
 */
public final class ReplicationOptions {
  /** Default bound on how long the view may go unconfirmed before the policy applies: 5 s. */
  public static final Duration DEFAULT_MAX_STALENESS = Duration.ofSeconds(5);

  /** Default approximate length the change feed is trimmed to: {@value} records. */
  public static final int DEFAULT_FEED_MAX_LENGTH = 100_000;

  /** What checks do when the view cannot be sure it is complete. */
  public enum StalenessPolicy {
    /**
     * Checks throw {@link io.authstore.StoreUnavailableException}: the default, and the safe one.
     */
    FAIL_CLOSED,
    /**
     * Checks keep answering from the view; the store reports {@link
     * ReplicatedRevocationStore.State#STALE}.
     */
    SERVE_STALE
  }

  private static final ReplicationOptions DEFAULTS = builder().build();

  private final Duration maxStaleness;
  private final StalenessPolicy policy;
  private final int feedMaxLength;
  private final ReplicaListener listener;

  private ReplicationOptions(Builder b) {
    this.maxStaleness = b.maxStaleness;
    this.policy = b.policy;
    this.feedMaxLength = b.feedMaxLength;
    this.listener = b.listener;
  }

  /**
   * @return the defaults
   */
  public static ReplicationOptions defaults() {
    return DEFAULTS;
  }

  /**
   * @return a builder starting from the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * @return how long the view may go without confirming it is complete
   */
  public Duration maxStaleness() {
    return maxStaleness;
  }

  /**
   * @return what checks do past {@link #maxStaleness()}
   */
  public StalenessPolicy policy() {
    return policy;
  }

  /**
   * @return approximate length the change feed is trimmed to
   */
  public int feedMaxLength() {
    return feedMaxLength;
  }

  /**
   * @return the listener for view events
   */
  public ReplicaListener listener() {
    return listener;
  }

  /** Collects settings for {@link ReplicationOptions}; not thread-safe. */
  public static final class Builder {
    private Duration maxStaleness = DEFAULT_MAX_STALENESS;
    private StalenessPolicy policy = StalenessPolicy.FAIL_CLOSED;
    private int feedMaxLength = DEFAULT_FEED_MAX_LENGTH;
    private ReplicaListener listener = ReplicaListener.NOOP;

    private Builder() {}

    /**
     * @param bound at least 100 ms; default {@link #DEFAULT_MAX_STALENESS}
     * @return this builder
     */
    public Builder maxStaleness(Duration bound) {
      this.maxStaleness = bound;
      return this;
    }

    /**
     * @param policy default {@link StalenessPolicy#FAIL_CLOSED}
     * @return this builder
     */
    public Builder policy(StalenessPolicy policy) {
      this.policy = policy;
      return this;
    }

    /**
     * @param records at least 100; default {@link #DEFAULT_FEED_MAX_LENGTH}
     * @return this builder
     */
    public Builder feedMaxLength(int records) {
      this.feedMaxLength = records;
      return this;
    }

    /**
     * @param listener default {@link ReplicaListener#NOOP}
     * @return this builder
     */
    public Builder listener(ReplicaListener listener) {
      this.listener = listener;
      return this;
    }

    /**
     * @return the options
     * @throws IllegalArgumentException naming the setting out of range, with its value
     */
    public ReplicationOptions build() {
      Objects.requireNonNull(maxStaleness, "maxStaleness must not be null");
      if (maxStaleness.compareTo(Duration.ofMillis(100)) < 0) {
        throw new IllegalArgumentException("maxStaleness must be at least 100 ms: " + maxStaleness);
      }
      Objects.requireNonNull(policy, "policy must not be null");
      if (feedMaxLength < 100) {
        throw new IllegalArgumentException("feedMaxLength must be at least 100: " + feedMaxLength);
      }
      Objects.requireNonNull(listener, "listener must not be null");
      return new ReplicationOptions(this);
    }
  }
}
