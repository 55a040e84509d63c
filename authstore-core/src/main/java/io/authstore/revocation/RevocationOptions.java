package io.authstore.revocation;

import io.authstore.StoreListener;
import io.authstore.internal.Arguments;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Immutable settings shared by every {@link RevocationStore} backend. Build with {@link
 * #builder()}; {@link #defaults()} has every {@code DEFAULT_*} value. Thread-safe.
 */
public final class RevocationOptions {
  /** Default maximum length of an issuer, in characters: {@value}. */
  public static final int DEFAULT_MAX_ISSUER_LENGTH = 512;

  /** Default maximum length of a jti, in characters: {@value}. */
  public static final int DEFAULT_MAX_JTI_LENGTH = 256;

  /** Default maximum length of a subject, in characters: {@value}. */
  public static final int DEFAULT_MAX_SUBJECT_LENGTH = 256;

  /**
   * Default maximum token lifetime, for which a subject-wide marker is kept: 24 hours and 10
   * minutes, the default longest token of {@code authstore-jwt}'s verifier (24 hours) plus the most
   * leeway it allows (10 minutes): a verifier accepts a token until {@code exp} plus its leeway, so
   * a marker kept only 24 hours would lapse while a token it covers is still accepted. Set it to
   * the longest {@code exp - iat} any trusted issuer uses plus the verifiers' leeway.
   */
  public static final Duration DEFAULT_MAX_TOKEN_LIFETIME = Duration.ofHours(24).plusMinutes(10);

  /** The longest maximum token lifetime accepted: 366 days. */
  public static final Duration MAX_TOKEN_LIFETIME_LIMIT = Duration.ofDays(366);

  /**
   * How far ahead of now a revocation's {@code expiresAt}, or a subject's {@code notBefore}, may
   * lie: {@link #MAX_TOKEN_LIFETIME_LIMIT} plus a day, room for a verifier's leeway. No token lives
   * longer, and every backend keeps a revocation for a bounded time (on Redis, a key TTL), so a
   * "forever" such as {@link java.time.Instant#MAX} is refused rather than stored as something
   * else.
   */
  public static final Duration MAX_AHEAD = MAX_TOKEN_LIFETIME_LIMIT.plusDays(1);

  private static final RevocationOptions DEFAULTS = builder().build();

  private final int maxIssuerLength;
  private final int maxJtiLength;
  private final int maxSubjectLength;
  private final Duration maxTokenLifetime;
  private final Clock clock;
  private final StoreListener listener;

  private RevocationOptions(Builder b) {
    this.maxIssuerLength = b.maxIssuerLength;
    this.maxJtiLength = b.maxJtiLength;
    this.maxSubjectLength = b.maxSubjectLength;
    this.maxTokenLifetime = b.maxTokenLifetime;
    this.clock = b.clock;
    this.listener = b.listener;
  }

  /**
   * @return options with every default
   */
  public static RevocationOptions defaults() {
    return DEFAULTS;
  }

  /**
   * @return a builder starting from the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * @return a builder starting from these options
   */
  public Builder toBuilder() {
    return new Builder()
        .maxIssuerLength(maxIssuerLength)
        .maxJtiLength(maxJtiLength)
        .maxSubjectLength(maxSubjectLength)
        .maxTokenLifetime(maxTokenLifetime)
        .clock(clock)
        .listener(listener);
  }

  /**
   * @return maximum issuer length in characters
   */
  public int maxIssuerLength() {
    return maxIssuerLength;
  }

  /**
   * @return maximum jti length in characters
   */
  public int maxJtiLength() {
    return maxJtiLength;
  }

  /**
   * @return maximum subject length in characters
   */
  public int maxSubjectLength() {
    return maxSubjectLength;
  }

  /**
   * @return how long a subject-wide marker outlives its {@code notBefore}
   */
  public Duration maxTokenLifetime() {
    return maxTokenLifetime;
  }

  /**
   * @return the clock every expiry decision reads
   */
  public Clock clock() {
    return clock;
  }

  /**
   * @return the listener that receives store events
   */
  public StoreListener listener() {
    return listener;
  }

  /** Collects settings for {@link RevocationOptions}; not thread-safe. */
  public static final class Builder {
    private int maxIssuerLength = DEFAULT_MAX_ISSUER_LENGTH;
    private int maxJtiLength = DEFAULT_MAX_JTI_LENGTH;
    private int maxSubjectLength = DEFAULT_MAX_SUBJECT_LENGTH;
    private Duration maxTokenLifetime = DEFAULT_MAX_TOKEN_LIFETIME;
    private Clock clock = Clock.systemUTC();
    private StoreListener listener = StoreListener.NOOP;

    private Builder() {}

    /**
     * @param chars maximum issuer length, at least 1; default {@link #DEFAULT_MAX_ISSUER_LENGTH}
     * @return this builder
     */
    public Builder maxIssuerLength(int chars) {
      this.maxIssuerLength = chars;
      return this;
    }

    /**
     * @param chars maximum jti length, at least 1; default {@link #DEFAULT_MAX_JTI_LENGTH}
     * @return this builder
     */
    public Builder maxJtiLength(int chars) {
      this.maxJtiLength = chars;
      return this;
    }

    /**
     * @param chars maximum subject length, at least 1; default {@link #DEFAULT_MAX_SUBJECT_LENGTH}
     * @return this builder
     */
    public Builder maxSubjectLength(int chars) {
      this.maxSubjectLength = chars;
      return this;
    }

    /**
     * @param lifetime positive, at most {@link #MAX_TOKEN_LIFETIME_LIMIT}, millisecond precision;
     *     default {@link #DEFAULT_MAX_TOKEN_LIFETIME}
     * @return this builder
     */
    public Builder maxTokenLifetime(Duration lifetime) {
      this.maxTokenLifetime = lifetime;
      return this;
    }

    /**
     * @param clock the clock every expiry decision reads; default {@link Clock#systemUTC()}
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * @param listener receives store events; default {@link StoreListener#NOOP}
     * @return this builder
     */
    public Builder listener(StoreListener listener) {
      this.listener = listener;
      return this;
    }

    /**
     * @return the options
     * @throws IllegalArgumentException naming the first setting out of range, with its value
     * @throws NullPointerException if the clock or the listener is null
     */
    public RevocationOptions build() {
      Arguments.requirePositive("maxIssuerLength", maxIssuerLength);
      Arguments.requirePositive("maxJtiLength", maxJtiLength);
      Arguments.requirePositive("maxSubjectLength", maxSubjectLength);
      Arguments.requirePositive("maxTokenLifetime", maxTokenLifetime);
      if (maxTokenLifetime.compareTo(MAX_TOKEN_LIFETIME_LIMIT) > 0) {
        throw new IllegalArgumentException(
            "maxTokenLifetime must be at most "
                + MAX_TOKEN_LIFETIME_LIMIT
                + ": "
                + maxTokenLifetime);
      }
      Objects.requireNonNull(clock, "clock must not be null");
      Objects.requireNonNull(listener, "listener must not be null");
      return new RevocationOptions(this);
    }
  }
}
