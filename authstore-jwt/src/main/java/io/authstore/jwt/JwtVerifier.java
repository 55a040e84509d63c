package io.authstore.jwt;

import com.nimbusds.jose.Header;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetBasedJWKSource;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import io.authstore.StoreUnavailableException;
import io.authstore.revocation.RevocationStore;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Collectors;

/**
 * Verifies signed JWTs after RFC 8725 and, when {@link JwtVerifierOptions#revocationStore()} is
 * set, checks the revocation list in the same call.
 *
 * <pre>{@code
 * JwtVerifier verifier = JwtVerifier.create(JwtVerifierOptions.builder()
 *     .jwksUrl(URI.create("https://issuer.example/.well-known/jwks.json"))
 *     .allowedAlgorithms("RS256")
 *     .issuers("https://issuer.example")
 *     .audiences("https://api.example")
 *     .revocationStore(store)
 *     .build());
 * Verification v = verifier.verify(token);
 * if (v.isVerified()) { String subject = v.jwt().subject().orElseThrow(); }
 * }</pre>
 *
 * <h2>What {@link #verify} checks, in this order</h2>
 *
 * <ol>
 *   <li>Length, before anything is parsed ({@link Rejection#TOO_LARGE}).
 *   <li>A JWS in compact form: three parts, a JSON header without {@code crit} ({@link
 *       Rejection#MALFORMED}); JWE and unsecured JWTs are not accepted.
 *   <li>{@code alg} is one of the allowed algorithms, compared exactly: {@code none} in any
 *       spelling never is ({@link Rejection#ALGORITHM_NOT_ALLOWED}).
 *   <li>The signature, with the configured keys that fit {@code kid} and {@code alg} ({@link
 *       Rejection#UNKNOWN_KEY}, {@link Rejection#BAD_SIGNATURE}). A key must fit the algorithm's
 *       family (an RSA key never verifies an HMAC, so a public key cannot be used as a secret), and
 *       {@code jku}, {@code x5u}, {@code jwk} and {@code x5c} headers are ignored.
 *   <li>{@code typ}, if one is required ({@link Rejection#WRONG_TYPE}).
 *   <li>Claims, on {@link JwtVerifierOptions#clock()}: JSON types and ranges, presence of {@code
 *       exp}, {@code iss}, {@code aud} (and {@code jti} and {@code iat} with a revocation store),
 *       issuer, audience, {@code exp} and {@code nbf} with the leeway, {@code iat} not in the
 *       future, lifetime.
 *   <li>The revocation list: the token's issuer and {@code jti} ({@link Rejection#REVOKED}), then
 *       its subject's "logout everywhere" against {@code iat} ({@link Rejection#SUBJECT_REVOKED}).
 * </ol>
 *
 * A {@link StoreUnavailableException} from the revocation store, or when the JWK Set cannot be
 * fetched, propagates: it is not the token's fault, and callers answer "try later" (HTTP 503), not
 * "invalid token". With a JWKS URL, once the cached set has expired and the URL cannot be reached,
 * every token that needs a key fails this way until a fetch succeeds: a token is {@link
 * Rejection#UNKNOWN_KEY} only when its {@code kid} is missing from a set that is still within its
 * time-to-live (or was just fetched). The exception's message and causes show the URL without its
 * user info and query, which may carry a credential.
 *
 * <h2>Revoking by token</h2>
 *
 * {@link #revoke} (for RFC 7009 {@code /oauth2/revoke}) verifies a token as {@link
 * #verifyForRevocation} does and revokes its {@code jti} until {@code exp} plus the leeway: a token
 * is accepted up to the leeway after its {@code exp}, so an entry kept only until {@code exp} would
 * let a revoked token through for that long. Whoever revokes by {@code jti} directly on the store
 * should add the leeway the same way.
 *
 * <p>Thread-safe; one instance serves every request. A verifier holds no thread: a JWK Set is
 * fetched in the calling thread, when a token needs it.
 */
public final class JwtVerifier implements AutoCloseable {
  /** Latest instant a JWT numeric date may name: 9999-12-31T23:59:59Z. */
  static final long MAX_EPOCH_SECONDS = 253_402_300_799L;

