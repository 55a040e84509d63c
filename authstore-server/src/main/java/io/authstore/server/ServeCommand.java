package io.authstore.server;

import io.authstore.StoreUnavailableException;
import io.authstore.jwt.JwtVerifierOptions;
import io.authstore.redis.RedisBackend.FallbackPolicy;
import io.authstore.redis.RedisConnectionConfig;
import io.authstore.redis.ReplicationOptions;
import io.authstore.redis.ReplicationOptions.StalenessPolicy;
import io.authstore.revocation.RevocationOptions;
import io.authstore.ticket.TicketOptions;
import io.javalin.util.JavalinBindException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code authstore serve}: starts the service and runs until SIGTERM or SIGINT, then drains
 * in-flight requests and closes the stores. Every option is also read from the environment variable
 * named in its description; a flag wins over the variable.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    sortOptions = false,
    description = {
      "Start the authstore HTTP service (in memory unless Redis is configured).",
      "Every option can also be set by the environment variable in brackets."
    })
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--port",
      defaultValue = "${env:AUTHSTORE_PORT:-8080}",
      description =
          "Port to listen on; 0 picks a free one [AUTHSTORE_PORT]. Default: ${DEFAULT-VALUE}")
  int port;

  @Option(
      names = "--bind",
      defaultValue = "${env:AUTHSTORE_BIND:-0.0.0.0}",
      description =
          "Address to bind: an IP address, or a host name that resolves [AUTHSTORE_BIND]."
              + " Default: ${DEFAULT-VALUE}")
  String bind;

  @Option(
      names = "--backend",
      defaultValue = "${env:AUTHSTORE_BACKEND:-auto}",
      description =
          "auto, memory or redis; auto uses Redis when any REDIS_* location is set"
              + " [AUTHSTORE_BACKEND]. Default: ${DEFAULT-VALUE}")
  String backend;

  @Option(
      names = "--redis-url",
      defaultValue = "${env:REDIS_URL}",
      description = "redis://, rediss:// or redis-sentinel:// URI [REDIS_URL]")
  String redisUrl;

  @Option(
      names = "--redis-host",
      defaultValue = "${env:REDIS_HOST}",
      description = "Standalone Redis host, when no URL is given [REDIS_HOST]")
  String redisHost;

  @Option(
      names = "--redis-port",
      defaultValue = "${env:REDIS_PORT}",
      description = "Standalone Redis port [REDIS_PORT]. Default: 6379")
  String redisPort;

  @Option(
      names = "--redis-db",
      defaultValue = "${env:REDIS_DB}",
      description = "Redis database number [REDIS_DB]. Default: 0")
  String redisDb;

  @Option(
      names = "--redis-username",
      defaultValue = "${env:REDIS_USERNAME}",
      description = "Redis ACL user name [REDIS_USERNAME]")
  String redisUsername;

  @Option(
      names = "--redis-password",
      defaultValue = "${env:REDIS_PASSWORD}",
      parameterConsumer = NextArgument.class,
      description = "Redis password; prefer the variable, flags show in ps [REDIS_PASSWORD]")
  String redisPassword;

  @Option(
      names = "--redis-tls",
      defaultValue = "${env:REDIS_TLS}",
      description = "true to connect with TLS [REDIS_TLS]. Default: false")
  String redisTls;

  @Option(
      names = "--redis-cluster-nodes",
      defaultValue = "${env:REDIS_CLUSTER_NODES}",
      description = "Cluster seed nodes, host:port,host:port [REDIS_CLUSTER_NODES]")
  String redisClusterNodes;

  @Option(
      names = "--redis-sentinel-nodes",
      defaultValue = "${env:REDIS_SENTINEL_NODES}",
      description = "Sentinels, host:port,host:port [REDIS_SENTINEL_NODES]")
  String redisSentinelNodes;

  @Option(
      names = "--redis-sentinel-master",
      defaultValue = "${env:REDIS_SENTINEL_MASTER}",
      description = "Master name the sentinels watch [REDIS_SENTINEL_MASTER]")
  String redisSentinelMaster;

  @Option(
      names = "--redis-key-prefix",
      defaultValue = "${env:AUTHSTORE_REDIS_KEY_PREFIX:-authstore:}",
      description =
          "Prefix of every Redis key [AUTHSTORE_REDIS_KEY_PREFIX]. Default: ${DEFAULT-VALUE}")
  String redisKeyPrefix;

  @Option(
      names = "--redis-connect-timeout",
      defaultValue = "${env:AUTHSTORE_REDIS_CONNECT_TIMEOUT:-5s}",
      converter = DurationConverter.class,
      description =
          "Redis connect timeout [AUTHSTORE_REDIS_CONNECT_TIMEOUT]. Default: ${DEFAULT-VALUE}")
  Duration redisConnectTimeout;

  @Option(
      names = "--redis-command-timeout",
      defaultValue = "${env:AUTHSTORE_REDIS_COMMAND_TIMEOUT:-3s}",
      converter = DurationConverter.class,
      description =
          "Redis command timeout: a call fails with 503 within it [AUTHSTORE_REDIS_COMMAND_TIMEOUT]."
              + " Default: ${DEFAULT-VALUE}")
  Duration redisCommandTimeout;

  @Option(
      names = "--redis-wait-replicas",
      defaultValue = "${env:AUTHSTORE_REDIS_WAIT_REPLICAS:-0}",
      description =
          "WAIT for this many replicas after each revoke, consume and revoke of a subject's tickets; not on Cluster"
              + " [AUTHSTORE_REDIS_WAIT_REPLICAS]. Default: ${DEFAULT-VALUE}")
  int redisWaitReplicas;

  @Option(
      names = "--redis-fallback",
      defaultValue = "${env:AUTHSTORE_REDIS_FALLBACK:-fail}",
      description =
          "fail, or memory: run on in-memory stores when Redis is unreachable at start"
              + " (single instance only; health and status say so) [AUTHSTORE_REDIS_FALLBACK]."
              + " Default: ${DEFAULT-VALUE}")
  String redisFallback;

  @Option(
      names = "--revocation-mode",
      defaultValue = "${env:AUTHSTORE_REVOCATION_MODE:-replicated}",
      description =
          "On Redis: replicated (a local copy, checks never leave the process) or direct (a"
              + " Redis call per check) [AUTHSTORE_REVOCATION_MODE]. Default: ${DEFAULT-VALUE}")
  String revocationMode;

  @Option(
      names = "--max-staleness",
      defaultValue = "${env:AUTHSTORE_MAX_STALENESS:-5s}",
      converter = DurationConverter.class,
      description =
          "Replicated view: how long it may go unconfirmed before the policy applies"
              + " [AUTHSTORE_MAX_STALENESS]. Default: ${DEFAULT-VALUE}")
  Duration maxStaleness;

  @Option(
      names = "--staleness-policy",
      defaultValue = "${env:AUTHSTORE_STALENESS_POLICY:-fail-closed}",
      description =
          "fail-closed (checks answer 503) or serve-stale (keep answering, readiness degraded)"
              + " [AUTHSTORE_STALENESS_POLICY]. Default: ${DEFAULT-VALUE}")
  String stalenessPolicy;

  @Option(
      names = "--ticket-ttl",
      defaultValue = "${env:AUTHSTORE_TICKET_TTL:-30m}",
      converter = DurationConverter.class,
      description =
          "Ticket lifetime when a request gives none [AUTHSTORE_TICKET_TTL]. Default: ${DEFAULT-VALUE}")
  Duration ticketTtl;

  @Option(
      names = "--ticket-max-ttl",
      defaultValue = "${env:AUTHSTORE_TICKET_MAX_TTL:-24h}",
      converter = DurationConverter.class,
      description =
          "Longest ticket lifetime a request may ask for [AUTHSTORE_TICKET_MAX_TTL]. Default: ${DEFAULT-VALUE}")
  Duration ticketMaxTtl;

  @Option(
      names = "--max-tickets",
      defaultValue = "${env:AUTHSTORE_MAX_TICKETS:-1000}",
      description =
          "Cap on active tickets (429 beyond) [AUTHSTORE_MAX_TICKETS]. Default: ${DEFAULT-VALUE}")
  int maxTickets;

  @Option(
      names = "--max-tickets-per-subject",
      defaultValue = "${env:AUTHSTORE_MAX_TICKETS_PER_SUBJECT:-100}",
      description =
          "Cap on active tickets of one subject [AUTHSTORE_MAX_TICKETS_PER_SUBJECT]. Default: ${DEFAULT-VALUE}")
  int maxTicketsPerSubject;

  @Option(
      names = "--max-token-lifetime",
      defaultValue = "${env:AUTHSTORE_MAX_TOKEN_LIFETIME:-24h}",
      converter = DurationConverter.class,
      description =
          "How long a subject-wide revoke is kept: the longest lifetime of your tokens plus"
              + " your verifiers' leeway (raised to that for the --jwt-* verifier)"
              + " [AUTHSTORE_MAX_TOKEN_LIFETIME]. Default: ${DEFAULT-VALUE}")
  Duration maxTokenLifetime;

  @Option(
      names = "--jwt-jwks-url",
      defaultValue = "${env:AUTHSTORE_JWT_JWKS_URL}",
      description =
          "JWT key source: a JWK Set URL (https; http only to a loopback host), cached and refetched on an unknown kid"
              + " [AUTHSTORE_JWT_JWKS_URL]. Without a key source the JWT routes answer 501")
  String jwtJwksUrl;

  @Option(
      names = "--jwt-jwks-file",
      defaultValue = "${env:AUTHSTORE_JWT_JWKS_FILE}",
      description = "JWT key source: a JWK Set file, read at start [AUTHSTORE_JWT_JWKS_FILE]")
  String jwtJwksFile;

  @Option(
      names = "--jwt-public-key-file",
      defaultValue = "${env:AUTHSTORE_JWT_PUBLIC_KEY_FILE}",
      description =
          "JWT key source: one RSA, EC or Ed25519 public key in PEM (BEGIN PUBLIC KEY)"
              + " [AUTHSTORE_JWT_PUBLIC_KEY_FILE]")
  String jwtPublicKeyFile;

  @Option(
      names = "--jwt-hmac-secret",
      defaultValue = "${env:AUTHSTORE_JWT_HMAC_SECRET}",
      parameterConsumer = NextArgument.class,
      description =
          "JWT key source: an HMAC secret, base64 or base64url, at least 32 bytes decoded; prefer"
              + " the variable, flags show in ps [AUTHSTORE_JWT_HMAC_SECRET]")
  String jwtHmacSecret;

  @Option(
      names = "--jwt-algorithms",
      defaultValue = "${env:AUTHSTORE_JWT_ALGORITHMS}",
      description =
          "Algorithms a JWT may use, comma-separated (e.g. RS256,ES256); required with a key"
              + " source [AUTHSTORE_JWT_ALGORITHMS]")
  String jwtAlgorithms;

  @Option(
      names = "--jwt-issuers",
      defaultValue = "${env:AUTHSTORE_JWT_ISSUERS}",
      description =
          "Accepted JWT iss values, comma-separated; required with a key source"
              + " [AUTHSTORE_JWT_ISSUERS]")
  String jwtIssuers;

  @Option(
      names = "--jwt-audiences",
      defaultValue = "${env:AUTHSTORE_JWT_AUDIENCES}",
      description =
          "Accepted JWT aud values, comma-separated; required with a key source"
              + " [AUTHSTORE_JWT_AUDIENCES]")
  String jwtAudiences;

  @Option(
      names = "--jwt-type",
      defaultValue = "${env:AUTHSTORE_JWT_TYPE}",
      description = "typ header a JWT must carry, e.g. at+jwt; default any [AUTHSTORE_JWT_TYPE]")
  String jwtType;

  @Option(
      names = "--jwt-leeway",
      defaultValue = "${env:AUTHSTORE_JWT_LEEWAY:-60s}",
      converter = DurationConverter.class,
      description =
          "Clock skew tolerated on JWT exp, nbf and iat, at most 10m [AUTHSTORE_JWT_LEEWAY]."
              + " Default: ${DEFAULT-VALUE}")
  Duration jwtLeeway;

  @Option(
      names = "--jwt-max-token-lifetime",
      defaultValue = "${env:AUTHSTORE_JWT_MAX_TOKEN_LIFETIME:-24h}",
      converter = DurationConverter.class,
      description =
          "Longest JWT lifetime accepted (exp - iat and exp - now), at most 366d"
              + " [AUTHSTORE_JWT_MAX_TOKEN_LIFETIME]. Default: ${DEFAULT-VALUE}")
  Duration jwtMaxTokenLifetime;

  @Option(
      names = "--api-keys",
      defaultValue = "${env:AUTHSTORE_API_KEYS}",
      parameterConsumer = NextArgument.class,
      description =
          "API keys: name:secret=scope[,scope] entries separated by ';'; a # at the start of an"
              + " entry comments out the rest of the line. Scopes: tickets:issue,"
              + " tickets:consume, revocations:write, revocations:read, admin. None configured:"
              + " one admin key is generated and printed once [AUTHSTORE_API_KEYS]")
  String apiKeys;

  @Option(
      names = "--api-keys-file",
      defaultValue = "${env:AUTHSTORE_API_KEYS_FILE}",
      description =
          "File of API keys, one entry per line (or several, separated by ';'); a line starting"
              + " with # is a comment, every entry on it included [AUTHSTORE_API_KEYS_FILE]")
  Path apiKeysFile;

  @Option(
      names = "--rate-limit-per-key",
      defaultValue = "${env:AUTHSTORE_RATE_LIMIT_PER_KEY:-1000}",
      description =
          "Issue and validate requests per second per API key, at most 1000000000; 0 = unlimited"
              + " [AUTHSTORE_RATE_LIMIT_PER_KEY]. Default: ${DEFAULT-VALUE}")
  int rateLimitPerKey;

  @Option(
      names = "--rate-limit-per-address",
      defaultValue = "${env:AUTHSTORE_RATE_LIMIT_PER_ADDRESS:-100}",
      description =
          "Issue and validate requests per second per client address, at most 1000000000;"
              + " 0 = unlimited [AUTHSTORE_RATE_LIMIT_PER_ADDRESS]. Default: ${DEFAULT-VALUE}")
  int rateLimitPerAddress;

  @Option(
      names = "--trusted-proxies",
      defaultValue = "${env:AUTHSTORE_TRUSTED_PROXIES}",
      description =
          "Load balancers whose X-Forwarded-For the per-address limit believes: IP addresses and"
              + " CIDR blocks, comma-separated (e.g. 10.0.0.0/8); default none"
              + " [AUTHSTORE_TRUSTED_PROXIES]")
  String trustedProxies;

  @Option(
      names = "--max-body-bytes",
      defaultValue = "${env:AUTHSTORE_MAX_BODY_BYTES:-16384}",
      description =
          "Largest request body (413 beyond) [AUTHSTORE_MAX_BODY_BYTES]. Default: ${DEFAULT-VALUE}")
  int maxBodyBytes;

  @Option(
      names = "--log-format",
      defaultValue = "${env:AUTHSTORE_LOG_FORMAT:-text}",
      description =
          "text or json (one object per line) [AUTHSTORE_LOG_FORMAT]. Default: ${DEFAULT-VALUE}")
  String logFormat;

  @Option(
      names = "--shutdown-grace",
      defaultValue = "${env:AUTHSTORE_SHUTDOWN_GRACE:-10s}",
      converter = DurationConverter.class,
      description =
          "On SIGTERM, how long in-flight requests may take to finish [AUTHSTORE_SHUTDOWN_GRACE]."
              + " Default: ${DEFAULT-VALUE}")
  Duration shutdownGrace;

  @Override
  public Integer call() throws InterruptedException {
    ServerConfig config = toConfig();
    LogSetup.apply(config.logFormat());
    AuthstoreServer server;
    try {
      server = AuthstoreServer.start(config);
    } catch (StoreUnavailableException e) {
      spec.commandLine().getErr().println("authstore: cannot start: " + e.getMessage());
      return Main.EXIT_UNAVAILABLE;
    } catch (RuntimeException e) {
      // Not an outage: an address that cannot be bound, a Redis that refuses the credentials.
      spec.commandLine().getErr().println("authstore: cannot start: " + startFailure(e, config));
      return Main.EXIT_USAGE;
    }
    server
        .generatedAdminKey()
        .ifPresent(
            key -> {
              // Printed once on standard error, never through the logger, whose lines go to
              // standard output: with --log-format json, standard output stays one JSON object
              // per line.
              PrintWriter out = spec.commandLine().getErr();
              out.println();
              out.println("No API key configured (AUTHSTORE_API_KEYS or AUTHSTORE_API_KEYS_FILE).");
              out.println("Generated an admin key for this run; it is shown only here:");
              out.println();
              out.println("    X-API-Key: " + key);
              out.println();
              out.flush();
            });
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "authstore-shutdown"));
    stopped.await();
    return 0;
  }

  /**
   * Validates the options into a configuration.
   *
   * @throws ParameterException naming the option, for picocli to print with usage
   */
  ServerConfig toConfig() {
    ServerConfig.Builder b = ServerConfig.builder();
    try {
      set("--port", b, c -> c.port(port));
      set("--bind", b, c -> c.bind(bind));
      b.redis(redisConfig());
      b.fallback(parseEnum("--redis-fallback", redisFallback, FallbackPolicy.class));
      b.revocationMode(
          parseEnum("--revocation-mode", revocationMode, ServerConfig.RevocationMode.class));
      b.replication(
          option(
              "--max-staleness / --staleness-policy",
              () ->
                  ReplicationOptions.builder()
                      .maxStaleness(maxStaleness)
                      .policy(
                          parseEnum("--staleness-policy", stalenessPolicy, StalenessPolicy.class))
                      .build()));
      // Each alone first, so that a bad value names its option; then together (the default TTL
      // must not exceed the maximum).
      option("--ticket-ttl", () -> TicketOptions.builder().defaultTtl(ticketTtl).build());
      option("--ticket-max-ttl", () -> TicketOptions.builder().maxTtl(ticketMaxTtl).build());
      option("--max-tickets", () -> TicketOptions.builder().maxActive(maxTickets).build());
      option(
          "--max-tickets-per-subject",
          () -> TicketOptions.builder().maxActivePerSubject(maxTicketsPerSubject).build());
      b.tickets(
          option(
              "--ticket-ttl / --ticket-max-ttl / --max-tickets / --max-tickets-per-subject",
              () ->
                  TicketOptions.builder()
                      .defaultTtl(ticketTtl)
                      .maxTtl(ticketMaxTtl)
                      .maxActive(maxTickets)
                      .maxActivePerSubject(maxTicketsPerSubject)
                      .build()));
      b.revocations(
          option(
              "--max-token-lifetime",
              () -> RevocationOptions.builder().maxTokenLifetime(maxTokenLifetime).build()));
      b.jwt(jwtSettings());
      b.apiKeys(apiKeys());
      set("--rate-limit-per-key", b, c -> c.rateLimitPerKey(rateLimitPerKey));
      set("--rate-limit-per-address", b, c -> c.rateLimitPerAddress(rateLimitPerAddress));
      List<String> proxies = optionalList("--trusted-proxies", trustedProxies);
      set("--trusted-proxies", b, c -> c.trustedProxies(proxies));
      set("--max-body-bytes", b, c -> c.maxBodyBytes(maxBodyBytes));
      b.logFormat(parseEnum("--log-format", logFormat, ServerConfig.LogFormat.class));
      set("--shutdown-grace", b, c -> c.shutdownGrace(shutdownGrace));
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  /**
   * What stopped the start, naming the options to change when the port or address cannot be bound:
   * Javalin reports any failure to bind (an address that is not local, a name that no longer
   * resolves) as a port already in use; the cause says what it was.
   */
  static String startFailure(RuntimeException e, ServerConfig config) {
    String host = config.bind().indexOf(':') >= 0 ? "[" + config.bind() + "]" : config.bind();
    String where = "--bind / --port: cannot listen on " + host + ":" + config.port() + ": ";
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException bind) {
        return where + bind.getMessage();
      }
      if (t instanceof UnresolvedAddressException) {
        return where + "the address does not resolve";
      }
    }
    if (e instanceof JavalinBindException && e.getCause() != null) {
      Throwable root = e.getCause();
      while (root.getCause() != null) {
        root = root.getCause();
      }
      return where + (root.getMessage() != null ? root.getMessage() : root.getClass().getName());
    }
    return e.getMessage();
  }

  private RedisConnectionConfig redisConfig() {
    Map<String, String> env = new LinkedHashMap<>();
    put(env, "REDIS_URL", redisUrl);
    put(env, "REDIS_HOST", redisHost);
    put(env, "REDIS_PORT", redisPort);
    put(env, "REDIS_DB", redisDb);
    put(env, "REDIS_USERNAME", redisUsername);
    put(env, "REDIS_PASSWORD", redisPassword);
    put(env, "REDIS_TLS", redisTls);
    put(env, "REDIS_CLUSTER_NODES", redisClusterNodes);
    put(env, "REDIS_SENTINEL_NODES", redisSentinelNodes);
    put(env, "REDIS_SENTINEL_MASTER", redisSentinelMaster);
    String mode = backend.strip().toLowerCase(java.util.Locale.ROOT);
    if (!mode.equals("auto") && !mode.equals("memory") && !mode.equals("redis")) {
      throw new IllegalArgumentException(
          "--backend must be auto, memory or redis: " + Http.shorten(backend));
    }
    if (mode.equals("memory")) {
      return null;
    }
    // A bad location value is reported with the location options given: the message may come
    // from the URL, the host and port, or the nodes, and may name a REDIS_* variable.
    String location = "Redis location (" + optionsOf(env) + ")";
    RedisConnectionConfig.Builder redis =
        option(location, () -> RedisConnectionConfig.fromEnvironment(env));
    if (redis == null) {
      // Kubernetes service links and Docker's --link set REDIS_PORT=tcp://host:port in every
      // container beside a service named redis: not a setting of ours.
      if (env.getOrDefault("REDIS_PORT", "").startsWith("tcp://")) {
        env.remove("REDIS_PORT");
      }
      if (!env.isEmpty()) {
        // A password or port without a location is a location someone forgot: on the memory
        // backend, instances would share nothing, and nothing would say so.
        throw new IllegalArgumentException(
            optionsOf(env)
                + " ("
                + String.join(", ", env.keySet())
                + ") given without a Redis location: give REDIS_URL, REDIS_HOST,"
                + " REDIS_CLUSTER_NODES or REDIS_SENTINEL_NODES, unset them, or run with"
                + " --backend memory");
      }
      if (mode.equals("redis")) {
        throw new IllegalArgumentException(
            "--backend redis needs a location: REDIS_URL, REDIS_HOST, REDIS_CLUSTER_NODES or"
                + " REDIS_SENTINEL_NODES");
      }
      return null;
    }
    // The options this command sets itself are checked one by one on a default standalone
    // config, so that a bad value names its option; what fails after that is the location.
    option(
        "--redis-key-prefix",
        () -> RedisConnectionConfig.builder().keyPrefix(redisKeyPrefix).build());
    option(
        "--redis-connect-timeout",
        () -> RedisConnectionConfig.builder().connectTimeout(redisConnectTimeout).build());
    option(
        "--redis-command-timeout",
        () -> RedisConnectionConfig.builder().commandTimeout(redisCommandTimeout).build());
    option(
        "--redis-wait-replicas",
        () ->
            RedisConnectionConfig.builder()
                .commandTimeout(redisCommandTimeout)
                .waitForReplicas(redisWaitReplicas, redisCommandTimeout.dividedBy(2))
                .build());
    redis
        .keyPrefix(redisKeyPrefix)
        .connectTimeout(redisConnectTimeout)
        .commandTimeout(redisCommandTimeout);
    if (redisWaitReplicas > 0) {
      redis.waitForReplicas(redisWaitReplicas, redisCommandTimeout.dividedBy(2));
    }
    return option(location, redis::build);
  }

  /** {@code --redis-host, --redis-port} for the variables {@code REDIS_HOST, REDIS_PORT}. */
  private static String optionsOf(Map<String, String> env) {
    StringJoiner options = new StringJoiner(", ");
    for (String variable : env.keySet()) {
      options.add("--" + variable.toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    return options.toString();
  }

  /**
   * Applies one option to the builder after checking it alone on a fresh builder: {@link
   * ServerConfig.Builder#build()} validates everything at once, and its messages name the setting,
   * not the option.
   */
  private static void set(
      String option, ServerConfig.Builder b, Consumer<ServerConfig.Builder> setter) {
    option(
        option,
        () -> {
          ServerConfig.Builder alone = ServerConfig.builder();
          setter.accept(alone);
          return alone.build();
        });
    setter.accept(b);
  }

  /**
   * The JWT settings, or null when no key source is given. Each option is checked on its own first,
   * so that a bad value names its option; the key and the algorithms are then checked together (a
   * key must fit every algorithm).
   */
  private JwtSettings jwtSettings() {
    if (jwtLeeway.isNegative() || jwtLeeway.compareTo(JwtVerifierOptions.MAX_LEEWAY) > 0) {
      throw new IllegalArgumentException("--jwt-leeway must be between 0s and 10m: " + jwtLeeway);
    }
    if (jwtMaxTokenLifetime.isNegative()
        || jwtMaxTokenLifetime.isZero()
        || jwtMaxTokenLifetime.compareTo(JwtVerifierOptions.MAX_TOKEN_LIFETIME_LIMIT) > 0) {
      throw new IllegalArgumentException(
          "--jwt-max-token-lifetime must be positive and at most "
              + JwtVerifierOptions.MAX_TOKEN_LIFETIME_LIMIT.toDays()
              + "d: "
              + jwtMaxTokenLifetime);
    }
    Map<String, String> sources = new LinkedHashMap<>();
    put(sources, "--jwt-jwks-url", jwtJwksUrl);
    put(sources, "--jwt-jwks-file", jwtJwksFile);
    put(sources, "--jwt-public-key-file", jwtPublicKeyFile);
    put(sources, "--jwt-hmac-secret", jwtHmacSecret);
    if (sources.isEmpty()) {
      Map<String, String> dependents = new LinkedHashMap<>();
      put(dependents, "--jwt-algorithms", jwtAlgorithms);
      put(dependents, "--jwt-issuers", jwtIssuers);
      put(dependents, "--jwt-audiences", jwtAudiences);
      put(dependents, "--jwt-type", jwtType);
      if (!dependents.isEmpty()) {
        // Without a key the routes would answer 501: a half-done setup fails at start instead.
        throw new IllegalArgumentException(
            dependents.keySet().iterator().next()
                + " is set, but no JWT key source: give --jwt-jwks-url, --jwt-jwks-file,"
                + " --jwt-public-key-file or --jwt-hmac-secret");
      }
      return null;
    }
    if (sources.size() > 1) {
      throw new IllegalArgumentException(
          String.join(", ", sources.keySet()) + ": give only one JWT key source");
    }
    String source = sources.keySet().iterator().next();
    JwtSettings.Builder jwt = JwtSettings.builder();
    switch (source) {
      case "--jwt-jwks-url" -> jwt.jwksUrl(jwksUrl(jwtJwksUrl));
      case "--jwt-jwks-file" -> jwt.jwksFile(readableFile(source, jwtJwksFile));
      case "--jwt-public-key-file" -> {
        Path file = readableFile(source, jwtPublicKeyFile);
        try {
          jwt.publicKeyPem(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IOException e) {
          throw new IllegalArgumentException(source + ": cannot read " + file + ": " + e);
        }
      }
      default -> jwt.hmacSecret(hmacSecret(jwtHmacSecret));
    }
    String[] algorithms = list("--jwt-algorithms", jwtAlgorithms, "e.g. RS256 or HS256");
    for (String alg : algorithms) {
      if (alg.equalsIgnoreCase("none")) {
        throw new IllegalArgumentException("--jwt-algorithms: alg none is never allowed");
      }
      if (!JwtVerifierOptions.SUPPORTED_ALGORITHMS.contains(alg)) {
        throw new IllegalArgumentException(
            "--jwt-algorithms: unsupported algorithm "
                + Http.shorten(alg)
                + " (supported, case-sensitive: "
                + String.join(", ", new TreeSet<>(JwtVerifierOptions.SUPPORTED_ALGORITHMS))
                + ")");
      }
    }
    jwt.allowedAlgorithms(algorithms);
    jwt.issuers(list("--jwt-issuers", jwtIssuers, "the accepted iss values"));
    jwt.audiences(list("--jwt-audiences", jwtAudiences, "the accepted aud values"));
    if (jwtType != null) {
      if (jwtType.isBlank()) {
        throw new IllegalArgumentException("--jwt-type must not be blank");
      }
      jwt.requiredType(jwtType.strip());
    }
    jwt.leeway(jwtLeeway).maxTokenLifetime(jwtMaxTokenLifetime);
    // What is left is the key itself (its content, its size) and whether it fits the algorithms.
    return option(source + " / --jwt-algorithms", jwt::build);
  }

  private static URI jwksUrl(String value) {
    URI uri;
    try {
      uri = new URI(value.strip());
    } catch (URISyntaxException e) {
      uri = null;
    }
    if (uri == null
        || uri.getHost() == null
        || !("https".equalsIgnoreCase(uri.getScheme())
            || "http".equalsIgnoreCase(uri.getScheme()))) {
      throw new IllegalArgumentException(
          "--jwt-jwks-url must be an http or https URL with a host (the value is not shown: it"
              + " may carry a credential)");
    }
    return uri;
  }

  private static Path readableFile(String option, String value) {
    Path file = Path.of(value.strip());
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new IllegalArgumentException(option + ": cannot read " + file);
    }
    return file;
  }

  /** Decodes the secret; messages give its length at most, never the value. */
  private static byte[] hmacSecret(String value) {
    String v = value.strip();
    byte[] secret;
    try {
      boolean url = v.indexOf('-') >= 0 || v.indexOf('_') >= 0;
      secret = (url ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--jwt-hmac-secret must be base64 or base64url (the value is not shown)");
    }
    if (secret.length < 32) {
      throw new IllegalArgumentException(
          "--jwt-hmac-secret must decode to at least 32 bytes (256 bits): "
              + secret.length
              + " bytes");
    }
    return secret;
  }

  /** A comma-separated list, without blanks; empty when not given. */
  private static List<String> optionalList(String option, String value) {
    if (value == null || value.isBlank()) {
      return List.of();
    }
    List<String> items = new ArrayList<>();
    for (String item : value.split(",", -1)) {
      if (item.isBlank()) {
        throw new IllegalArgumentException(
            option + " must not hold an empty value: " + Http.shorten(value));
      }
      items.add(item.strip());
    }
    return items;
  }

  /** A required comma-separated list, without blanks. */
  private static String[] list(String option, String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(
          option + " is required with a JWT key source: " + what + ", comma-separated");
    }
    return optionalList(option, value).toArray(String[]::new);
  }

  private ApiKeys apiKeys() {
    StringBuilder text = new StringBuilder();
    if (apiKeys != null && !apiKeys.isBlank()) {
      text.append(apiKeys).append('\n');
    }
    if (apiKeysFile != null) {
      try {
        text.append(Files.readString(apiKeysFile, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "--api-keys-file: cannot read " + apiKeysFile + ": " + e.getMessage());
      }
    }
    ApiKeys keys = ApiKeys.parse(text.toString(), "--api-keys/--api-keys-file");
    if (keys.isEmpty() && (apiKeysFile != null || text.length() > 0)) {
      // Given, but only comments or separators: the server must not fall back to a generated
      // key as if nothing had been configured.
      throw new IllegalArgumentException(
          (apiKeysFile != null ? "--api-keys-file " + apiKeysFile : "--api-keys")
              + " holds no key (only comments or blank entries); leave it unset to have an admin"
              + " key generated at start");
    }
    return keys;
  }

  private static void put(Map<String, String> env, String name, String value) {
    if (value != null && !value.isBlank()) {
      env.put(name, value);
    }
  }

  private static <E extends Enum<E>> E parseEnum(String option, String value, Class<E> type) {
    String normalized = value.strip().replace('-', '_').toUpperCase(java.util.Locale.ROOT);
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(normalized)) {
        return e;
      }
    }
    StringBuilder allowed = new StringBuilder();
    for (E e : type.getEnumConstants()) {
      if (allowed.length() > 0) {
        allowed.append(", ");
      }
      allowed.append(e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
    }
    throw new IllegalArgumentException(
        option + " must be one of " + allowed + ": " + Http.shorten(value));
  }

  private interface Build<T> {
    T get();
  }

  /** Prefixes a validation message with the option it came from, unless it names one already. */
  private static <T> T option(String option, Build<T> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      String m = e.getMessage();
      if (m != null && m.startsWith("--")) {
        throw e;
      }
      throw new IllegalArgumentException(option + ": " + m, e);
    }
  }
}
