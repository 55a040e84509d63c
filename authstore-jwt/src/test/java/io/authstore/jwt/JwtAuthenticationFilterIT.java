package io.authstore.jwt;

import static io.authstore.jwt.Fixture.ISSUER;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/**
 * The filter in a real servlet container (Jetty 12, Servlet 6.0) on a loopback port, registered the
 * way a plain servlet application would, and called with the JDK HTTP client.
 */
class JwtAuthenticationFilterIT {
  final Fixture f = new Fixture();
  final HttpClient client = HttpClient.newHttpClient();

  @Test
  void validToken_reachesTheServlet_withClaimsAndPrincipal() throws Exception {
    try (Container c = new Container(f)) {
      HttpResponse<String> response = c.get("/api/hello", "Bearer " + f.rs256Token("jti", "j-1"));

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("alice j-1 Bearer");
    }
  }

  @Test
  void missingToken_is401_withAChallengeWithoutError() throws Exception {
    try (Container c = new Container(f)) {
      HttpResponse<String> response = c.get("/api/hello", null);

      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(response.headers().allValues("WWW-Authenticate"))
          .containsExactly("Bearer realm=\"api\"");
      assertThat(response.body()).isEmpty();
    }
  }

  @Test
  void everyKindOfBadToken_getsTheSameAnswer() throws Exception {
    long now = Fixture.NOW.getEpochSecond();
    f.store.revoke(ISSUER, "revoked", Fixture.NOW.plusSeconds(3600));
    List<String> tokens =
        List.of(
            "not-a-jwt",
            Fixture.token(Fixture.header("RS256"), f.claims(), TestKeys.RSA_OTHER.getPrivate()),
            f.rs256Token("exp", now - 3600, "iat", now - 7200),
            f.rs256Token("aud", "https://other.example"),
            f.rs256Token("jti", "revoked"),
            TestKeys.b64("{\"alg\":\"none\"}") + "." + TestKeys.b64("{}") + ".");

    try (Container c = new Container(f)) {
      for (String token : tokens) {
        HttpResponse<String> response = c.get("/api/hello", "Bearer " + token);

        assertThat(response.statusCode()).as(token).isEqualTo(401);
        assertThat(response.headers().allValues("WWW-Authenticate"))
            .as(token)
            .containsExactly("Bearer realm=\"api\", error=\"invalid_token\"");
        assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(response.body()).as(token).isEmpty();
      }
    }
  }

  @Test
  void tokenRevokedWhileInUse_isRefusedOnTheNextRequest() throws Exception {
    String token = f.rs256Token("jti", "session-1");
    try (Container c = new Container(f)) {
      assertThat(c.get("/api/hello", "Bearer " + token).statusCode()).isEqualTo(200);

      f.store.revoke(
          ISSUER, "session-1", Instant.ofEpochSecond(Fixture.NOW.getEpochSecond() + 600));

      assertThat(c.get("/api/hello", "Bearer " + token).statusCode()).isEqualTo(401);
    }
  }

  @Test
  void storeUnavailable_is503_withRetryAfter_notInvalidToken() throws Exception {
    try (Container c = new Container(f)) {
      HttpResponse<String> response = c.get("/down/hello", "Bearer " + f.rs256Token());

      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.headers().firstValue("Retry-After")).contains("1");
      assertThat(response.headers().firstValue("WWW-Authenticate")).isEmpty();
    }
  }

  @Test
  void unprotectedPath_needsNoToken() throws Exception {
    try (Container c = new Container(f)) {
      assertThat(c.get("/public/hello", null).statusCode()).isEqualTo(200);
    }
  }

  /** Jetty with one servlet on every path; the filter guards /api/* and /down/*. */
  final class Container implements AutoCloseable {
    final Server server = new Server();
    final ServerConnector connector = new ServerConnector(server);

    Container(Fixture f) throws Exception {
      connector.setHost("127.0.0.1");
      connector.setPort(0);
      server.addConnector(connector);
      ServletContextHandler context = new ServletContextHandler("/");
      context.addServlet(new ServletHolder(new EchoServlet()), "/*");
      JwtVerifier verifier = JwtVerifier.create(f.rs256().build());
      JwtVerifier down = JwtVerifier.create(f.rs256().revocationStore(new DownStore()).build());
      // As an application registers it: programmatically, when the context starts.
      context.addEventListener(
          new ServletContextListener() {
            @Override
            public void contextInitialized(ServletContextEvent event) {
              event
                  .getServletContext()
                  .addFilter("jwt", JwtAuthenticationFilter.create(verifier, "api"))
                  .addMappingForUrlPatterns(null, false, "/api/*");
              event
                  .getServletContext()
                  .addFilter("jwt-down", JwtAuthenticationFilter.create(down, "api"))
                  .addMappingForUrlPatterns(null, false, "/down/*");
            }
          });
      server.setHandler(context);
      server.start();
    }

    HttpResponse<String> get(String path, String authorization)
        throws IOException, InterruptedException {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + connector.getLocalPort() + path));
      if (authorization != null) {
        request.header("Authorization", authorization);
      }
      return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
      try {
        server.stop();
      } catch (Exception e) {
        throw new IllegalStateException("Jetty did not stop", e);
      }
    }
  }

  static final class EchoServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      VerifiedJwt jwt =
          (VerifiedJwt) request.getAttribute(JwtAuthenticationFilter.CLAIMS_ATTRIBUTE);
      response.setContentType("text/plain");
      response
          .getWriter()
          .write(
              jwt == null
                  ? "public"
                  : request.getRemoteUser()
                      + " "
                      + jwt.jti().orElse("-")
                      + " "
                      + request.getAuthType());
    }
  }
}
