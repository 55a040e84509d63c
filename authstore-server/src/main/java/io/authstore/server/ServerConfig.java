package io.authstore.server;

import io.authstore.redis.RedisBackend.FallbackPolicy;
import io.authstore.redis.RedisConnectionConfig;
import io.authstore.redis.ReplicationOptions;
import io.authstore.redis.ReplicationOptions.StalenessPolicy;
import io.authstore.revocation.RevocationOptions;
import io.authstore.ticket.TicketOptions;
import io.github.bucket4j.TimeMeter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything the server needs to start, validated. Built by the {@code serve} command from flags
 * and environment variables, or directly by tests and embedders.
 *
 * <p>Immutable and thread-safe.
 */
public final class ServerConfig {
  /** Default port: 8080. */
  public static final int DEFAULT_PORT = 8080;

  /** Default bind address: every interface. */
  public static final String DEFAULT_BIND = "0.0.0.0";

  /** Default request body limit: 16 KiB. */
  public static final int DEFAULT_MAX_BODY_BYTES = 16 * 1024;

  /** Largest body limit accepted: 1 MiB. */
  public static final int MAX_BODY_BYTES_LIMIT = 1024 * 1024;

  /** Default rate limit per API key on issue and validate: 1000 requests per second. */
  public static final int DEFAULT_RATE_LIMIT_PER_KEY = 1000;

  /** Default rate limit per client address on issue and validate: 100 requests per second. */
  public static final int DEFAULT_RATE_LIMIT_PER_ADDRESS = 100;

  /**
   * Highest rate limit accepted, per key or per address: 1,000,000,000 requests per second. The
   * token buckets (Bucket4j) refill at most one token per nanosecond.
   */
  public static final int MAX_RATE_LIMIT = 1_000_000_000;

