package io.authstore.redis;

import io.lettuce.core.RedisURI;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How to reach Redis: one standalone server, a Sentinel group, or a Cluster; credentials, TLS,
 * timeouts and durability. Immutable and thread-safe; build with {@link #builder()}, {@link
 * #fromUri(String)} or {@link #fromEnvironment(Map)}.
 *
 * <h2>Timeouts and retries</h2>
 *
 * The source design's settings map onto these: connect timeout {@link #DEFAULT_CONNECT_TIMEOUT},
 * command (read/write) timeout {@link #DEFAULT_COMMAND_TIMEOUT}, {@link #DEFAULT_CONNECT_ATTEMPTS}
 * connection attempts at start, with waits between them (its Javadoc gives them, and the longest a
 * start takes). The stores retry no command themselves: a retried consume would turn the legitimate
 * presentation into a reuse. Lettuce does send a command again when its connection dropped before
 * the reply came (at least once, which it ties to reconnecting by itself); the ticket scripts
 * recognise such a second run of their own (see {@link RedisTicketStore}), and the other scripts
 * leave the same state when run twice, though their second answer may differ (a {@code
 * revokeSubject} of tickets then counts none, a reuse is counted twice). The source's connection
 * pool size has no equivalent: Lettuce multiplexes every command of a process over one connection
 * per node, pipelining concurrent requests, so there is no pool to size.
 *
 * <h2>Durability</h2>
 *
 * Redis replicates asynchronously. Without {@link Builder#waitForReplicas(int, Duration)}, a
 * revocation or a consume acknowledged by a master that fails before replicating is lost by the
 * failover: the revoked token is accepted again, or the consumed ticket can be consumed once more.
 * With it, each revoke, consume and revoke of a subject's tickets waits (one more round trip) until
 * that many replicas have the write, or the timeout passes, in which case the call fails with
 * {@link io.authstore.StoreUnavailableException} although the write may have been applied (a
 * retried consume then reports the ticket as reused).
 *
 * <p>{@code WAIT} holds up every command behind it on its connection, so a write that waits, and
 * its {@code WAIT}, run on a connection of their own, taken from a pool of at most {@value
 * RedisConnection#MAX_WAITING_WRITES} beside the shared multiplexed one: a replica that lags holds
 * up only the writes that wait for it, never reads, issues or health checks. More writes waiting at
 * once than the pool holds wait for a connection. The wait for a connection (or for one to be
 * made), the write and its {@code WAIT} share one command timeout: such a call fails within it, as
 * every other call does. The wait for a connection ends at nine tenths of it, and a write that got
 * none by then is not sent: it fails saying that nothing was written (safe to retry), never with a
 * timeout on a write Redis may have applied. Its {@code WAIT} is given the wait timeout or what is
 * left of the command timeout less a moment for the reply, whichever is shorter; too few replicas
 * then fails saying how many acknowledged (the write was applied). A connection whose reply was not
 * awaited to the end is closed, not returned to the pool.
 */
public final class RedisConnectionConfig {
  private static final Set<String> URI_OPTIONS = Set.of("database", "db", "sentinelmasterid");
  private static final Pattern OPTION_NAME = Pattern.compile("[a-z][a-z0-9_]{0,40}");

  /**
   * Why a user needs a password: Redis's {@code AUTH} and {@code HELLO} take a user only with a
   * password, and Lettuce, given none, drops the user: the connection would run as the default one.
   */
  private static final String USER_NEEDS_PASSWORD =
      "Redis authenticates an ACL user only with a password (a user with nopass accepts any"
          + " password)";

  /** Default connect timeout: 5 seconds. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** Default command (read/write) timeout: 3 seconds. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(3);

  /**
   * Default number of connection attempts at start: {@value}.
   *
   * <p>After a failed attempt the next one waits: 0.5 s after the first, then twice as long each
   * time, at most 1 s ({@code 0.5 s, 1 s, 1 s, ...}), the same ceiling as the reconnects of a live
   * connection. A Redis that is still starting refuses connections for a moment, and attempts back
   * to back would all fail within milliseconds (and a memory fallback be taken for good); the waits
   * give it time to listen without making a Redis that is down take long to report. With {@code n}
   * attempts they add up to {@code 0.5 s + (n - 2) × 1 s} (none for one attempt).
   *
   * <p>The longest a start waits, at the defaults: against a Redis that refuses connections (not
   * listening yet), each attempt fails at once, so it has about 1.5 s to come up before the start
   * fails or falls back. Against a host that does not answer, each attempt of a standalone server
   * can take up to the connect timeout and then the command timeout for the handshake, so at worst
   * about {@code 3 × (5 s + 3 s) + 1.5 s = 25.5 s}; with Sentinel or Cluster, one attempt may ask
   * several nodes and take longer.
   */
  public static final int DEFAULT_CONNECT_ATTEMPTS = 3;

  /** The wait after the first failed attempt at start; each further wait doubles, up to the max. */
  private static final Duration FIRST_CONNECT_RETRY_DELAY = Duration.ofMillis(500);

  /** The longest wait between attempts at start: as long as the longest reconnect delay. */
  private static final Duration MAX_CONNECT_RETRY_DELAY = Duration.ofSeconds(1);

  /**
   * Default bound on commands queued on a connection: {@value}. Past it, commands fail at once
   * instead of piling up behind a stalled server.
   */
  public static final int DEFAULT_REQUEST_QUEUE_SIZE = 10_000;

  /** Default prefix of every key authstore writes: {@value}. */
  public static final String DEFAULT_KEY_PREFIX = "authstore:";

  /** Where the stores live. */
  public enum Topology {
    /** One server (possibly with replicas that authstore does not use). */
    STANDALONE,
    /** A master found through Sentinels, followed across failovers. */
    SENTINEL,
    /** A Redis Cluster. */
    CLUSTER
  }

  private final Topology topology;
  private final List<HostAndPort> nodes;
  private final String sentinelMaster;
  private final String username;
  private final String password;
  private final int database;
  private final boolean tls;
  private final Duration connectTimeout;
  private final Duration commandTimeout;
  private final int connectAttempts;
  private final int requestQueueSize;
  private final String keyPrefix;
  private final int waitReplicas;
  private final Duration waitTimeout;

  private RedisConnectionConfig(Builder b) {
    this.topology = b.topology;
    this.nodes = List.copyOf(b.nodes);
    this.sentinelMaster = b.sentinelMaster;
    this.username = b.username;
    this.password = b.password;
    this.database = b.database;
    this.tls = b.tls;
    this.connectTimeout = b.connectTimeout;
    this.commandTimeout = b.commandTimeout;
    this.connectAttempts = b.connectAttempts;
    this.requestQueueSize = b.requestQueueSize;
    this.keyPrefix = b.keyPrefix;
    this.waitReplicas = b.waitReplicas;
    this.waitTimeout = b.waitTimeout;
  }

  /** A host and a port. */
  public record HostAndPort(String host, int port) {
    /**
     * @throws IllegalArgumentException if the host is empty or the port out of 1..65535
     */
    public HostAndPort {
      Objects.requireNonNull(host, "host");
      if (host.isBlank()) {
        throw new IllegalArgumentException("host must not be empty");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
    }

    /**
     * @param text {@code host:port}, or {@code [address]:port} for an IPv6 address
     * @return the parsed address
     * @throws IllegalArgumentException if it is not {@code host:port}, or is an IPv6 address
     *     without brackets (in {@code ::1:7000} the port cannot be told from the address)
     */
    public static HostAndPort parse(String text) {
      String t = text.trim();
      int colon = t.lastIndexOf(':');
      if (colon <= 0 || colon == t.length() - 1) {
        throw new IllegalArgumentException("expected host:port, got '" + t + "'");
      }
      String host = t.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]") && host.length() > 2) {
        host = host.substring(1, host.length() - 1);
      } else if (host.indexOf(':') >= 0 || host.indexOf('[') >= 0 || host.indexOf(']') >= 0) {
        throw new IllegalArgumentException(
            "expected host:port, got '" + t + "': write an IPv6 address in brackets, [::1]:6379");
      }
      try {
        return new HostAndPort(host, Integer.parseInt(t.substring(colon + 1)));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("expected host:port, got '" + t + "'");
      }
    }

    /** {@code host:port}, with an IPv6 address in brackets. */
    @Override
    public String toString() {
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
  }

  /**
   * @return a builder for a standalone server on localhost:6379
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Parses a Redis URI: {@code redis://[[user:]password@]host[:port][/database]}, {@code rediss://}
   * for TLS, or {@code
   * redis-sentinel://[[user:]password@]host:port[,host:port...][/database]#master}.
   *
   * <p>A user info without a {@code ':'} is a password, as Lettuce and {@code redis-cli} read it:
   * {@code redis://s3cret@host} authenticates the default user with {@code s3cret}. A user is given
   * with its password, {@code redis://user:password@host}.
   *
   * @param uri the URI
   * @return a builder holding what the URI says
   * @throws IllegalArgumentException if the URI cannot be parsed, or gives a user with an empty
   *     password ({@code redis://user:@host}), which Redis cannot authenticate
   */
  public static Builder fromUri(String uri) {
    Objects.requireNonNull(uri, "uri");
    // First, so that an option Lettuce would refuse with its own message is named.
    checkUriOptions(uri);
    RedisURI parsed;
    try {
      parsed = RedisURI.create(uri);
    } catch (RuntimeException e) {
      // Neither the URI nor Lettuce's message (which may quote it) is shown: a password with '/'
      // or '@' unescaped is exactly what makes it unparseable.
      throw new IllegalArgumentException(
          "not a Redis URI: " + redactUri(uri) + " (" + e.getClass().getSimpleName() + ")");
    }
    if (parsed.getSentinels().isEmpty()
        && (parsed.getHost() == null || parsed.getHost().isEmpty())) {
      throw new IllegalArgumentException(
          "not a Redis URI with a host: "
              + redactUri(uri)
              + " (redis://, rediss:// and redis-sentinel:// are supported; not sockets)");
    }
    if (uri.indexOf('@') >= 0 && parsed.getPassword() == null && parsed.getUsername() == null) {
      if (isUserWithoutPassword(uri)) {
        // Lettuce drops both: the connection would run as the default user.
        throw new IllegalArgumentException(
            redactUri(uri) + " gives a user without a password: " + USER_NEEDS_PASSWORD);
      }
      // An unescaped '#', '?' or '/' in a password ends the authority early: "redis://:pa#ss@h"
      // would connect to host ":pa" without a password.
      throw new IllegalArgumentException(
          "the user and password of "
              + redactUri(uri)
              + " cannot be read: percent-encode ':', '@', '/', '?' and '#' in them");
    }
    Builder b = new Builder();
    if (!parsed.getSentinels().isEmpty()) {
      List<HostAndPort> sentinels = new ArrayList<>();
      parsed.getSentinels().forEach(s -> sentinels.add(new HostAndPort(s.getHost(), s.getPort())));
      b.sentinel(parsed.getSentinelMasterId(), sentinels);
    } else {
      b.standalone(parsed.getHost(), parsed.getPort());
    }
    if (parsed.getUsername() != null) {
      b.username(parsed.getUsername());
    }
    if (parsed.getPassword() != null) {
      b.password(new String(parsed.getPassword()));
    }
    return b.database(parsed.getDatabase()).tls(parsed.isSsl());
  }

  /**
   * True when the user info of the URI is a user and an empty password, {@code user:}: not a
   * malformed password, which the caller reports in another way.
   */
  private static boolean isUserWithoutPassword(String uri) {
    String authority;
    try {
      authority = new URI(uri).getRawAuthority();
    } catch (URISyntaxException e) {
      return false;
    }
    if (authority == null || authority.lastIndexOf('@') < 0) {
      return false;
    }
    String userInfo = authority.substring(0, authority.lastIndexOf('@'));
    return userInfo.length() > 1 && userInfo.indexOf(':') == userInfo.length() - 1;
  }

  /**
   * Refuses a query option of the URI that this config does not carry, which Lettuce would parse
   * and this class would otherwise drop: {@code timeout}, {@code verifyPeer}, {@code clientName}
   * and any other. The database ({@code database}, {@code db}) and the Sentinel master ({@code
   * sentinelMasterId}) are read.
   */
  private static void checkUriOptions(String uri) {
    String query = query(uri);
    if (query == null) {
      return;
    }
    for (String param : query.split("&")) {
      int eq = param.indexOf('=');
      String name = (eq < 0 ? param : param.substring(0, eq)).toLowerCase(Locale.ROOT);
      if (param.isEmpty() || URI_OPTIONS.contains(name)) {
        continue;
      }
      String shown = OPTION_NAME.matcher(name).matches() ? "'" + name + "'" : "(not shown)";
      String hint =
          switch (name) {
            case "timeout" -> ": set the command timeout (commandTimeout, --redis-command-timeout)";
            case "verifypeer" ->
                ": rediss:// always verifies the server's certificate and host name";
            default -> "";
          };
      throw new IllegalArgumentException(
          "Redis URI option "
              + shown
              + " is not supported (only database, db and sentinelMasterId are read)"
              + hint);
    }
  }

  /**
   * The query of a URI as Lettuce reads it: {@link java.net.URI}'s, decoded, from the first {@code
   * ?} after the authority (so neither an {@code @} in a value nor a {@code %26} hides an option).
   * Null when there is none, or when the URI cannot be parsed (Lettuce cannot read it either, and
   * the caller refuses it).
   *
   * @throws IllegalArgumentException when the query holds an {@code @} but the authority none: an
   *     unescaped {@code ?} in a password may have ended the authority early, or the {@code @}
   *     belongs to an option's value; which one cannot be told
   */
  private static String query(String uri) {
    URI parsed;
    try {
      parsed = new URI(uri);
    } catch (URISyntaxException e) {
      return null;
    }
    String query = parsed.getQuery();
    if (query != null
        && query.indexOf('@') >= 0
        && (parsed.getRawAuthority() == null || parsed.getRawAuthority().indexOf('@') < 0)) {
      throw new IllegalArgumentException(
          "cannot read "
              + redactUri(uri)
              + ": an '@' after its '?'; percent-encode ':', '@', '/', '?' and '#' in a user or"
              + " password, and '@' in an option's value (%40)");
    }
    return query;
  }

  /**
   * Reads the environment variables the service documents: {@code REDIS_URL}; or {@code
   * REDIS_HOST}, {@code REDIS_PORT}, {@code REDIS_DB}; or {@code REDIS_CLUSTER_NODES}
   * (comma-separated host:port); or {@code REDIS_SENTINEL_NODES} with {@code
   * REDIS_SENTINEL_MASTER}; and in every case {@code REDIS_USERNAME}, {@code REDIS_PASSWORD},
   * {@code REDIS_TLS} (true/false), which override what a URL says.
   *
   * @param env the environment, e.g. {@code System.getenv()}
   * @return a builder, or null if none of {@code REDIS_URL}, {@code REDIS_HOST}, {@code
   *     REDIS_CLUSTER_NODES}, {@code REDIS_SENTINEL_NODES} is set
   * @throws IllegalArgumentException naming the variable that is malformed; or naming two locations
   *     given at once, or a variable that the location given does not read ({@code REDIS_PORT} with
   *     anything but {@code REDIS_HOST}, {@code REDIS_DB} with {@code REDIS_URL}, a {@code
   *     REDIS_DB} other than 0 with {@code REDIS_CLUSTER_NODES}, as a Cluster has only database 0,
   *     {@code REDIS_SENTINEL_MASTER} without {@code REDIS_SENTINEL_NODES}), rather than ignore it;
   *     or naming {@code REDIS_USERNAME} given without a password ({@code REDIS_PASSWORD}, or one
   *     in {@code REDIS_URL}), which would connect as the default user. {@code
   *     REDIS_PORT=tcp://...}, as Kubernetes and Docker links set it, is not ours and is ignored.
   */
  public static Builder fromEnvironment(Map<String, String> env) {
    Builder b;
    String url = blankToNull(env.get("REDIS_URL"));
    String host = blankToNull(env.get("REDIS_HOST"));
    String cluster = blankToNull(env.get("REDIS_CLUSTER_NODES"));
    String sentinels = blankToNull(env.get("REDIS_SENTINEL_NODES"));
    checkOneLocation(env);
    if (url != null) {
      b = fromUri(url);
    } else if (cluster != null) {
      b = builder().cluster(parseNodes("REDIS_CLUSTER_NODES", cluster));
    } else if (sentinels != null) {
      String master = blankToNull(env.get("REDIS_SENTINEL_MASTER"));
      if (master == null) {
        throw new IllegalArgumentException(
            "REDIS_SENTINEL_NODES is set but REDIS_SENTINEL_MASTER is not");
      }
      b = builder().sentinel(master, parseNodes("REDIS_SENTINEL_NODES", sentinels));
    } else if (host != null) {
      b = builder().standalone(host, parseInt("REDIS_PORT", port(env), 6379));
    } else {
      return null;
    }
    if (url == null && blankToNull(env.get("REDIS_DB")) != null) {
      int database = parseInt("REDIS_DB", env.get("REDIS_DB"), 0);
      if (cluster != null && database != 0) {
        throw new IllegalArgumentException(
            "REDIS_DB is "
                + database
                + " but REDIS_CLUSTER_NODES is set, and a Cluster has only database 0: unset"
                + " REDIS_DB");
      }
      b.database(database);
    }
    String username = blankToNull(env.get("REDIS_USERNAME"));
    if (username != null) {
      b.username(username);
    }
    String password = blankToNull(env.get("REDIS_PASSWORD"));
    if (password != null) {
      b.password(password);
    }
    if (username != null && b.password == null) {
      throw new IllegalArgumentException(
          "REDIS_USERNAME is set but REDIS_PASSWORD is not"
              + (url != null ? ", and REDIS_URL has no password" : "")
              + ": "
              + USER_NEEDS_PASSWORD
              + "; set REDIS_PASSWORD, or unset REDIS_USERNAME to connect as the default user");
    }
    String tls = blankToNull(env.get("REDIS_TLS"));
    if (tls != null) {
      if (!tls.equalsIgnoreCase("true") && !tls.equalsIgnoreCase("false")) {
        throw new IllegalArgumentException("REDIS_TLS must be true or false: " + tls);
      }
      b.tls(Boolean.parseBoolean(tls));
    }
    return b;
  }

  /**
   * Refuses two locations, and a variable that belongs to a location other than the one given,
   * which would otherwise be ignored: with {@code REDIS_URL} and {@code REDIS_HOST} both set, one
   * of them is not where the operator thinks the data goes.
   */
  private static void checkOneLocation(Map<String, String> env) {
    List<String> given = new ArrayList<>();
    for (String v :
        List.of("REDIS_URL", "REDIS_CLUSTER_NODES", "REDIS_SENTINEL_NODES", "REDIS_HOST")) {
      if (blankToNull(env.get(v)) != null) {
        given.add(v);
      }
    }
    if (given.isEmpty()) {
      return;
    }
    if (given.size() > 1) {
      throw new IllegalArgumentException(
          String.join(", ", given) + " are set, and each is a Redis location: set only one");
    }
    String location = given.get(0);
    if (port(env) != null && !location.equals("REDIS_HOST")) {
      throw new IllegalArgumentException(
          "REDIS_PORT is read only with REDIS_HOST, not with " + location + ": unset it");
    }
    if (blankToNull(env.get("REDIS_DB")) != null && location.equals("REDIS_URL")) {
      throw new IllegalArgumentException(
          "REDIS_DB is not read with REDIS_URL: put the database in the URL"
              + " (redis://host:6379/2) and unset REDIS_DB");
    }
    if (blankToNull(env.get("REDIS_SENTINEL_MASTER")) != null
        && !location.equals("REDIS_SENTINEL_NODES")) {
      throw new IllegalArgumentException(
          "REDIS_SENTINEL_MASTER is read only with REDIS_SENTINEL_NODES, not with "
              + location
              + (location.equals("REDIS_URL") ? " (name the master after '#' in the URL)" : "")
              + ": unset it");
    }
  }

  private static List<HostAndPort> parseNodes(String variable, String value) {
    List<HostAndPort> nodes = new ArrayList<>();
    for (String part : value.split(",")) {
      try {
        nodes.add(HostAndPort.parse(part));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(variable + ": " + e.getMessage());
      }
    }
    return nodes;
  }

  /**
   * {@code REDIS_PORT}, or null when it is unset or is what Kubernetes service links and Docker's
   * {@code --link} set beside any service named redis ({@code tcp://host:port}): not a setting of
   * ours.
   */
  private static String port(Map<String, String> env) {
    String port = blankToNull(env.get("REDIS_PORT"));
    return port == null || port.startsWith("tcp://") ? null : port;
  }

  private static int parseInt(String variable, String value, int fallback) {
    String v = blankToNull(value);
    if (v == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(variable + " must be a number: " + v);
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  /**
   * The URI with everything from {@code //} to its last {@code @} hidden: the user info, and with
   * it a password even if it holds an unescaped {@code /} or {@code @}. A URI that has no {@code @}
   * but is given here is shown up to its scheme only, since a malformed one may hold a password
   * without the {@code @} that would mark it.
   */
  static String redactUri(String uri) {
    if (uri == null) {
      return "null";
    }
    int scheme = uri.indexOf("://");
    if (uri.lastIndexOf('@') > scheme && scheme >= 0) {
      return uri.substring(0, scheme + 3) + "***" + uri.substring(uri.lastIndexOf('@'));
    }
    return scheme >= 0 ? uri.substring(0, scheme + 3) + "…" : "(not shown)";
  }

  /**
   * @return where the stores live
   */
  public Topology topology() {
    return topology;
  }

  /**
   * @return the server (standalone), the Sentinels, or the Cluster seed nodes
   */
  public List<HostAndPort> nodes() {
    return nodes;
  }

  /**
   * @return the master name Sentinels know, or null unless {@link Topology#SENTINEL}
   */
  public String sentinelMaster() {
    return sentinelMaster;
  }

  /**
   * @return the ACL user name, or null
   */
  public String username() {
    return username;
  }

  /**
   * @return true if a password is set (the password itself is not exposed)
   */
  public boolean hasPassword() {
    return password != null;
  }

  /**
   * @return the database number; always 0 on Cluster, which has no other
   */
  public int database() {
    return database;
  }

  /**
   * @return true for TLS connections
   */
  public boolean tls() {
    return tls;
  }

  /**
   * @return the connect timeout
   */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * @return the command timeout: every call gets an answer or a failure within it
   */
  public Duration commandTimeout() {
    return commandTimeout;
  }

  /**
   * @return connection attempts at start, with waits between them as {@link
   *     #DEFAULT_CONNECT_ATTEMPTS} describes
   */
  public int connectAttempts() {
    return connectAttempts;
  }

  /**
   * The wait before the next connection attempt at start, after {@code failedAttempts} failed: 0.5
   * s, doubling, at most 1 s (see {@link #DEFAULT_CONNECT_ATTEMPTS}).
   *
   * @param failedAttempts at least 1
   */
  static Duration connectRetryDelay(int failedAttempts) {
    if (failedAttempts < 1) {
      throw new IllegalArgumentException("failedAttempts must be at least 1: " + failedAttempts);
    }
    // Doubling stops at the max, so that no number of attempts overflows.
    Duration delay = FIRST_CONNECT_RETRY_DELAY;
    for (int i = 1; i < failedAttempts && delay.compareTo(MAX_CONNECT_RETRY_DELAY) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    return delay.compareTo(MAX_CONNECT_RETRY_DELAY) < 0 ? delay : MAX_CONNECT_RETRY_DELAY;
  }

  /**
   * @return bound on queued commands per connection
   */
  public int requestQueueSize() {
    return requestQueueSize;
  }

  /**
   * @return prefix of every key written
   */
  public String keyPrefix() {
    return keyPrefix;
  }

  /**
   * @return replicas a revoke or consume waits for; 0 for none
   */
  public int waitReplicas() {
    return waitReplicas;
  }

  /**
   * @return how long a revoke or consume waits for replicas
   */
  public Duration waitTimeout() {
    return waitTimeout;
  }

  /** Lettuce URIs for the nodes, with credentials, TLS and timeouts applied. */
  List<RedisURI> toRedisUris() {
    List<RedisURI> uris = new ArrayList<>();
    if (topology == Topology.SENTINEL) {
      RedisURI.Builder b = RedisURI.builder();
      for (HostAndPort n : nodes) {
        b.withSentinel(n.host(), n.port());
      }
      uris.add(apply(b.withSentinelMasterId(sentinelMaster)).build());
    } else {
      for (HostAndPort n : nodes) {
        uris.add(apply(RedisURI.builder().withHost(n.host()).withPort(n.port())).build());
      }
    }
    return uris;
  }

  private RedisURI.Builder apply(RedisURI.Builder b) {
    if (password != null) {
      if (username != null) {
        b.withAuthentication(username, password);
      } else {
        b.withPassword(password.toCharArray());
      }
    }
    if (topology != Topology.CLUSTER) {
      b.withDatabase(database);
    }
    return b.withSsl(tls).withTimeout(commandTimeout);
  }

  @Override
  public String toString() {
    return "RedisConnectionConfig[topology="
        + topology
        + ", nodes="
        + nodes
        + (sentinelMaster == null ? "" : ", master=" + sentinelMaster)
        + ", username="
        + username
        + ", password="
        + (password == null ? "none" : "***")
        + ", database="
        + database
        + ", tls="
        + tls
        + ", commandTimeout="
        + commandTimeout
        + "]";
  }

  /** Collects settings for {@link RedisConnectionConfig}; not thread-safe. */
  public static final class Builder {
    private Topology topology = Topology.STANDALONE;
    private List<HostAndPort> nodes = List.of(new HostAndPort("localhost", 6379));
    private String sentinelMaster;
    private String username;
    private String password;
    private int database;
    private boolean tls;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
    private int connectAttempts = DEFAULT_CONNECT_ATTEMPTS;
    private int requestQueueSize = DEFAULT_REQUEST_QUEUE_SIZE;
    private String keyPrefix = DEFAULT_KEY_PREFIX;
    private int waitReplicas;
    private Duration waitTimeout = Duration.ofSeconds(1);

    private Builder() {}

    /**
     * @return this builder, for one server
     */
    public Builder standalone(String host, int port) {
      this.topology = Topology.STANDALONE;
      this.nodes = List.of(new HostAndPort(host, port));
      this.sentinelMaster = null;
      return this;
    }

    /**
     * @param master the name the Sentinels know the master by
     * @param sentinels at least one Sentinel
     * @return this builder
     */
    public Builder sentinel(String master, List<HostAndPort> sentinels) {
      this.topology = Topology.SENTINEL;
      this.nodes = List.copyOf(sentinels);
      this.sentinelMaster = master;
      return this;
    }

    /**
     * @param seeds at least one node of the Cluster; the rest is discovered
     * @return this builder
     */
    public Builder cluster(List<HostAndPort> seeds) {
      this.topology = Topology.CLUSTER;
      this.nodes = List.copyOf(seeds);
      this.sentinelMaster = null;
      return this;
    }

    /**
     * @param username ACL user name; null for the default user. A user needs a {@link
     *     #password(String)}: {@link #build()} refuses one without (a user with {@code nopass}
     *     accepts any password)
     * @return this builder
     */
    public Builder username(String username) {
      this.username = username;
      return this;
    }

    /**
     * @param password the password; null for none
     * @return this builder
     */
    public Builder password(String password) {
      this.password = password;
      return this;
    }

    /**
     * @param database 0..15 typically; on Cluster only 0, and {@link #build()} refuses any other (a
     *     Cluster has only database 0)
     * @return this builder
     */
    public Builder database(int database) {
      this.database = database;
      return this;
    }

    /**
     * @param tls true for TLS
     * @return this builder
     */
    public Builder tls(boolean tls) {
      this.tls = tls;
      return this;
    }

    /**
     * @param timeout positive; default {@link #DEFAULT_CONNECT_TIMEOUT}
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = timeout;
      return this;
    }

    /**
     * @param timeout positive; default {@link #DEFAULT_COMMAND_TIMEOUT}
     * @return this builder
     */
    public Builder commandTimeout(Duration timeout) {
      this.commandTimeout = timeout;
      return this;
    }

    /**
     * @param attempts at least 1; default {@link #DEFAULT_CONNECT_ATTEMPTS}, whose Javadoc gives
     *     the waits between attempts and the longest a start then takes
     * @return this builder
     */
    public Builder connectAttempts(int attempts) {
      this.connectAttempts = attempts;
      return this;
    }

    /**
     * @param size at least 1; default {@link #DEFAULT_REQUEST_QUEUE_SIZE}
     * @return this builder
     */
    public Builder requestQueueSize(int size) {
      this.requestQueueSize = size;
      return this;
    }

    /**
     * @param prefix prepended to every key; may be empty; default {@link #DEFAULT_KEY_PREFIX}
     * @return this builder
     */
    public Builder keyPrefix(String prefix) {
      this.keyPrefix = prefix;
      return this;
    }

    /**
     * Makes every revoke, consume and revoke of a subject's tickets wait until {@code replicas}
     * replicas have it. Standalone and Sentinel only: on Cluster, {@link #build()} refuses it. Each
     * such write and its {@code WAIT} run on a pooled connection of their own (see the class
     * Javadoc); once it has one, a call takes at most {@code timeout} longer than without.
     *
     * @param replicas at least 0; 0 (the default) does not wait
     * @param timeout how long to wait, positive, shorter than the command timeout
     * @return this builder
     */
    public Builder waitForReplicas(int replicas, Duration timeout) {
      this.waitReplicas = replicas;
      this.waitTimeout = timeout;
      return this;
    }

    /**
     * @return the config
     * @throws IllegalArgumentException naming the first setting out of range, with its value
     */
    public RedisConnectionConfig build() {
      if (nodes.isEmpty()) {
        throw new IllegalArgumentException("at least one node is required for " + topology);
      }
      if (topology == Topology.SENTINEL && (sentinelMaster == null || sentinelMaster.isBlank())) {
        throw new IllegalArgumentException("a Sentinel master name is required");
      }
      if (database < 0) {
        throw new IllegalArgumentException("database must not be negative: " + database);
      }
      if (database != 0 && topology == Topology.CLUSTER) {
        throw new IllegalArgumentException(
            "database is not supported on Cluster, which has only database 0: " + database);
      }
      if (username != null && password == null) {
        throw new IllegalArgumentException(
            "username "
                + username
                + " is set without a password: "
                + USER_NEEDS_PASSWORD
                + "; set password(...), or username(null) to connect as the default user");
      }
      requirePositive("connectTimeout", connectTimeout);
      requirePositive("commandTimeout", commandTimeout);
      requirePositive("waitTimeout", waitTimeout);
      if (connectAttempts < 1) {
        throw new IllegalArgumentException(
            "connectAttempts must be at least 1: " + connectAttempts);
      }
      if (requestQueueSize < 1) {
        throw new IllegalArgumentException(
            "requestQueueSize must be at least 1: " + requestQueueSize);
      }
      if (waitReplicas < 0) {
        throw new IllegalArgumentException("waitReplicas must not be negative: " + waitReplicas);
      }
      if (waitReplicas > 0 && topology == Topology.CLUSTER) {
        throw new IllegalArgumentException(
            "waitForReplicas is not supported on Cluster: " + waitReplicas + " replicas");
      }
      if (waitReplicas > 0 && waitTimeout.compareTo(commandTimeout) >= 0) {
        throw new IllegalArgumentException(
            "waitTimeout must be shorter than commandTimeout "
                + commandTimeout
                + ": "
                + waitTimeout);
      }
      Objects.requireNonNull(keyPrefix, "keyPrefix must not be null");
      if (keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0) {
        throw new IllegalArgumentException("keyPrefix must not contain braces: " + keyPrefix);
      }
      return new RedisConnectionConfig(this);
    }

    private static void requirePositive(String name, Duration d) {
      Objects.requireNonNull(d, () -> name + " must not be null");
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
    }
  }
}
