package io.authstore.jwt;

import io.authstore.StoreUnavailableException;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A Jakarta Servlet filter (Servlet 5.0 and later) that lets a request through only with a bearer
 * token (RFC 6750) that {@link JwtVerifier} verifies, revocation included.
 *
 * <ul>
 *   <li>Verified: the {@link VerifiedJwt} is set as request attribute {@link #CLAIMS_ATTRIBUTE},
 *       {@code getUserPrincipal()} and {@code getRemoteUser()} give the token's subject, {@code
 *       getAuthType()} gives {@code "Bearer"}, and the chain continues.
 *   <li>No bearer token ({@code Authorization} absent or another scheme): 401 with {@code
 *       WWW-Authenticate: Bearer realm="..."} and no error attribute (RFC 6750 §3.1).
 *   <li>A token that is malformed, forged, expired, revoked, or rejected for any other reason: 401
 *       with {@code WWW-Authenticate: Bearer realm="...", error="invalid_token"}. Every reason gets
 *       the same answer, so a presenter learns nothing about why.
 *   <li>More than one {@code Authorization} header: 400 with {@code error="invalid_request"}.
 *   <li>The revocation store or the JWK Set cannot be reached ({@link StoreUnavailableException}):
 *       503 with {@code Retry-After}. The token is neither accepted nor called invalid.
 * </ul>
 *
 * Register it programmatically, since it needs a verifier:
 *
 * <pre>{@code
 * servletContext.addFilter("jwt", JwtAuthenticationFilter.create(verifier, "api"))
 *     .addMappingForUrlPatterns(null, false, "/api/*");
 * }</pre>
 *
 * <p>Thread-safe; one instance serves every request. The Servlet API is an optional dependency of
 * authstore-jwt: the container provides it.
 */
public final class JwtAuthenticationFilter implements Filter {
  /** Name of the request attribute that holds the {@link VerifiedJwt}. */
  public static final String CLAIMS_ATTRIBUTE = "io.authstore.jwt.VerifiedJwt";

  /** Default {@code Retry-After} of a 503: 1 second. */
  public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

  /** The {@code getAuthType()} of an authenticated request. */
  public static final String AUTH_TYPE = "Bearer";

  /** A realm is a quoted-string: no quote, backslash or control character, to keep it simple. */
  private static final Pattern REALM = Pattern.compile("[\\x20-\\x7e&&[^\"\\\\]]+");

  /** RFC 6750 b64token. */
  private static final Pattern B64TOKEN = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");

  private final JwtVerifier verifier;
  private final Answer missing;
  private final Answer invalid;
  private final Answer badRequest;
  private final Answer unavailable;

  private JwtAuthenticationFilter(JwtVerifier verifier, String realm, Duration retryAfter) {
    this.verifier = verifier;
    String challenge = "Bearer realm=\"" + realm + "\"";
    this.missing = new Answer(HttpServletResponse.SC_UNAUTHORIZED, "WWW-Authenticate", challenge);
    this.invalid =
        new Answer(
            HttpServletResponse.SC_UNAUTHORIZED,
            "WWW-Authenticate",
            challenge + ", error=\"invalid_token\"");
    this.badRequest =
        new Answer(
            HttpServletResponse.SC_BAD_REQUEST,
            "WWW-Authenticate",
            challenge + ", error=\"invalid_request\"");
    this.unavailable =
        new Answer(
            HttpServletResponse.SC_SERVICE_UNAVAILABLE,
            "Retry-After",
            Long.toString(retryAfter.toSeconds()));
  }

  /**
   * @param verifier verifies the tokens; not closed by the filter
   * @param realm the realm named in {@code WWW-Authenticate}: printable ASCII without {@code "} or
   *     {@code \}
   * @return a filter that answers 503 with {@link #DEFAULT_RETRY_AFTER}
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the realm is empty or has a character it may not
   */
  public static JwtAuthenticationFilter create(JwtVerifier verifier, String realm) {
    return create(verifier, realm, DEFAULT_RETRY_AFTER);
  }