  /** Bound on cached per-key signature checks; a JWK Set rarely holds more than a handful. */
  private static final int MAX_CACHED_CHECKS = 64;

  private final JwtVerifierOptions options;
  private final Set<JWSAlgorithm> allowed;

  /** Cached, rate-limited and retried fetches from the JWKS URL; null for fixed keys. */
  private final JWKSetSource<SecurityContext> remoteKeys;

  /** The keys of a file, PEM or secret source; null for a JWKS URL. */
  private final JWKSet fixedKeys;

  private final JWKSet singleKey;
  private final URI jwksUrl;
  private final RevocationStore store;
  private final Clock clock;
  private final Duration leeway;
  private final Duration maxLifetime;
  private final String requiredType;
  private final ConcurrentMap<JWK, SignatureCheck> checks = new ConcurrentHashMap<>();

  private JwtVerifier(JwtVerifierOptions options) {
    this.options = options;
    this.allowed =
        options.allowedAlgorithms().stream().map(JWSAlgorithm::parse).collect(Collectors.toSet());
    this.jwksUrl = options.jwksUrl().orElse(null);
    JWKSet fixed = options.fixedKeys();
    if (jwksUrl != null) {
      this.remoteKeys = remoteKeys(options);
      this.fixedKeys = null;
      this.singleKey = null;
    } else {
      this.remoteKeys = null;
      this.fixedKeys = fixed;
      // A single PEM key or secret has no kid to match: tokens may name any kid.
      boolean single = fixed.size() == 1 && fixed.getKeys().get(0).getKeyID() == null;
      this.singleKey = single ? fixed : null;
    }
    this.store = options.revocationStore().orElse(null);
    this.clock = options.clock();
    this.leeway = options.leeway();
    this.maxLifetime = options.maxTokenLifetime();
    this.requiredType = options.requiredType().map(JwtVerifier::normalizeType).orElse(null);
  }

  /**
   * @param options keys, algorithms, issuers, audiences, limits, clock and revocation store
   * @return a verifier; a JWKS URL is not contacted until the first token needs a key
   * @throws NullPointerException if options is null
   */
  public static JwtVerifier create(JwtVerifierOptions options) {
    return new JwtVerifier(Objects.requireNonNull(options, "options"));
  }

  /**
   * Nimbus's cache, rate limiter and retry around the URL, without its {@code JWKSource} on top:
   * {@link #selectKeys} needs to know which of its two lookups was refused. No refresh-ahead: it
   * would add an executor per verifier and background fetches that spend the rate limit, and it
   * only hides the latency of one fetch per time-to-live.
   */
  private static JWKSetSource<SecurityContext> remoteKeys(JwtVerifierOptions options) {
    try {
      JWKSetBasedJWKSource<SecurityContext> source =
          (JWKSetBasedJWKSource<SecurityContext>)
              JWKSourceBuilder.<SecurityContext>create(options.jwksUrl().orElseThrow().toURL())
                  .cache(
                      options.jwksCacheTimeToLive().toMillis(),
                      JWKSourceBuilder.DEFAULT_CACHE_REFRESH_TIMEOUT)
                  .refreshAheadCache(false)
                  .rateLimited(options.jwksMinRefetchInterval().toMillis())
                  .retrying(true)
                  .build(); // without a failover, always a JWKSetBasedJWKSource
      return source.getJWKSetSource();
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException(
          "jwksUrl is not a URL: "
              + JwtVerifierOptions.withoutCredentials(options.jwksUrl().orElse(null)));
    }
  }

  /**
   * @return the options this verifier was created with
   */
  public JwtVerifierOptions options() {
    return options;
  }

  /**
   * Verifies a token for use: signature, header, claims and, with a store, the revocation list.
   *
   * @param token the compact JWS, without a {@code Bearer} prefix
   * @return the verified claims, or why the token was rejected
   * @throws NullPointerException if token is null
   * @throws StoreUnavailableException if the revocation store cannot answer or the JWK Set cannot
   *     be fetched
   */
  public Verification verify(String token) {
    return check(token, false);
  }

