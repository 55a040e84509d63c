package io.authstore.server;

import io.authstore.jwt.JwtVerifier;
import io.authstore.jwt.JwtVerifierOptions;
import io.authstore.revocation.RevocationStore;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How the server verifies JWTs on {@code /oauth2/revoke}, {@code /oauth2/introspect} and {@code
 * /auth/tokens/revoke}: the settings of a {@link JwtVerifierOptions} less the revocation store and
 * the clock, which the server supplies when it creates its {@link JwtVerifier} (the store is the
 * one it opened, the clock {@link ServerConfig#clock()}). Without these settings the routes answer
 * 501.
 *
 * <pre>{@code
 * JwtSettings jwt = JwtSettings.builder()
 *     .jwksUrl(URI.create("https://issuer.example/.well-known/jwks.json"))
 *     .allowedAlgorithms("RS256")
 *     .issuers("https://issuer.example")
 *     .audiences("https://api.example")
 *     .build();
 * ServerConfig config = ServerConfig.builder().jwt(jwt).build();
 * }</pre>
 *
 * <p>Immutable and thread-safe. {@link #toString()} never shows the HMAC secret.
 */
public final class JwtSettings {
  private final URI jwksUrl;
  private final Path jwksFile;
  private final String publicKeyPem;
  private final byte[] hmacSecret;
  private final List<String> allowedAlgorithms;
  private final List<String> issuers;
  private final List<String> audiences;
  private final String requiredType;
  private final Duration leeway;
  private final Duration maxTokenLifetime;

  private JwtSettings(Builder b) {
    this.jwksUrl = b.jwksUrl;
    this.jwksFile = b.jwksFile;
    this.publicKeyPem = b.publicKeyPem;
    this.hmacSecret = b.hmacSecret == null ? null : b.hmacSecret.clone();
    this.allowedAlgorithms = List.copyOf(b.allowedAlgorithms);
    this.issuers = List.copyOf(b.issuers);
    this.audiences = List.copyOf(b.audiences);
    this.requiredType = b.requiredType;
    this.leeway = b.leeway;
    this.maxTokenLifetime = b.maxTokenLifetime;
  }

  /**
   * @return a builder; a key source, algorithms, issuers and audiences have no default, leeway and
   *     maximum token lifetime default to {@link JwtVerifierOptions#DEFAULT_LEEWAY} and {@link
   *     JwtVerifierOptions#DEFAULT_MAX_TOKEN_LIFETIME}
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * @return the JWA names of the algorithms a token may use
   */
  public List<String> allowedAlgorithms() {
    return allowedAlgorithms;
  }

  /**
   * @return the accepted {@code iss} values
   */
  public List<String> issuers() {
    return issuers;
  }

  /**
   * @return the accepted {@code aud} values
   */
  public List<String> audiences() {
    return audiences;
  }

  /**
   * @return the clock skew tolerated for {@code exp}, {@code nbf} and {@code iat}
   */
  public Duration leeway() {
    return leeway;
  }

  /**
   * @return the bound on {@code exp - iat} and {@code exp - now}
   */
  public Duration maxTokenLifetime() {
    return maxTokenLifetime;
  }

  /**
   * The verifier options these settings describe, with the server's store and clock. Reads a JWKS
   * file or checks a PEM key again, as {@link JwtVerifierOptions.Builder#build()} does.
   *
   * @param store the revocation list the verifier checks and {@link JwtVerifier#revoke} writes to;
   *     null for none
   * @param clock the clock of every time-based decision on claims
   * @throws IllegalArgumentException if the options are invalid (say, the JWKS file changed)
   */
  JwtVerifierOptions toOptions(RevocationStore store, Clock clock) {
    JwtVerifierOptions.Builder b =
        JwtVerifierOptions.builder()
            .allowedAlgorithms(allowedAlgorithms)
            .issuers(issuers.toArray(String[]::new))
            .audiences(audiences.toArray(String[]::new))
            .requiredType(requiredType)
            .leeway(leeway)
            .maxTokenLifetime(maxTokenLifetime)
            .clock(clock)
            .revocationStore(store);
    if (jwksUrl != null) {
      b.jwksUrl(jwksUrl);
    }
    if (jwksFile != null) {
      b.jwksFile(jwksFile);
    }
    if (publicKeyPem != null) {
      b.publicKeyPem(publicKeyPem);
    }
    if (hmacSecret != null) {
      b.hmacSecret(hmacSecret);
    }
    return b.build();
  }

  /** A line for the start log: the algorithms and issuers, never a key. */
  String describe() {
    String source =
        jwksUrl != null
            ? "JWKS " + JwtVerifierOptions.withoutCredentials(jwksUrl)
            : jwksFile != null
                ? "JWKS file " + jwksFile
                : publicKeyPem != null ? "PEM key" : "HMAC";
    return String.join(",", allowedAlgorithms) + " (" + source + ") for issuers " + issuers;
  }

  @Override
  public String toString() {
    return "JwtSettings[" + describe() + ", audiences " + audiences + "]";
  }

  /** Collects JWT settings; {@link #build()} validates them. Not thread-safe. */
  public static final class Builder {
    private URI jwksUrl;
    private Path jwksFile;
    private String publicKeyPem;
    private byte[] hmacSecret;
    private final Set<String> allowedAlgorithms = new LinkedHashSet<>();
    private final Set<String> issuers = new LinkedHashSet<>();
    private final Set<String> audiences = new LinkedHashSet<>();
    private String requiredType;
    private Duration leeway = JwtVerifierOptions.DEFAULT_LEEWAY;
    private Duration maxTokenLifetime = JwtVerifierOptions.DEFAULT_MAX_TOKEN_LIFETIME;

    private Builder() {}

    /**
     * Key source: a JWK Set over HTTP(S); see {@link JwtVerifierOptions.Builder#jwksUrl(URI)}.
     *
     * @param url an {@code http} or {@code https} URL
     * @return this builder
     */
    public Builder jwksUrl(URI url) {
      this.jwksUrl = url;
      return this;
    }

    /**
     * Key source: a JWK Set file; see {@link JwtVerifierOptions.Builder#jwksFile(Path)}.
     *
     * @param file a JSON file with a {@code keys} array
     * @return this builder
     */
    public Builder jwksFile(Path file) {
      this.jwksFile = file;
      return this;
    }

    /**
     * Key source: one PEM public key; see {@link JwtVerifierOptions.Builder#publicKeyPem(String)}.
     *
     * @param pem the PEM text
     * @return this builder
     */
    public Builder publicKeyPem(String pem) {
      this.publicKeyPem = pem;
      return this;
    }

    /**
     * Key source: an HMAC secret of at least 256 bits; the array is copied.
     *
     * @param secret the secret bytes
     * @return this builder
     */
    public Builder hmacSecret(byte[] secret) {
      this.hmacSecret = secret == null ? null : secret.clone();
      return this;
    }

    /**
     * @param algorithms JWA names, added to those already set
     * @return this builder
     */
    public Builder allowedAlgorithms(String... algorithms) {
      this.allowedAlgorithms.addAll(Arrays.asList(algorithms));
      return this;
    }

    /**
     * @param issuers accepted {@code iss} values, added to those already set
     * @return this builder
     */
    public Builder issuers(String... issuers) {
      this.issuers.addAll(Arrays.asList(issuers));
      return this;
    }

    /**
     * @param audiences accepted {@code aud} values, added to those already set
     * @return this builder
     */
    public Builder audiences(String... audiences) {
      this.audiences.addAll(Arrays.asList(audiences));
      return this;
    }

    /**
     * @param type the {@code typ} a token must carry (e.g. {@code at+jwt}), or null for any
     * @return this builder
     */
    public Builder requiredType(String type) {
      this.requiredType = type;
      return this;
    }

    /**
     * @param leeway clock skew tolerated, 0 to {@link JwtVerifierOptions#MAX_LEEWAY}
     * @return this builder
     */
    public Builder leeway(Duration leeway) {
      this.leeway = Objects.requireNonNull(leeway, "leeway");
      return this;
    }

    /**
     * @param lifetime positive, at most {@link JwtVerifierOptions#MAX_TOKEN_LIFETIME_LIMIT}
     * @return this builder
     */
    public Builder maxTokenLifetime(Duration lifetime) {
      this.maxTokenLifetime = Objects.requireNonNull(lifetime, "maxTokenLifetime");
      return this;
    }

    /**
     * Validates by building the verifier options once (without a store), so a bad key or setting
     * fails here and not at server start.
     *
     * @return the settings
     * @throws IllegalArgumentException as {@link JwtVerifierOptions.Builder#build()}, naming the
     *     setting
     */
    public JwtSettings build() {
      JwtSettings settings = new JwtSettings(this);
      settings.toOptions(null, Clock.systemUTC());
      return settings;
    }
  }
}
