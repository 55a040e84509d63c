package io.authstore.jwt;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import io.authstore.revocation.RevocationOptions;
import io.authstore.revocation.RevocationStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Immutable settings of a {@link JwtVerifier}. Build with {@link #builder()}. Thread-safe.
 *
 * <p>Nothing here is guessed from the token (RFC 8725 §3.1): the keys come from exactly one
 * configured source, the algorithms are an explicit list, and the accepted issuers and audiences
 * are named.
 *
 * <h2>Key sources (exactly one)</h2>
 *
 * <ul>
 *   <li>{@link Builder#jwksUrl(URI)}: a JWK Set fetched over HTTPS (plain HTTP only to a loopback
 *       host) with Nimbus {@code JWKSourceBuilder}: cached for {@link
 *       #DEFAULT_JWKS_CACHE_TIME_TO_LIVE}, fetched again in the calling thread by the first token
 *       that needs a key after that (no background refresh), and when a token names an unknown
 *       {@code kid} (key rotation), but at most twice per {@link
 *       #DEFAULT_JWKS_MIN_REFETCH_INTERVAL}; retried once on a network error; connect and read
 *       time-outs 500 ms each, at most 50 KiB (Nimbus defaults). The cache and the rate limit run
 *       on {@link #clock()}. Once the cached set has expired, a JWKS URL that cannot be reached
 *       makes every token that needs a key fail with {@code StoreUnavailableException} until a
 *       fetch succeeds: an expired set is not used. Only asymmetric algorithms can be allowed with
 *       a JWKS URL: with {@code HS*} any symmetric key ({@code "kty":"oct"}) in a fetched set would
 *       be an HMAC secret, and a set is published for anyone to read.
 *   <li>{@link Builder#jwksFile(Path)}: a JWK Set read once, at {@code build()}.
 *   <li>{@link Builder#publicKeyPem(String)}: one RSA, EC (P-256, P-384, P-521) or Ed25519 public
 *       key in PEM ({@code -----BEGIN PUBLIC KEY-----}).
 *   <li>{@link Builder#hmacSecret(byte[])}: a shared secret of at least 256 bits.
 * </ul>
 *
 * Header parameters that name or carry keys ({@code jku}, {@code x5u}, {@code jwk}, {@code x5c})
 * are never followed or used.
 *
 * <h2>Lifetime and the revocation store</h2>
 *
 * A subject-wide revocation ("logout everywhere") is kept for the store's {@link
 * RevocationOptions#maxTokenLifetime()} and a token is accepted until {@code exp} plus the {@link
 * #leeway()}. For the marker to outlive every token it covers, set the store's maximum token
 * lifetime to at least this {@link #maxTokenLifetime()} plus the leeway.
 */
public final class JwtVerifierOptions {
  /** Default clock leeway for {@code exp}, {@code nbf} and {@code iat}: 60 seconds. */
  public static final Duration DEFAULT_LEEWAY = Duration.ofSeconds(60);

  /** The largest leeway accepted: 10 minutes. */
  public static final Duration MAX_LEEWAY = Duration.ofMinutes(10);

  /**
   * Default maximum token lifetime, bounding both {@code exp - iat} and {@code exp - now}: 24
   * hours. {@link RevocationOptions#DEFAULT_MAX_TOKEN_LIFETIME} is this plus {@link #MAX_LEEWAY},
   * so a store with default options keeps markers long enough for a verifier with these.
   */
  public static final Duration DEFAULT_MAX_TOKEN_LIFETIME = Duration.ofHours(24);

  /** The longest maximum token lifetime accepted: 366 days. */
  public static final Duration MAX_TOKEN_LIFETIME_LIMIT =
      RevocationOptions.MAX_TOKEN_LIFETIME_LIMIT;

  /** Default maximum length of a token, in characters: {@value} (16 KiB). */
  public static final int DEFAULT_MAX_TOKEN_LENGTH = 16 * 1024;

  /** Default time a fetched JWK Set is used before it is fetched again: 5 minutes. */
  public static final Duration DEFAULT_JWKS_CACHE_TIME_TO_LIVE = Duration.ofMinutes(5);

  /**
   * Default interval in which at most two JWK Set fetches happen, however many tokens name an
   * unknown key: 30 seconds.
   */
  public static final Duration DEFAULT_JWKS_MIN_REFETCH_INTERVAL = Duration.ofSeconds(30);

  /** The algorithms a verifier can be configured with (JWA names, case-sensitive). */
  public static final Set<String> SUPPORTED_ALGORITHMS =
      Set.of(
          "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
          "ES384", "ES512", "EdDSA", "Ed25519");

  private final Set<String> allowedAlgorithms;
  private final Set<String> issuers;
  private final Set<String> audiences;
  private final String requiredType;
  private final Set<String> requiredClaims;
  private final Duration leeway;
  private final Duration maxTokenLifetime;
  private final int maxTokenLength;
  private final Clock clock;
  private final RevocationStore revocationStore;
  private final URI jwksUrl;
  private final Duration jwksCacheTimeToLive;
  private final Duration jwksMinRefetchInterval;
  private final JWKSet fixedKeys;

  private JwtVerifierOptions(Builder b, JWKSet fixedKeys) {
    this.allowedAlgorithms = Set.copyOf(b.allowedAlgorithms);
    this.issuers = Set.copyOf(b.issuers);
    this.audiences = Set.copyOf(b.audiences);
    this.requiredType = b.requiredType;
    this.requiredClaims = Set.copyOf(b.requiredClaims);
    this.leeway = b.leeway;
    this.maxTokenLifetime = b.maxTokenLifetime;
    this.maxTokenLength = b.maxTokenLength;
    this.clock = b.clock;
    this.revocationStore = b.revocationStore;
    this.jwksUrl = b.jwksUrl;
    this.jwksCacheTimeToLive = b.jwksCacheTimeToLive;
    this.jwksMinRefetchInterval = b.jwksMinRefetchInterval;
    this.fixedKeys = fixedKeys;
  }

  /**
   * @return a new builder; algorithms, issuers, audiences and a key source have no default
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * @return the JWA names of the algorithms a token may use
   */
  public Set<String> allowedAlgorithms() {
    return allowedAlgorithms;
  }

  /**
   * @return the accepted {@code iss} values
   */
  public Set<String> issuers() {
    return issuers;
  }

  /**
   * @return the accepted {@code aud} values; a token must carry at least one of them
   */
  public Set<String> audiences() {
    return audiences;
  }

  /**
   * @return the {@code typ} header a token must carry, if one is required
   */
  public Optional<String> requiredType() {
    return Optional.ofNullable(requiredType);
  }

  /**
   * @return claims a token must carry besides {@code exp}, {@code iss} and {@code aud} (and {@code
   *     jti} and {@code iat} when a revocation store is set)
   */
  public Set<String> requiredClaims() {
    return requiredClaims;
  }

  /**
   * @return clock skew tolerated for {@code exp}, {@code nbf} and {@code iat}
   */
  public Duration leeway() {
    return leeway;
  }

  /**
   * @return the bound on {@code exp - iat} and on {@code exp - now}
   */
  public Duration maxTokenLifetime() {
    return maxTokenLifetime;
  }

  /**
   * @return the longest token looked at, in characters
   */
  public int maxTokenLength() {
    return maxTokenLength;
  }

  /**
   * @return the clock every time-based decision on claims reads, and the JWK Set cache and rate
   *     limit of a JWKS URL
   */
  public Clock clock() {
    return clock;
  }

  /**
   * @return the revocation list consulted after a token verified, if one is set
   */
  public Optional<RevocationStore> revocationStore() {
    return Optional.ofNullable(revocationStore);
  }

  /**
   * @return the JWK Set URL, if that is the key source
   */
  public Optional<URI> jwksUrl() {
    return Optional.ofNullable(jwksUrl);
  }

  /**
   * @return how long a fetched JWK Set is used (JWKS URL only)
   */
  public Duration jwksCacheTimeToLive() {
    return jwksCacheTimeToLive;
  }

  /**
   * @return the interval with at most two JWK Set fetches (JWKS URL only)
   */
  public Duration jwksMinRefetchInterval() {
    return jwksMinRefetchInterval;
  }

  /** The keys of a file, PEM or secret source; null for a JWKS URL. */
  JWKSet fixedKeys() {
    return fixedKeys;
  }

  /** Collects settings for {@link JwtVerifierOptions}; not thread-safe. */
  public static final class Builder {
    private final Set<String> allowedAlgorithms = new LinkedHashSet<>();
    private final Set<String> issuers = new LinkedHashSet<>();
    private final Set<String> audiences = new LinkedHashSet<>();
    private final Set<String> requiredClaims = new LinkedHashSet<>();
    private String requiredType;
    private Duration leeway = DEFAULT_LEEWAY;
    private Duration maxTokenLifetime = DEFAULT_MAX_TOKEN_LIFETIME;
    private int maxTokenLength = DEFAULT_MAX_TOKEN_LENGTH;
    private Clock clock = Clock.systemUTC();
    private RevocationStore revocationStore;
    private URI jwksUrl;
    private Path jwksFile;
    private String publicKeyPem;
    private byte[] hmacSecret;
    private Duration jwksCacheTimeToLive = DEFAULT_JWKS_CACHE_TIME_TO_LIVE;
    private Duration jwksMinRefetchInterval = DEFAULT_JWKS_MIN_REFETCH_INTERVAL;

    private Builder() {}

    /**
     * Key source: a JWK Set over HTTPS, cached and fetched again on demand (see the class
     * description). Plain {@code http} is accepted only to a loopback host ({@code localhost},
     * {@code 127.0.0.0/8}, {@code ::1}): anywhere else an on-path attacker could replace the key
     * set. The allowed algorithms must not include {@code HS256}, {@code HS384} or {@code HS512}.
     *
     * @param url an {@code https} URL, or an {@code http} URL to a loopback host
     * @return this builder
     */
    public Builder jwksUrl(URI url) {
      this.jwksUrl = url;
      return this;
    }

    /**
     * Key source: a JWK Set (RFC 7517) in a file, read at {@link #build()}. Private key members in
     * the file are ignored; only public keys and symmetric keys are used.
     *
     * @param file a JSON file with a {@code keys} array
     * @return this builder
     */
    public Builder jwksFile(Path file) {
      this.jwksFile = file;
      return this;
    }

    /**
     * Key source: one public key, RSA (at least 2048 bits), EC (P-256, P-384, P-521) or Ed25519, as
     * PEM-encoded SubjectPublicKeyInfo ({@code -----BEGIN PUBLIC KEY-----}). Tokens may carry any
     * {@code kid} or none.
     *
     * @param pem the PEM text
     * @return this builder
     */
    public Builder publicKeyPem(String pem) {
      this.publicKeyPem = pem;
      return this;
    }

    /**
     * Key source: an HMAC secret shared with the issuer, at least 256 bits (and at least as long as
     * the hash of every allowed {@code HS} algorithm, RFC 7518 §3.2). The array is copied.
     *
     * @param secret the secret bytes
     * @return this builder
     */
    public Builder hmacSecret(byte[] secret) {
      this.hmacSecret = secret == null ? null : secret.clone();
      return this;
    }

    /**
     * @param algorithms JWA names from {@link #SUPPORTED_ALGORITHMS}, added to those already set;
     *     {@code none} in any spelling is refused at {@link #build()}
     * @return this builder
     */
    public Builder allowedAlgorithms(String... algorithms) {
      return allowedAlgorithms(Arrays.asList(algorithms));
    }

    /**
     * @param algorithms JWA names, added to those already set
     * @return this builder
     */
    public Builder allowedAlgorithms(Collection<String> algorithms) {
      this.allowedAlgorithms.addAll(algorithms);
      return this;
    }

    /**
     * @param issuers accepted {@code iss} values (exact, case-sensitive), added to those set
     * @return this builder
     */
    public Builder issuers(String... issuers) {
      this.issuers.addAll(Arrays.asList(issuers));
      return this;
    }

    /**
     * @param audiences accepted {@code aud} values (exact, case-sensitive), added to those set
     * @return this builder
     */
    public Builder audiences(String... audiences) {
      this.audiences.addAll(Arrays.asList(audiences));
      return this;
    }

    /**
     * Requires explicit typing (RFC 8725 §3.11), e.g. {@code at+jwt} for OAuth access tokens (RFC
     * 9068). Compared case-insensitively, with or without the {@code application/} prefix.
     *
     * @param type the media type, or null to accept any {@code typ} or none (the default)
     * @return this builder
     */
    public Builder requiredType(String type) {
      this.requiredType = type;
      return this;
    }

    /**
     * @param claims claim names a token must carry (e.g. {@code sub}, {@code client_id}), added to
     *     those set
     * @return this builder
     */
    public Builder requiredClaims(String... claims) {
      this.requiredClaims.addAll(Arrays.asList(claims));
      return this;
    }

    /**
     * @param leeway clock skew tolerated, 0 to {@link #MAX_LEEWAY}; default {@link #DEFAULT_LEEWAY}
     * @return this builder
     */
    public Builder leeway(Duration leeway) {
      this.leeway = leeway;
      return this;
    }

    /**
     * @param lifetime positive, at most {@link #MAX_TOKEN_LIFETIME_LIMIT}; default {@link
     *     #DEFAULT_MAX_TOKEN_LIFETIME}
     * @return this builder
     */
    public Builder maxTokenLifetime(Duration lifetime) {
      this.maxTokenLifetime = lifetime;
      return this;
    }

    /**
     * @param chars at least 64; default {@link #DEFAULT_MAX_TOKEN_LENGTH}
     * @return this builder
     */
    public Builder maxTokenLength(int chars) {
      this.maxTokenLength = chars;
      return this;
    }

    /**
     * @param clock the clock for {@code exp}, {@code nbf}, {@code iat} and lifetime checks, and for
     *     the JWK Set cache and rate limit of a JWKS URL; default {@link Clock#systemUTC()}
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * @param store the revocation list to consult, or null to check signature and claims only (the
     *     default); with a store, {@code jti} and {@code iat} are required
     * @return this builder
     */
    public Builder revocationStore(RevocationStore store) {
      this.revocationStore = store;
      return this;
    }

    /**
     * @param ttl at least one minute; default {@link #DEFAULT_JWKS_CACHE_TIME_TO_LIVE}
     * @return this builder
     */
    public Builder jwksCacheTimeToLive(Duration ttl) {
      this.jwksCacheTimeToLive = ttl;
      return this;
    }

    /**
     * @param interval at least one second and less than the cache time-to-live; default {@link
     *     #DEFAULT_JWKS_MIN_REFETCH_INTERVAL}
     * @return this builder
     */
    public Builder jwksMinRefetchInterval(Duration interval) {
      this.jwksMinRefetchInterval = interval;
      return this;
    }

    /**
     * @return the options
     * @throws IllegalArgumentException naming the first setting that is missing, out of range or
     *     inconsistent (no key source or two, {@code none} or an unknown algorithm, an algorithm
     *     that no configured key fits, a short secret, an unreadable key, a JWKS URL over plain
     *     {@code http} to a host that is not loopback, {@code HS*} with a JWKS URL), with its value
     * @throws NullPointerException if the clock is null
     */
    public JwtVerifierOptions build() {
      Objects.requireNonNull(clock, "clock must not be null");
      checkAlgorithms();
      requireNonEmpty("issuers", issuers);
      requireNonEmpty("audiences", audiences);
      for (String claim : requiredClaims) {
        if (claim == null || claim.isEmpty()) {
          throw new IllegalArgumentException(
              "requiredClaims must not hold an empty name: " + claim);
        }
      }
      if (requiredType != null && requiredType.isBlank()) {
        throw new IllegalArgumentException(
            "requiredType must not be blank: '" + requiredType + "'");
      }
      Objects.requireNonNull(leeway, "leeway must not be null");
      if (leeway.isNegative() || leeway.compareTo(MAX_LEEWAY) > 0) {
        throw new IllegalArgumentException(
            "leeway must be between 0 and " + MAX_LEEWAY + ": " + leeway);
      }
      Objects.requireNonNull(maxTokenLifetime, "maxTokenLifetime must not be null");
      if (maxTokenLifetime.isNegative()
          || maxTokenLifetime.isZero()
          || maxTokenLifetime.compareTo(MAX_TOKEN_LIFETIME_LIMIT) > 0) {
        throw new IllegalArgumentException(
            "maxTokenLifetime must be positive and at most "
                + MAX_TOKEN_LIFETIME_LIMIT
                + ": "
                + maxTokenLifetime);
      }
      if (maxTokenLength < 64) {
        throw new IllegalArgumentException("maxTokenLength must be at least 64: " + maxTokenLength);
      }
      Objects.requireNonNull(jwksCacheTimeToLive, "jwksCacheTimeToLive must not be null");
      Objects.requireNonNull(jwksMinRefetchInterval, "jwksMinRefetchInterval must not be null");
      if (jwksCacheTimeToLive.compareTo(Duration.ofMinutes(1)) < 0) {
        throw new IllegalArgumentException(
            "jwksCacheTimeToLive must be at least 1 minute: " + jwksCacheTimeToLive);
      }
      if (jwksMinRefetchInterval.compareTo(Duration.ofSeconds(1)) < 0
          || jwksMinRefetchInterval.compareTo(jwksCacheTimeToLive) >= 0) {
        throw new IllegalArgumentException(
            "jwksMinRefetchInterval must be at least 1 second and less than jwksCacheTimeToLive ("
                + jwksCacheTimeToLive
                + "): "
                + jwksMinRefetchInterval);
      }
      return new JwtVerifierOptions(this, loadFixedKeys());
    }

    private void checkAlgorithms() {
      if (allowedAlgorithms.isEmpty()) {
        throw new IllegalArgumentException("allowedAlgorithms must not be empty");
      }
      for (String alg : allowedAlgorithms) {
        if (alg != null && alg.toLowerCase(Locale.ROOT).equals("none")) {
          throw new IllegalArgumentException("alg none is never allowed: " + alg);
        }
        if (!SUPPORTED_ALGORITHMS.contains(alg)) {
          throw new IllegalArgumentException(
              "unsupported algorithm: " + alg + " (supported: " + SUPPORTED_ALGORITHMS + ")");
        }
      }
    }

    private static void requireNonEmpty(String name, Set<String> values) {
      if (values.isEmpty()) {
        throw new IllegalArgumentException(name + " must not be empty");
      }
      for (String value : values) {
        if (value == null || value.isEmpty()) {
          throw new IllegalArgumentException(name + " must not hold an empty value: " + value);
        }
      }
    }

    private JWKSet loadFixedKeys() {
      List<String> sources = new ArrayList<>();
      if (jwksUrl != null) {
        sources.add("jwksUrl");
      }
      if (jwksFile != null) {
        sources.add("jwksFile");
      }
      if (publicKeyPem != null) {
        sources.add("publicKeyPem");
      }
      if (hmacSecret != null) {
        sources.add("hmacSecret");
      }
      if (sources.size() != 1) {
        throw new IllegalArgumentException(
            "exactly one key source (jwksUrl, jwksFile, publicKeyPem, hmacSecret) must be set: "
                + sources);
      }
      if (jwksUrl != null) {
        String scheme = jwksUrl.getScheme();
        if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme)) {
          throw new IllegalArgumentException(
              "jwksUrl must be http or https: " + withoutCredentials(jwksUrl));
        }
        if ("http".equalsIgnoreCase(scheme) && !isLoopback(jwksUrl.getHost())) {
          throw new IllegalArgumentException(
              "jwksUrl must be https unless its host is loopback (localhost, 127.0.0.0/8, ::1): "
                  + withoutCredentials(jwksUrl));
        }
        for (String alg : allowedAlgorithms) {
          if (alg.startsWith("HS")) {
            throw new IllegalArgumentException(
                "allowedAlgorithms must not include HMAC algorithms with a jwksUrl (a symmetric key"
                    + " in a published JWK Set would be an HMAC secret): "
                    + alg);
          }
        }
        return null;
      }
      JWKSet keys;
      if (jwksFile != null) {
        try {
          keys = PublicKeys.verificationKeys(JWKSet.load(jwksFile.toFile()));
        } catch (IOException | ParseException e) {
          throw new IllegalArgumentException(
              "jwksFile cannot be read as a JWK Set: " + jwksFile, e);
        }
        if (keys.isEmpty()) {
          throw new IllegalArgumentException("jwksFile holds no key: " + jwksFile);
        }
      } else if (publicKeyPem != null) {
        keys = new JWKSet(PublicKeys.fromPem(publicKeyPem));
      } else {
        if (hmacSecret.length < 32) {
          throw new IllegalArgumentException(
              "hmacSecret must be at least 256 bits: " + hmacSecret.length * 8 + " bits");
        }
        keys = new JWKSet(new OctetSequenceKey.Builder(hmacSecret).build());
      }
      for (String alg : allowedAlgorithms) {
        if (keys.getKeys().stream().noneMatch(key -> PublicKeys.fits(key, alg))) {
          throw new IllegalArgumentException(
              "no configured key fits allowed algorithm " + alg + ": " + describe(keys));
        }
      }
      return keys;
    }

    /**
     * Whether a URL host names this machine, by its text alone: {@code localhost}, an IPv4 literal
     * in {@code 127.0.0.0/8} or an IPv6 literal for {@code ::1}. No name is resolved: one that
     * resolves to loopback today may not tomorrow, and resolving would block {@code build()}.
     */
    static boolean isLoopback(String host) {
      if (host == null) {
        return false;
      }
      String h = host.toLowerCase(Locale.ROOT);
      if (h.equals("localhost") || h.equals("localhost.")) {
        return true;
      }
      boolean literal =
          (h.startsWith("[") && h.endsWith("]")) || h.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
      if (!literal) {
        return false;
      }
      try {
        return InetAddress.getByName(h).isLoopbackAddress(); // a literal is parsed, not looked up
      } catch (UnknownHostException e) {
        return false; // not a valid literal after all (an octet above 255)
      }
    }

    private static String describe(JWKSet keys) {
      List<String> kinds = new ArrayList<>();
      for (JWK key : keys.getKeys()) {
        kinds.add(PublicKeys.describe(key));
      }
      return kinds.toString();
    }
  }

  /**
   * A JWK Set URL as logs and messages may show it: scheme, host, port and path. The user info and
   * the query, which may carry a credential ({@code https://user:token@idp/jwks}, {@code
   * ?key=...}), are left out.
   */
  public static String withoutCredentials(URI url) {
    if (url == null) {
      return "null";
    }
    if (url.getHost() == null) {
      // No server-based authority: either none at all (file:///...), shown as it is, or one Java
      // could not split into user info and host, which may hold a password: hidden.
      if (url.isOpaque()) {
        return url.getScheme() + ":…";
      }
      return url.getScheme()
          + "://"
          + (url.getRawAuthority() == null ? "" : "…")
          + (url.getRawPath() == null ? "" : url.getRawPath());
    }
    return url.getScheme()
        + "://"
        + url.getHost()
        + (url.getPort() < 0 ? "" : ":" + url.getPort())
        + (url.getRawPath() == null ? "" : url.getRawPath())
        + (url.getRawQuery() == null ? "" : "?…");
  }
}