  /**
   * Verifies a token to revoke it: as {@link #verify}, but expired and not-yet-valid tokens and
   * tokens for any audience pass (a token can be revoked by its issuer's revocation endpoint
   * whoever it was meant for), {@code jti} is required, and the revocation list is not consulted
   * (revoking twice is harmless). The signature, type, issuer and lifetime bound still apply.
   *
   * @param token the compact JWS
   * @return the verified claims (issuer, {@code jti} and expiry are always present), or why the
   *     token was rejected
   * @throws NullPointerException if token is null
   * @throws StoreUnavailableException if the JWK Set cannot be fetched
   */
  public Verification verifyForRevocation(String token) {
    return check(token, true);
  }

  /**
   * Verifies a token as {@link #verifyForRevocation} does and, if it verified, revokes its issuer
   * and {@code jti} on the configured store until {@code exp} plus the leeway. An expired token
   * verifies and stores nothing.
   *
   * @param token the compact JWS
   * @return the verified (and now revoked) token, or why it was rejected and nothing was revoked
   * @throws NullPointerException if token is null
   * @throws IllegalStateException if no revocation store is configured
   * @throws StoreUnavailableException if the store or the JWK Set cannot be reached
   */
  public Verification revoke(String token) {
    if (store == null) {
      throw new IllegalStateException("no revocation store is configured");
    }
    Verification verification = verifyForRevocation(token);
    if (verification.isVerified()) {
      VerifiedJwt jwt = verification.jwt();
      try {
        store.revoke(jwt.issuer(), jwt.jti().orElseThrow(), jwt.expiresAt().plus(leeway));
      } catch (IllegalArgumentException e) {
        return Verification.rejected(Rejection.INVALID_CLAIM); // longer than the store accepts
      }
    }
    return verification;
  }

  /**
   * Closes the JWK Set source of a JWKS URL; idempotent. There is no background refresh to stop
   * (the set is fetched on demand, in the calling thread), so a verifier that is never closed leaks
   * nothing; this is kept so that one can be used in try-with-resources.
   */
  @Override
  public void close() {
    if (remoteKeys != null) {
      try {
        remoteKeys.close();
      } catch (IOException e) {
        // nothing was written and nothing is held: the Nimbus sources close nothing
      }
    }
  }

  private Verification check(String token, boolean forRevocation) {
    Objects.requireNonNull(token, "token");
    if (token.length() > options.maxTokenLength()) {
      return Verification.rejected(Rejection.TOO_LARGE);
    }
    int dot1 = token.indexOf('.');
    int dot2 = dot1 < 0 ? -1 : token.indexOf('.', dot1 + 1);
    if (dot1 <= 0 || dot2 < 0 || token.indexOf('.', dot2 + 1) >= 0) {
      return Verification.rejected(Rejection.MALFORMED);
    }
    Base64URL headerPart = new Base64URL(token.substring(0, dot1));
    Header header;
    try {
      header = Header.parse(headerPart);
    } catch (ParseException e) {
      return Verification.rejected(Rejection.MALFORMED);
    }
    // An unsecured ("none") header parses as a PlainHeader, a JWE header as a JWEHeader, and any
    // other spelling of none as a JWSHeader with an unknown algorithm: all end here.
    if (!(header instanceof JWSHeader jws) || !allowed.contains(jws.getAlgorithm())) {
      return Verification.rejected(Rejection.ALGORITHM_NOT_ALLOWED);
    }
    if (jws.getCriticalParams() != null && !jws.getCriticalParams().isEmpty()) {
      return Verification.rejected(Rejection.MALFORMED); // RFC 7515 §4.1.11: no extension known
    }
    SignedJWT jwt;
    try {
      jwt =
          new SignedJWT(
              headerPart,
              new Base64URL(token.substring(dot1 + 1, dot2)),
              new Base64URL(token.substring(dot2 + 1)));
    } catch (ParseException e) {
      return Verification.rejected(Rejection.MALFORMED);
    }
    Rejection signature = verifySignature(jwt, jws);
    if (signature != null) {
      return Verification.rejected(signature);
    }
    if (requiredType != null
        && (jws.getType() == null || !requiredType.equals(normalizeType(jws.getType())))) {
      return Verification.rejected(Rejection.WRONG_TYPE);
    }
    Map<String, Object> json = jwt.getPayload().toJSONObject();
    if (json == null) {
      return Verification.rejected(Rejection.MALFORMED);
    }
    return checkClaims(json, forRevocation);
  }

