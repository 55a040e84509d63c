package io.authstore.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.authstore.jwt.JwtVerifier;
import io.authstore.jwt.JwtVerifierOptions;
import io.authstore.jwt.Rejection;
import io.authstore.jwt.Verification;
import io.authstore.redis.RedisConnectionConfig;
import io.authstore.redis.ReplicaLoader;
import io.authstore.redis.ReplicatedRevocationStore;
import io.authstore.redis.ReplicationOptions;
import io.authstore.revocation.InMemoryRevocationStore;
import io.authstore.revocation.RevocationOptions;
import io.authstore.revocation.RevocationStore;
import io.authstore.testkit.RedisProcess;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What the revocation check adds to verifying a JWT: {@code JwtVerifier.verify} without a store
 * ({@link #verify}) against the same verifier with a revocation store holding a million revoked
 * jtis, in memory or the replicated view of a Redis-held list ({@link #storeKind}) ({@link
 * #verifyAndCheckRevocation}: issuer + jti, then the subject's "logout everywhere" marker), for
 * RS256 (2048-bit key), ES256 (P-256) and HS256 (256-bit secret).
 *
 * <p>Every operation verifies the next token of a pool of {@link #POOL} distinct tokens (each with
 * its own random jti, none revoked, so every check is a miss: the common path), signed at setup;
 * setup checks that every token verifies with both verifiers and that a revoked one is refused.
 * Both verifiers read the system clock. One thread.
 *
 * <p>Run (about 3 minutes with these settings; setup signs the pool, about 15 s for RS256):
 *
 * <pre>
 * ./mvnw -B -o -q -pl authstore-jwt,authstore-bench package -DskipTests
 * java -jar authstore-bench/target/benchmarks.jar JwtVerifyBenchmark -f 1 -wi 3 -i 5 \
 *     -rf json -rff authstore-bench/results/jwt.json
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 2,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class JwtVerifyBenchmark {
  /** Distinct tokens verified in turn. */
  static final int POOL = 1 << 14;

  private static final int MASK = POOL - 1;
  private static final String ISSUER = "https://issuer.example";
  private static final String AUDIENCE = "https://api.example";

  @Param({"RS256", "ES256", "HS256"})
  String alg;

  /**
   * The revocation store behind {@link #verifyAndCheckRevocation}: {@code memory} ({@code
   * InMemoryRevocationStore}) or {@code replicated} ({@code ReplicatedRevocationStore}, its view
   * bootstrapped from a {@code redis-server} started by the test kit).
   */
  @Param({"memory", "replicated"})
  String storeKind;

  JwtVerifier plain;
  JwtVerifier checked;
  RevocationStore store;
  RedisProcess redis;
  String[] tokens;

  /**
   * Where a thread is in the token pool: per thread, so that runs with {@code -t} above 1 neither
   * race on one counter nor break {@link #interleaved}'s alternation.
   */
  @State(Scope.Thread)
  public static class Cursor {
    int next;
  }

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    Clock clock = Clock.systemUTC();
    Instant now = clock.instant();
    if (storeKind.equals("replicated")) {
      redis = RedisProcess.start();
      ReplicaLoader.load(
          redis.uri(), ISSUER, Jtis::revoked, Jtis.REVOKED, now.plusSeconds(3600).toEpochMilli());
      ReplicatedRevocationStore replicated =
          ReplicatedRevocationStore.connect(
              RedisConnectionConfig.builder().standalone("127.0.0.1", redis.port()).build(),
              RevocationOptions.builder().clock(clock).build(),
              ReplicationOptions.defaults());
      store = replicated;
      if (!replicated.awaitReady(Duration.ofMinutes(2))) {
        throw new IllegalStateException("view not ready: " + replicated.state());
      }
    } else {
      store = InMemoryRevocationStore.create(RevocationOptions.builder().clock(clock).build());
      for (int i = 0; i < Jtis.REVOKED; i++) {
        store.revoke(ISSUER, Jtis.revoked(i), now.plusSeconds(3600 + i % 3600));
      }
    }
    JWSSigner signer;
    JwtVerifierOptions.Builder options =
        JwtVerifierOptions.builder()
            .allowedAlgorithms(alg)
            .issuers(ISSUER)
            .audiences(AUDIENCE)
            .clock(clock);
    switch (alg) {
      case "RS256" -> {
        KeyPair keys = generate("RSA", null);
        signer = new RSASSASigner(keys.getPrivate());
        options.publicKeyPem(pem(keys));
      }
      case "ES256" -> {
        KeyPair keys = generate("EC", new ECGenParameterSpec("secp256r1"));
        signer = new ECDSASigner((ECPrivateKey) keys.getPrivate());
        options.publicKeyPem(pem(keys));
      }
      case "HS256" -> {
        byte[] secret = new byte[32];
        new SplittableRandom(7).nextBytes(secret);
        signer = new MACSigner(secret);
        options.hmacSecret(secret);
      }
      default -> throw new IllegalArgumentException(alg);
    }
    plain = JwtVerifier.create(options.build());
    checked = JwtVerifier.create(options.revocationStore(store).build());

    tokens = new String[POOL];
    for (int i = 0; i < POOL; i++) {
      tokens[i] = sign(signer, Jtis.neverRevoked(i), now);
      if (!plain.verify(tokens[i]).isVerified() || !checked.verify(tokens[i]).isVerified()) {
        throw new IllegalStateException("token " + i + " does not verify");
      }
    }
    Verification revoked = checked.verify(sign(signer, Jtis.revoked(12345), now));
    if (revoked.isVerified() || revoked.rejection() != Rejection.REVOKED) {
      throw new IllegalStateException("a revoked token was not refused: " + revoked);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    store.close();
    if (redis != null) {
      redis.close();
    }
  }

  @Benchmark
  public Verification verify(Cursor cursor) {
    return plain.verify(tokens[cursor.next++ & MASK]);
  }

  @Benchmark
  public Verification verifyAndCheckRevocation(Cursor cursor) {
    return checked.verify(tokens[cursor.next++ & MASK]);
  }

  /**
   * Time per verification of each verifier, summed over an iteration: {@link #interleaved} times
   * every call and adds it here. JMH reports the sums as {@code interleaved:plainNanos} and {@code
   * interleaved:checkedNanos}; their ratio is what the check adds.
   */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Split {
    public long plainNanos;
    public long checkedNanos;

    @Setup(Level.Iteration)
    public void reset() {
      plainNanos = 0;
      checkedNanos = 0;
    }
  }

  /**
   * Both verifiers in one loop, alternating call by call (and which goes first), each call timed:
   * the two see the same JIT, heap, caches and host at the same moments, so host drift, which moves
   * separate forks by more than the check costs, cancels out of their ratio. Two verifications per
   * invocation, of different tokens.
   */
  @Benchmark
  @OperationsPerInvocation(2)
  public void interleaved(Cursor cursor, Split split, Blackhole blackhole) {
    boolean plainFirst = (cursor.next & 2) == 0;
    JwtVerifier first = plainFirst ? plain : checked;
    JwtVerifier second = plainFirst ? checked : plain;
    long t0 = System.nanoTime();
    blackhole.consume(first.verify(tokens[cursor.next++ & MASK]));
    long t1 = System.nanoTime();
    blackhole.consume(second.verify(tokens[cursor.next++ & MASK]));
    long t2 = System.nanoTime();
    split.plainNanos += plainFirst ? t1 - t0 : t2 - t1;
    split.checkedNanos += plainFirst ? t2 - t1 : t1 - t0;
  }

  private String sign(JWSSigner signer, String jti, Instant now) throws JOSEException {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(ISSUER)
            .subject("user-" + jti.substring(0, 8))
            .audience(AUDIENCE)
            .issueTime(Date.from(now.minusSeconds(10)))
            .expirationTime(Date.from(now.plusSeconds(3600)))
            .jwtID(jti)
            .claim("scope", "read write")
            .claim("client_id", "bench")
            .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.parse(alg)), claims);
    jwt.sign(signer);
    return jwt.serialize();
  }

  private static KeyPair generate(String algorithm, ECGenParameterSpec spec)
      throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
    if (spec != null) {
      generator.initialize(spec);
    } else {
      generator.initialize(2048);
    }
    return generator.generateKeyPair();
  }

  private static String pem(KeyPair keys) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(keys.getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }
}