  /** Default time to drain in-flight requests on shutdown: 10 s. */
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);

  /** How revocations are kept when the backend is Redis. */
  public enum RevocationMode {
    /** Each instance holds a complete local replica fed by Redis: checks never leave the JVM. */
    REPLICATED,
    /** Each check is a Redis round trip. */
    DIRECT
  }

  /** Log line format. */
  public enum LogFormat {
    /** One human-readable line per event. */
    TEXT,
    /** One JSON object per line. */
    JSON
  }

  private final String bind;
  private final int port;
  private final RedisConnectionConfig redis;
  private final FallbackPolicy fallback;
  private final RevocationMode revocationMode;
  private final ReplicationOptions replication;
  private final TicketOptions tickets;
  private final RevocationOptions revocations;
  private final ApiKeys apiKeys;
  private final int rateLimitPerKey;
  private final int rateLimitPerAddress;
  private final ClientAddresses clientAddresses;
  private final TimeMeter rateLimitTime;
  private final int maxBodyBytes;
  private final Duration shutdownGrace;

  /** The longest shutdown grace accepted: a drain longer than this is a typo. */
  public static final Duration MAX_SHUTDOWN_GRACE = Duration.ofHours(1);

  private final LogFormat logFormat;
  private final Clock clock;
  private final JwtSettings jwt;

  private ServerConfig(Builder b) {
    this.bind = b.bind;
    this.port = b.port;
    this.redis = b.redis;
    this.fallback = b.fallback;
    this.revocationMode = b.revocationMode;
    this.replication = b.replication;
    this.tickets = b.tickets;
    this.revocations = b.revocations;
    this.apiKeys = b.apiKeys;
    this.rateLimitPerKey = b.rateLimitPerKey;
    this.rateLimitPerAddress = b.rateLimitPerAddress;
    this.clientAddresses = ClientAddresses.trusting(b.trustedProxies);
    this.rateLimitTime = b.rateLimitTime;
    this.maxBodyBytes = b.maxBodyBytes;
    this.shutdownGrace = b.shutdownGrace;
    this.logFormat = b.logFormat;
    this.clock = b.clock;
    this.jwt = b.jwt;
  }

  /** A builder with every default: in memory, port 8080, no API key (one is generated). */
  public static Builder builder() {
    return new Builder();
  }

  /** The address to bind: an IP address, or a host name that resolved when this was built. */
  public String bind() {
    return bind;
  }

  /** The port; 0 picks a free one. */
  public int port() {
    return port;
  }

  /** Redis to use, or null for the in-memory backends. */
  public RedisConnectionConfig redis() {
    return redis;
  }

  /** What to do when Redis is unreachable at start. */
  public FallbackPolicy fallback() {
    return fallback;
  }

  /** How revocations are kept on Redis. */
  public RevocationMode revocationMode() {
    return revocationMode;
  }

  /** Freshness options of the replicated revocation view. */
  public ReplicationOptions replication() {
    return replication;
  }

  /** Ticket limits and defaults. */
  public TicketOptions tickets() {
    return tickets;
  }

  /** Revocation limits. */
  public RevocationOptions revocations() {
    return revocations;
  }

  /** The configured API keys; empty means the server generates one admin key at start. */
  public ApiKeys apiKeys() {
    return apiKeys;
  }

  /** Requests per second per API key on issue and validate; 0 means unlimited. */
  public int rateLimitPerKey() {
    return rateLimitPerKey;
  }

  /** Requests per second per client address on issue and validate; 0 means unlimited. */
  public int rateLimitPerAddress() {
    return rateLimitPerAddress;
  }

  /**
   * Proxies whose {@code X-Forwarded-For} entries the per-address limit believes: addresses and
   * CIDR blocks, as given; empty (the default) means none, and every client is its TCP peer.
   */
  public List<String> trustedProxies() {
    return clientAddresses.entries();
  }

  ClientAddresses clientAddresses() {
    return clientAddresses;
  }

  /** The time the rate limits' buckets refill by. */
  TimeMeter rateLimitTime() {
    return rateLimitTime;
  }

  /** Largest request body accepted, in bytes. */
  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /** How long shutdown waits for in-flight requests. */
  public Duration shutdownGrace() {
    return shutdownGrace;
  }

  /**
   * Log line format. The {@code serve} command sets up logging with it before the server starts;
   * {@link AuthstoreServer#start} leaves an embedding application's logging as it is.
   */
  public LogFormat logFormat() {
    return logFormat;
  }

  /** The clock routes use for "now" (e.g. a subject revoke without {@code not_before}). */
  public Clock clock() {
    return clock;
  }

  /**
   * How JWTs are verified on the token routes ({@code /oauth2/revoke}, {@code /oauth2/introspect},
   * {@code /auth/tokens/revoke}), or null: those routes then answer 501.
   */
  public JwtSettings jwt() {
    return jwt;
  }

  /** Builds a {@link ServerConfig}; {@link #build()} validates. Not thread-safe. */
  public static final class Builder {
    private String bind = DEFAULT_BIND;
    private int port = DEFAULT_PORT;
    private RedisConnectionConfig redis;
    private FallbackPolicy fallback = FallbackPolicy.FAIL;
    private RevocationMode revocationMode = RevocationMode.REPLICATED;
    private ReplicationOptions replication = ReplicationOptions.defaults();
    private TicketOptions tickets = TicketOptions.defaults();
    private RevocationOptions revocations = RevocationOptions.defaults();
    private ApiKeys apiKeys = ApiKeys.parse("", "none");
    private int rateLimitPerKey = DEFAULT_RATE_LIMIT_PER_KEY;
    private int rateLimitPerAddress = DEFAULT_RATE_LIMIT_PER_ADDRESS;
    private List<String> trustedProxies = List.of();
    private TimeMeter rateLimitTime = TimeMeter.SYSTEM_NANOTIME;
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;
    private LogFormat logFormat = LogFormat.TEXT;
    private Clock clock = Clock.systemUTC();
    private JwtSettings jwt;

    private Builder() {}

    /**
     * The address to listen on: an IP address or a host name; {@link #build()} resolves it, so a
     * name that does not resolve fails there, not at start.
     */
    public Builder bind(String bind) {
      this.bind = Objects.requireNonNull(bind, "bind");
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Use Redis; null (the default) means the in-memory backends. */
    public Builder redis(RedisConnectionConfig redis) {
      this.redis = redis;
      return this;
    }

    public Builder fallback(FallbackPolicy fallback) {
      this.fallback = Objects.requireNonNull(fallback, "fallback");
      return this;
    }

    public Builder revocationMode(RevocationMode mode) {
      this.revocationMode = Objects.requireNonNull(mode, "revocationMode");
      return this;
    }

    public Builder replication(ReplicationOptions replication) {
      this.replication = Objects.requireNonNull(replication, "replication");
      return this;
    }

    /**
     * Shorthand for the replication options' staleness bound and policy; the feed length set before
     * is kept.
     */
    public Builder freshness(Duration maxStaleness, StalenessPolicy policy) {
      this.replication =
          ReplicationOptions.builder()
              .maxStaleness(maxStaleness)
              .policy(policy)
              .feedMaxLength(replication.feedMaxLength())
              .build();
      return this;
    }

    public Builder tickets(TicketOptions tickets) {
      this.tickets = Objects.requireNonNull(tickets, "tickets");
      return this;
    }

    public Builder revocations(RevocationOptions revocations) {
      this.revocations = Objects.requireNonNull(revocations, "revocations");
      return this;
    }

    public Builder apiKeys(ApiKeys apiKeys) {
      this.apiKeys = Objects.requireNonNull(apiKeys, "apiKeys");
      return this;
    }

    /** Requests per second per API key, 0 (off) to {@link #MAX_RATE_LIMIT}. */
    public Builder rateLimitPerKey(int perSecond) {
      this.rateLimitPerKey = perSecond;
      return this;
    }

    /** Requests per second per client address, 0 (off) to {@link #MAX_RATE_LIMIT}. */
    public Builder rateLimitPerAddress(int perSecond) {
      this.rateLimitPerAddress = perSecond;
      return this;
    }

    /**
     * Believe {@code X-Forwarded-For} from these proxies (load balancers, ingress): IP addresses
     * and CIDR blocks such as {@code 10.0.0.0/8}. The per-address rate limit then counts the client
     * each request was forwarded for instead of the proxy: the right-most entry that is not a
     * trusted proxy. Checked by {@link #build()}.
     */
    public Builder trustedProxies(List<String> proxies) {
      this.trustedProxies = List.copyOf(proxies);
      return this;
    }

    /** The time the rate limits refill by; tests give one that stands still. */
    Builder rateLimitTime(TimeMeter time) {
      this.rateLimitTime = Objects.requireNonNull(time, "rateLimitTime");
      return this;
    }

    public Builder maxBodyBytes(int bytes) {
      this.maxBodyBytes = bytes;
      return this;
    }

    public Builder shutdownGrace(Duration grace) {
      this.shutdownGrace = Objects.requireNonNull(grace, "shutdownGrace");
      return this;
    }

    /**
     * Log line format, applied by the {@code serve} command (see {@link ServerConfig#logFormat()}).
     */
    public Builder logFormat(LogFormat format) {
      this.logFormat = Objects.requireNonNull(format, "logFormat");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Verify JWTs with these settings on the token routes; null (the default) leaves them answering
     * 501. The server adds its revocation store and {@link #clock(Clock)}.
     */
    public Builder jwt(JwtSettings jwt) {
      this.jwt = jwt;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the option and its bad value
     */
    public ServerConfig build() {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be 0-65535: " + port);
      }
      if (bind.isBlank()) {
        throw new IllegalArgumentException("bind address must not be empty");
      }
      try {
        // Resolved here so that a typo fails as configuration: Jetty would fail to bind it at
        // start, and Javalin reports any failure to bind as a port already in use.
        InetAddress.getByName(bind);
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException(
            "bind address is neither an IP address nor a host name that resolves: "
                + Http.shorten(bind));
      }
      if (rateLimitPerKey < 0 || rateLimitPerKey > MAX_RATE_LIMIT) {
        throw new IllegalArgumentException(
            "rate limit per key must be 0 to "
                + MAX_RATE_LIMIT
                + " per second: "
                + rateLimitPerKey);
      }
      if (rateLimitPerAddress < 0 || rateLimitPerAddress > MAX_RATE_LIMIT) {
        throw new IllegalArgumentException(
            "rate limit per address must be 0 to "
                + MAX_RATE_LIMIT
                + " per second: "
                + rateLimitPerAddress);
      }
      if (maxBodyBytes < 256 || maxBodyBytes > MAX_BODY_BYTES_LIMIT) {
        throw new IllegalArgumentException(
            "max body size must be 256-" + MAX_BODY_BYTES_LIMIT + " bytes: " + maxBodyBytes);
      }
      if (shutdownGrace.isNegative() || shutdownGrace.compareTo(MAX_SHUTDOWN_GRACE) > 0) {
        throw new IllegalArgumentException(
            "shutdown grace must be 0 to " + MAX_SHUTDOWN_GRACE + ": " + shutdownGrace);
      }
      return new ServerConfig(this);
    }
  }
}