  private Rejection verifySignature(SignedJWT jwt, JWSHeader header) {
    List<JWK> candidates = new ArrayList<>();
    for (JWK key : selectKeys(header)) {
      if (PublicKeys.fits(key, header.getAlgorithm().getName())) {
        candidates.add(key);
      }
    }
    if (candidates.isEmpty()) {
      return Rejection.UNKNOWN_KEY;
    }
    for (JWK key : candidates) {
      try {
        if (checkFor(key).verify(jwt)) {
          return null;
        }
      } catch (JOSEException e) {
        // this key cannot verify this token (say, a JWKS key of an unusable size): try the next
      }
    }
    return Rejection.BAD_SIGNATURE;
  }

  private List<JWK> selectKeys(JWSHeader header) {
    if (singleKey != null) {
      return singleKey.getKeys();
    }
    JWKSelector selector = new JWKSelector(JWKMatcher.forJWSHeader(header));
    if (fixedKeys != null) {
      return selector.select(fixedKeys);
    }
    // Nimbus's cache expiry and rate limit run on the time passed in: the options' clock.
    long now = clock.millis();
    JWKSet current;
    try {
      // Only a set within its time-to-live comes back: the cached one, or one fetched now
      // because the cache was empty or expired. A refused refetch here (rate limit) means the
      // cached set has expired and the source is down: unavailable, not an unknown kid.
      current = remoteKeys.getJWKSet(JWKSetCacheRefreshEvaluator.noRefresh(), now, null);
    } catch (KeySourceException e) {
      throw unavailable(e);
    }
    List<JWK> selected = selector.select(current);
    if (!selected.isEmpty()) {
      return selected;
    }
    try {
      // The kid is not in a current set: fetch again in case the issuer rotated keys.
      return selector.select(
          remoteKeys.getJWKSet(
              JWKSetCacheRefreshEvaluator.referenceComparison(current), now, null));
    } catch (RateLimitReachedException e) {
      return List.of(); // refetched recently: the current set is the issuer's, the kid unknown
    } catch (KeySourceException e) {
      throw unavailable(e);
    }
  }

  private StoreUnavailableException unavailable(KeySourceException e) {
    return new StoreUnavailableException(
        "the JWK Set cannot be fetched from " + JwtVerifierOptions.withoutCredentials(jwksUrl),
        RedactedException.of(e, jwksUrl));
  }

  private SignatureCheck checkFor(JWK key) throws JOSEException {
    SignatureCheck check = checks.get(key);
    if (check == null) {
      check = SignatureCheck.forKey(key);
      if (checks.size() >= MAX_CACHED_CHECKS) {
        checks.clear(); // rotated-out keys go; the live ones come back on their next use
      }
      checks.put(key, check);
    }
    return check;
  }

