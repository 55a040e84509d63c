package io.authstore.ticket;

import io.authstore.StoreListener;
import io.authstore.internal.Arguments;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Immutable settings shared by every {@link TicketStore} backend: TTLs, caps and input bounds.
 * Build with {@link #builder()}; {@link #defaults()} has every {@code DEFAULT_*} value.
 * Thread-safe.
 */
public final class TicketOptions {
  /** The shortest TTL a ticket may have: 1 second. */
  public static final Duration MIN_TTL = Duration.ofSeconds(1);

  /** Default TTL of a ticket issued without one: 30 minutes, as in the source design. */
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(30);

  /** Default longest TTL a caller may ask for: 24 hours. */
  public static final Duration DEFAULT_MAX_TTL = Duration.ofHours(24);

  /** The longest maximum TTL accepted: 366 days. */
  public static final Duration MAX_TTL_LIMIT = Duration.ofDays(366);

  /** Default cap on active tickets in the whole store: {@value}, as in the source design. */
  public static final int DEFAULT_MAX_ACTIVE = 1000;

  /** Default cap on active tickets of one subject: {@value}. */
  public static final int DEFAULT_MAX_ACTIVE_PER_SUBJECT = 100;

  /** Default maximum subject length, in characters: {@value}. */
  public static final int DEFAULT_MAX_SUBJECT_LENGTH = 256;

  /** Default maximum number of attributes on a ticket: {@value}. */
  public static final int DEFAULT_MAX_ATTRIBUTES = 32;

  /** Default maximum total size of a ticket's attribute names and values, UTF-8: {@value} bytes. */
  public static final int DEFAULT_MAX_ATTRIBUTE_BYTES = 4096;

  private static final TicketOptions DEFAULTS = builder().build();

  private final Duration defaultTtl;
  private final Duration maxTtl;
  private final int maxActive;
  private final int maxActivePerSubject;
  private final int maxSubjectLength;
  private final int maxAttributes;
  private final int maxAttributeBytes;
  private final Clock clock;
  private final StoreListener listener;

  private TicketOptions(Builder b) {
    this.defaultTtl = b.defaultTtl;
    this.maxTtl = b.maxTtl;
    this.maxActive = b.maxActive;
    this.maxActivePerSubject = b.maxActivePerSubject;
    this.maxSubjectLength = b.maxSubjectLength;
    this.maxAttributes = b.maxAttributes;
    this.maxAttributeBytes = b.maxAttributeBytes;
    this.clock = b.clock;
    this.listener = b.listener;
  }

  /**
   * @return options with every default
   */
  public static TicketOptions defaults() {
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
        .defaultTtl(defaultTtl)
        .maxTtl(maxTtl)
        .maxActive(maxActive)
        .maxActivePerSubject(maxActivePerSubject)
        .maxSubjectLength(maxSubjectLength)
        .maxAttributes(maxAttributes)
        .maxAttributeBytes(maxAttributeBytes)
        .clock(clock)
        .listener(listener);
  }

  /**
   * Checks the arguments of {@link TicketStore#issue} against these options.
   *
   * @return the TTL to use: {@code ttl}, or {@link #defaultTtl()} if it is null
   * @throws NullPointerException if subject or attributes, or an attribute name or value, is null
   * @throws IllegalArgumentException naming the argument that is out of bounds, with its value
   */
  public Duration checkIssue(String subject, Map<String, String> attributes, Duration ttl) {
    Arguments.requireText("subject", subject, maxSubjectLength);
    Objects.requireNonNull(attributes, "attributes must not be null");
    if (attributes.size() > maxAttributes) {
      throw new IllegalArgumentException(
          "too many attributes: " + attributes.size() + ", at most " + maxAttributes);
    }
    long bytes = 0;
    for (Map.Entry<String, String> e : attributes.entrySet()) {
      String name = Objects.requireNonNull(e.getKey(), "attribute name must not be null");
      String value =
          Objects.requireNonNull(e.getValue(), () -> "attribute '" + name + "' must not be null");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("attribute name must not be empty");
      }
      bytes += utf8Length(name) + utf8Length(value);
    }
    if (bytes > maxAttributeBytes) {
      throw new IllegalArgumentException(
          "attributes too large: " + bytes + " bytes, at most " + maxAttributeBytes);
    }
    if (ttl == null) {
      return defaultTtl;
    }
    if (ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(maxTtl) > 0) {
      throw new IllegalArgumentException(
          "ttl out of range: " + ttl + ", must be between " + MIN_TTL + " and " + maxTtl);
    }
    return ttl;
  }

  private static int utf8Length(String s) {
    // Exact for valid text; a lone surrogate counts as the 3 bytes of its replacement.
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  /**
   * @return TTL of a ticket issued without one
   */
  public Duration defaultTtl() {
    return defaultTtl;
  }

  /**
   * @return longest TTL a caller may ask for
   */
  public Duration maxTtl() {
    return maxTtl;
  }

  /**
   * @return cap on active tickets in the whole store
   */
  public int maxActive() {
    return maxActive;
  }

  /**
   * @return cap on active tickets of one subject
   */
  public int maxActivePerSubject() {
    return maxActivePerSubject;
  }

  /**
   * @return maximum subject length in characters
   */
  public int maxSubjectLength() {
    return maxSubjectLength;
  }

  /**
   * @return maximum number of attributes on a ticket
   */
  public int maxAttributes() {
    return maxAttributes;
  }

  /**
   * @return maximum total UTF-8 size of a ticket's attribute names and values
   */
  public int maxAttributeBytes() {
    return maxAttributeBytes;
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

  /** Collects settings for {@link TicketOptions}; not thread-safe. */
  public static final class Builder {
    private Duration defaultTtl = DEFAULT_TTL;
    private Duration maxTtl = DEFAULT_MAX_TTL;
    private int maxActive = DEFAULT_MAX_ACTIVE;
    private int maxActivePerSubject = DEFAULT_MAX_ACTIVE_PER_SUBJECT;
    private int maxSubjectLength = DEFAULT_MAX_SUBJECT_LENGTH;
    private int maxAttributes = DEFAULT_MAX_ATTRIBUTES;
    private int maxAttributeBytes = DEFAULT_MAX_ATTRIBUTE_BYTES;
    private Clock clock = Clock.systemUTC();
    private StoreListener listener = StoreListener.NOOP;

    private Builder() {}

    /**
     * @param ttl between {@link #MIN_TTL} and the maximum TTL; default {@link #DEFAULT_TTL}
     * @return this builder
     */
    public Builder defaultTtl(Duration ttl) {
      this.defaultTtl = ttl;
      return this;
    }

    /**
     * @param ttl between {@link #MIN_TTL} and {@link #MAX_TTL_LIMIT}; default {@link
     *     #DEFAULT_MAX_TTL}
     * @return this builder
     */
    public Builder maxTtl(Duration ttl) {
      this.maxTtl = ttl;
      return this;
    }

    /**
     * @param tickets at least 1; default {@link #DEFAULT_MAX_ACTIVE}
     * @return this builder
     */
    public Builder maxActive(int tickets) {
      this.maxActive = tickets;
      return this;
    }

    /**
     * @param tickets at least 1; default {@link #DEFAULT_MAX_ACTIVE_PER_SUBJECT}
     * @return this builder
     */
    public Builder maxActivePerSubject(int tickets) {
      this.maxActivePerSubject = tickets;
      return this;
    }

    /**
     * @param chars at least 1; default {@link #DEFAULT_MAX_SUBJECT_LENGTH}
     * @return this builder
     */
    public Builder maxSubjectLength(int chars) {
      this.maxSubjectLength = chars;
      return this;
    }

    /**
     * @param count at least 0; default {@link #DEFAULT_MAX_ATTRIBUTES}
     * @return this builder
     */
    public Builder maxAttributes(int count) {
      this.maxAttributes = count;
      return this;
    }

    /**
     * @param bytes at least 0; default {@link #DEFAULT_MAX_ATTRIBUTE_BYTES}
     * @return this builder
     */
    public Builder maxAttributeBytes(int bytes) {
      this.maxAttributeBytes = bytes;
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
     * @throws NullPointerException if a duration, the clock or the listener is null
     */
    public TicketOptions build() {
      Objects.requireNonNull(defaultTtl, "defaultTtl must not be null");
      Objects.requireNonNull(maxTtl, "maxTtl must not be null");
      if (maxTtl.compareTo(MIN_TTL) < 0 || maxTtl.compareTo(MAX_TTL_LIMIT) > 0) {
        throw new IllegalArgumentException(
            "maxTtl must be between " + MIN_TTL + " and " + MAX_TTL_LIMIT + ": " + maxTtl);
      }
      if (defaultTtl.compareTo(MIN_TTL) < 0 || defaultTtl.compareTo(maxTtl) > 0) {
        throw new IllegalArgumentException(
            "defaultTtl must be between " + MIN_TTL + " and maxTtl " + maxTtl + ": " + defaultTtl);
      }
      Arguments.requirePositive("maxActive", maxActive);
      Arguments.requirePositive("maxActivePerSubject", maxActivePerSubject);
      Arguments.requirePositive("maxSubjectLength", maxSubjectLength);
      if (maxAttributes < 0) {
        throw new IllegalArgumentException("maxAttributes must not be negative: " + maxAttributes);
      }
      if (maxAttributeBytes < 0) {
        throw new IllegalArgumentException(
            "maxAttributeBytes must not be negative: " + maxAttributeBytes);
      }
      Objects.requireNonNull(clock, "clock must not be null");
      Objects.requireNonNull(listener, "listener must not be null");
      return new TicketOptions(this);
    }
  }
}