  /**
   * @param verifier verifies the tokens; not closed by the filter
   * @param realm the realm named in {@code WWW-Authenticate}
   * @param retryAfter the {@code Retry-After} of a 503, whole seconds from 1 to 3600
   * @return the filter
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the realm is invalid or retryAfter out of range
   */
  public static JwtAuthenticationFilter create(
      JwtVerifier verifier, String realm, Duration retryAfter) {
    Objects.requireNonNull(verifier, "verifier");
    Objects.requireNonNull(realm, "realm");
    Objects.requireNonNull(retryAfter, "retryAfter");
    if (!REALM.matcher(realm).matches()) {
      throw new IllegalArgumentException(
          "realm must be printable ASCII without quote or backslash: " + realm);
    }
    if (retryAfter.toSeconds() < 1
        || retryAfter.toSeconds() > 3600
        || retryAfter.toSeconds() * 1000 != retryAfter.toMillis()) {
      throw new IllegalArgumentException(
          "retryAfter must be whole seconds from 1 to 3600: " + retryAfter);
    }
    return new JwtAuthenticationFilter(verifier, realm, retryAfter);
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (!(request instanceof HttpServletRequest http)
        || !(response instanceof HttpServletResponse httpResponse)) {
      throw new ServletException("JwtAuthenticationFilter serves HTTP requests only");
    }
    List<String> headers = Collections.list(http.getHeaders("Authorization"));
    Outcome outcome = decide(headers);
    if (outcome.answer != null) {
      outcome.answer.send(httpResponse);
      return;
    }
    VerifiedJwt jwt = outcome.jwt;
    http.setAttribute(CLAIMS_ATTRIBUTE, jwt);
    chain.doFilter(new AuthenticatedRequest(http, jwt), response);
  }

  /** What to do with a request that carries these {@code Authorization} header values. */
  Outcome decide(List<String> authorization) {
    if (authorization.size() > 1) {
      return new Outcome(badRequest, null);
    }
    String token = authorization.isEmpty() ? null : bearerToken(authorization.get(0));
    if (token == null) {
      return new Outcome(missing, null);
    }
    if (!B64TOKEN.matcher(token).matches()) {
      return new Outcome(invalid, null);
    }
    Verification verification;
    try {
      verification = verifier.verify(token);
    } catch (StoreUnavailableException e) {
      return new Outcome(unavailable, null);
    }
    if (!verification.isVerified()) {
      return new Outcome(invalid, null);
    }
    return new Outcome(null, verification.jwt());
  }

  /**
   * The credentials after a case-insensitive {@code Bearer } scheme, or null for another scheme.
   */
  private static String bearerToken(String header) {
    String trimmed = header.strip();
    if (trimmed.length() < 6 || !trimmed.regionMatches(true, 0, "Bearer", 0, 6)) {
      return null;
    }
    if (trimmed.length() == 6) {
      return ""; // "Bearer" and nothing: a bearer request with a bad token
    }
    if (trimmed.charAt(6) != ' ') {
      return null; // "Bearerx ...": another scheme
    }
    return trimmed.substring(7).strip();
  }

  /** Either an answer that ends the request, or the verified token to continue with. */
  static final class Outcome {
    final Answer answer;
    final VerifiedJwt jwt;

    Outcome(Answer answer, VerifiedJwt jwt) {
      this.answer = answer;
      this.jwt = jwt;
    }
  }

  /** A refusal: a status and one header, no body. */
  record Answer(int status, String header, String value) {
    void send(HttpServletResponse response) throws IOException {
      response.setStatus(status);
      response.setHeader(header, value);
      response.setHeader("Cache-Control", "no-store");
      response.setContentLength(0);
    }
  }

  private static final class AuthenticatedRequest extends HttpServletRequestWrapper {
    private final Principal principal;

    AuthenticatedRequest(HttpServletRequest request, VerifiedJwt jwt) {
      super(request);
      this.principal = jwt.subject().<Principal>map(SubjectPrincipal::new).orElse(null);
    }

    @Override
    public Principal getUserPrincipal() {
      return principal;
    }

    @Override
    public String getRemoteUser() {
      return principal == null ? null : principal.getName();
    }

    @Override
    public String getAuthType() {
      return AUTH_TYPE;
    }
  }

  private record SubjectPrincipal(String subject) implements Principal {
    @Override
    public String getName() {
      return subject;
    }
  }
}