  private Verification checkClaims(Map<String, Object> json, boolean forRevocation) {
    Claims c;
    try {
      c = new Claims(json);
    } catch (InvalidClaimException e) {
      return Verification.rejected(Rejection.INVALID_CLAIM);
    }
    boolean revocable = forRevocation || store != null;
    if (c.exp == null
        || c.iss == null
        || (!forRevocation && c.aud == null)
        || (revocable && c.jti == null)
        || (store != null && !forRevocation && c.iat == null)) {
      return Verification.rejected(Rejection.MISSING_CLAIM);
    }
    for (String name : options.requiredClaims()) {
      if (json.get(name) == null) {
        return Verification.rejected(Rejection.MISSING_CLAIM);
      }
    }
    if ((c.jti != null && c.jti.isEmpty()) || (c.sub != null && c.sub.isEmpty())) {
      return Verification.rejected(Rejection.INVALID_CLAIM);
    }
    if (!options.issuers().contains(c.iss)) {
      return Verification.rejected(Rejection.WRONG_ISSUER);
    }
    if (!forRevocation && Collections.disjoint(c.aud, options.audiences())) {
      return Verification.rejected(Rejection.WRONG_AUDIENCE);
    }
    Instant now = clock.instant();
    if (!forRevocation) {
      if (!now.isBefore(c.exp.plus(leeway))) {
        return Verification.rejected(Rejection.EXPIRED);
      }
      if ((c.nbf != null && c.nbf.minus(leeway).isAfter(now))
          || (c.iat != null && c.iat.minus(leeway).isAfter(now))) {
        return Verification.rejected(Rejection.NOT_YET_VALID);
      }
    }
    if ((c.iat != null && Duration.between(c.iat, c.exp).compareTo(maxLifetime) > 0)
        || Duration.between(now, c.exp).compareTo(maxLifetime.plus(leeway)) > 0) {
      return Verification.rejected(Rejection.LIFETIME_TOO_LONG);
    }
    if (store != null && !forRevocation) {
      Rejection revoked;
      try {
        revoked = checkRevocation(c);
      } catch (IllegalArgumentException e) {
        return Verification.rejected(Rejection.INVALID_CLAIM); // longer than the store accepts
      }
      if (revoked != null) {
        return Verification.rejected(revoked);
      }
    }
    return Verification.verified(
        new VerifiedJwt(
            c.iss,
            c.sub,
            c.aud == null ? List.of() : c.aud,
            c.exp,
            c.iat,
            c.nbf,
            c.jti,
            c.scopes,
            c.clientId,
            immutableMap(json)));
  }

  private Rejection checkRevocation(Claims c) {
    // One lookup on the common path (not revoked); a second only to tell the two reasons apart.
    if (c.sub == null) {
      return store.isRevoked(c.iss, c.jti) ? Rejection.REVOKED : null;
    }
    if (!store.isRevoked(c.iss, c.jti, c.sub, c.iat)) {
      return null;
    }
    return store.isRevoked(c.iss, c.jti) ? Rejection.REVOKED : Rejection.SUBJECT_REVOKED;
  }

  private static String normalizeType(JOSEObjectType type) {
    return normalizeType(type.getType());
  }

  private static String normalizeType(String type) {
    String lower = type.trim().toLowerCase(Locale.ROOT);
    return lower.startsWith("application/") ? lower.substring("application/".length()) : lower;
  }

  /** The registered claims, type-checked. */
  private static final class Claims {
    final String iss;
    final String sub;
    final List<String> aud;
    final Instant exp;
    final Instant nbf;
    final Instant iat;
    final String jti;
    final String clientId;
    final Set<String> scopes;

    Claims(Map<String, Object> json) throws InvalidClaimException {
      iss = string(json, "iss");
      sub = string(json, "sub");
      jti = string(json, "jti");
      clientId = string(json, "client_id");
      aud = audience(json.get("aud"), json.containsKey("aud"));
      exp = numericDate(json, "exp");
      nbf = numericDate(json, "nbf");
      iat = numericDate(json, "iat");
      String scope = string(json, "scope");
      Set<String> s = new LinkedHashSet<>();
      if (scope != null) {
        for (String value : scope.split(" ")) {
          if (!value.isEmpty()) {
            s.add(value);
          }
        }
      }
      scopes = Collections.unmodifiableSet(s);
    }

    private static String string(Map<String, Object> json, String name)
        throws InvalidClaimException {
      if (!json.containsKey(name)) {
        return null;
      }
      if (json.get(name) instanceof String value) {
        return value;
      }
      throw new InvalidClaimException();
    }

    private static List<String> audience(Object value, boolean present)
        throws InvalidClaimException {
      if (!present) {
        return null;
      }
      if (value instanceof String single) {
        return List.of(single);
      }
      if (value instanceof List<?> list) {
        List<String> values = new ArrayList<>(list.size());
        for (Object item : list) {
          if (!(item instanceof String s)) {
            throw new InvalidClaimException();
          }
          values.add(s);
        }
        return List.copyOf(values);
      }
      throw new InvalidClaimException();
    }

    /**
     * RFC 7519 NumericDate: a JSON number of seconds, fractions dropped, within years 1970-9999.
     */
    private static Instant numericDate(Map<String, Object> json, String name)
        throws InvalidClaimException {
      if (!json.containsKey(name)) {
        return null;
      }
      if (!(json.get(name) instanceof Number number)) {
        throw new InvalidClaimException();
      }
      double approx = number.doubleValue();
      if (!Double.isFinite(approx) || approx < 0 || approx > MAX_EPOCH_SECONDS) {
        throw new InvalidClaimException();
      }
      long seconds = number instanceof Long exact ? exact : (long) Math.floor(approx);
      return Instant.ofEpochSecond(seconds);
    }
  }

  /**
   * Stands in for an exception from fetching the JWK Set, and for each of its causes: the same
   * class name (in the message), message and stack trace, with the JWKS URL shown as {@link
   * JwtVerifierOptions#withoutCredentials}. Nimbus and the JDK put the full URL in their messages
   * ({@code Server returned HTTP response code: 500 for URL: ...}); a caller that logs the
   * exception with its causes must not log a credential in the URL's user info or query.
   */
  static final class RedactedException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Bound on the causes copied; a cycle or a very deep chain ends here. */
    private static final int MAX_DEPTH = 16;

    private RedactedException(String message, RedactedException cause) {
      super(message, cause, false, true);
    }

    static RedactedException of(Throwable e, URI url) {
      return of(e, url, 0);
    }

    private static RedactedException of(Throwable e, URI url, int depth) {
      Throwable next = e.getCause();
      RedactedException cause =
          next == null || next == e || depth + 1 >= MAX_DEPTH ? null : of(next, url, depth + 1);
      String message = e.getClass().getName();
      if (e.getMessage() != null) {
        message += ": " + redact(e.getMessage(), url);
      }
      RedactedException copy = new RedactedException(message, cause);
      copy.setStackTrace(e.getStackTrace());
      return copy;
    }

    private static String redact(String message, URI url) {
      String shown = JwtVerifierOptions.withoutCredentials(url);
      String redacted = message;
      for (String form : urlForms(url)) {
        redacted = redacted.replace(form, shown);
      }
      for (String secret :
          new String[] {
            url.getRawUserInfo(), url.getUserInfo(), url.getRawQuery(), url.getQuery()
          }) {
        if (secret != null && !secret.isEmpty() && redacted.contains(secret)) {
          return "(message not shown: it holds a part of the JWKS URL that may be a credential)";
        }
      }
      return redacted;
    }

    /** The URL as messages spell it, longest first so that no partial match is replaced first. */
    private static List<String> urlForms(URI url) {
      Set<String> forms = new LinkedHashSet<>();
      forms.add(url.toString());
      forms.add(url.toASCIIString());
      try {
        forms.add(url.toURL().toExternalForm());
      } catch (MalformedURLException | IllegalArgumentException e) {
        // not a URL: the URI's own spellings are all a message can hold
      }
      List<String> sorted = new ArrayList<>(forms);
      sorted.sort((a, b) -> Integer.compare(b.length(), a.length()));
      return sorted;
    }
  }

  /** A claim of the wrong type or out of range; control flow inside claim parsing only. */
  private static final class InvalidClaimException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidClaimException() {
      super(null, null, false, false);
    }
  }

  private static Map<String, Object> immutableMap(Map<String, Object> map) {
    Map<String, Object> copy = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : map.entrySet()) {
      copy.put(e.getKey(), immutable(e.getValue()));
    }
    return Collections.unmodifiableMap(copy);
  }

  private static Object immutable(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> copy = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        copy.put(e.getKey(), immutable(e.getValue()));
      }
      return Collections.unmodifiableMap(copy);
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      for (Object item : list) {
        copy.add(immutable(item));
      }
      return Collections.unmodifiableList(copy);
    }
    return value;
  }
}
