package io.authstore.bench.redis;

import io.authstore.redis.RedisBackend;
import io.authstore.redis.RedisConnectionConfig;
import io.authstore.revocation.RevocationOptions;
import io.authstore.revocation.RevocationStore;
import io.authstore.testkit.RedisProcess;
import io.authstore.ticket.ConsumeResult;
import io.authstore.ticket.TicketOptions;
import io.authstore.ticket.TicketStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;
import org.springframework.session.data.redis.RedisIndexedSessionRepository;
import org.springframework.session.data.redis.RedisSessionRepository;

/**
 * Ticket lifecycle (issue, then consume once) and revoke-then-check on a real {@code redis-server}
 * started by the test kit on loopback, against the floor (raw Lettuce commands, two round trips)
 * and Spring Session Data Redis. Each state starts its own identically configured server, so every
 * implementation is measured against the same kind of Redis in the same run.
 *
 * <p>Run (single thread, then 16 threads):
 *
 * <pre>
 * ./mvnw -q -pl authstore-bench -am package -DskipTests
 * java -jar authstore-bench/target/benchmarks.jar 'RedisTicketBenchmark' -f 2 -wi 3 -w 2s -i 5 -r 3s -t 1
 * java -jar authstore-bench/target/benchmarks.jar 'RedisTicketBenchmark' -f 2 -wi 3 -w 2s -i 5 -r 3s -t 16
 * </pre>
 *
 * <p>Every ticket implementation interleaved in one loop (see {@link #interleaved}), the series
 * that is robust to the host's drift:
 *
 * <pre>
 * java -jar authstore-bench/target/benchmarks.jar 'RedisTicketBenchmark.interleaved' -t 1 -f 4 -wi 3 -w 2s -i 5 -r 2s
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RedisTicketBenchmark {
  private static final Duration TTL = Duration.ofMinutes(30);
  private static final AtomicLong IDS = new AtomicLong();
  private static final String PX_TTL = Long.toString(TTL.toMillis());
  private static final String MAX_INT = Integer.toString(Integer.MAX_VALUE);

  /** authstore's Redis stores on their own Lettuce connection. */
  @State(Scope.Benchmark)
  public static class Authstore {
    RedisProcess redis;
    RedisBackend backend;
    TicketStore tickets;
    RevocationStore revocations;

    @Setup(Level.Trial)
    public void start() {
      redis = RedisProcess.start();
      backend =
          RedisBackend.open(
              RedisConnectionConfig.builder().standalone("127.0.0.1", redis.port()).build(),
              RevocationOptions.defaults(),
              // Caps high enough that they never refuse: consumed tickets stay as tombstones.
              TicketOptions.builder()
                  .maxActive(Integer.MAX_VALUE)
                  .maxActivePerSubject(Integer.MAX_VALUE)
                  .build(),
              RedisBackend.FallbackPolicy.FAIL);
      tickets = backend.ticketStore();
      revocations = backend.revocationStore();
    }

    @TearDown(Level.Trial)
    public void stop() {
      backend.close();
      redis.close();
    }
  }

  /**
   * authstore's own two Lua scripts, with the keys and arguments {@link
   * io.authstore.redis.RedisTicketStore} sends, run through raw Lettuce on its async API and a
   * timed wait, as the store runs them: what is left of the store once its Java side (ticket and
   * digest, validation, record decoding, metrics listener, client options) is taken away.
   */
  @State(Scope.Benchmark)
  public static class AuthstoreScripts {
    static final String BASE = "authstore:{tickets}:";
    RedisProcess redis;
    RedisClient client;
    StatefulRedisConnection<String, String> connection;
    RedisAsyncCommands<String, String> async;
    String issueScript;
    String consumeScript;

    @Setup(Level.Trial)
    public void start() throws IOException {
      redis = RedisProcess.start();
      client = RedisClient.create(redis.uri());
      connection = client.connect();
      async = connection.async();
      issueScript = connection.sync().scriptLoad(script("ticket-issue.lua"));
      consumeScript = connection.sync().scriptLoad(script("ticket-consume.lua"));
    }

    private static String script(String name) throws IOException {
      try (InputStream in = RedisBackend.class.getResourceAsStream(name)) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }

    @TearDown(Level.Trial)
    public void stop() {
      connection.close();
      client.shutdown();
      redis.close();
    }
  }

  /** The floor: raw Lettuce, {@code SET PX} then {@code GETDEL} (or {@code GET}). */
  @State(Scope.Benchmark)
  public static class Floor {
    RedisProcess redis;
    RedisClient client;
    StatefulRedisConnection<String, String> connection;
    RedisCommands<String, String> commands;
    RedisAsyncCommands<String, String> async;
    String setScript;
    String getdelScript;

    @Setup(Level.Trial)
    public void start() {
      redis = RedisProcess.start();
      client = RedisClient.create(redis.uri());
      connection = client.connect();
      commands = connection.sync();
      async = connection.async();
      setScript = commands.scriptLoad("return redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])");
      getdelScript = commands.scriptLoad("return redis.call('GETDEL', KEYS[1])");
    }

    @TearDown(Level.Trial)
    public void stop() {
      connection.close();
      client.shutdown();
      redis.close();
    }
  }

  /** Spring Session Data Redis on Spring Data Redis with its Lettuce driver. */
  @State(Scope.Benchmark)
  public static class SpringSession {
    RedisProcess redis;
    LettuceConnectionFactory factory;
    RedisSessionRepository plain;
    RedisIndexedSessionRepository indexed;

    @Setup(Level.Trial)
    public void start() {
      redis = RedisProcess.start();
      factory =
          new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", redis.port()));
      factory.afterPropertiesSet();
      factory.start();
      RedisTemplate<String, Object> template = new RedisTemplate<>();
      template.setConnectionFactory(factory);
      template.setKeySerializer(RedisSerializer.string());
      template.setHashKeySerializer(RedisSerializer.string());
      template.afterPropertiesSet();
      plain = new RedisSessionRepository(template);
      plain.setDefaultMaxInactiveInterval(TTL);
      indexed = new RedisIndexedSessionRepository(template);
      indexed.setDefaultMaxInactiveInterval(TTL);
    }

    @TearDown(Level.Trial)
    public void stop() {
      factory.destroy();
      redis.close();
    }
  }

  @Benchmark
  public ConsumeResult ticket_authstore(Authstore s) {
    String ticket = s.tickets.issue("alice").ticket();
    return s.tickets.consume(ticket);
  }

  @Benchmark
  public String ticket_floorSetGetdel(Floor s) {
    String key = "ticket:" + randomToken();
    s.commands.set(key, "alice", SetArgs.Builder.px(TTL.toMillis()));
    return s.commands.getdel(key);
  }

  /**
   * The floor's two commands through Lettuce's async API and a timed wait, the way the store awaits
   * its scripts (the sync API above goes through a proxy and its own wait).
   */
  @Benchmark
  public String ticket_floorAsync(Floor s) throws Exception {
    String key = "ticket:" + randomToken();
    s.async.set(key, "alice", SetArgs.Builder.px(TTL.toMillis())).get(3, TimeUnit.SECONDS);
    return s.async.getdel(key).get(3, TimeUnit.SECONDS);
  }

  /** authstore's two scripts without the store around them (see {@link AuthstoreScripts}). */
  @Benchmark
  public String ticket_authstoreScripts(AuthstoreScripts s) throws Exception {
    String digest = randomToken();
    String ticketKey = AuthstoreScripts.BASE + "ticket:" + digest;
    long now = System.currentTimeMillis();
    Long issued =
        s.async
            .<Long>evalsha(
                s.issueScript,
                ScriptOutputType.INTEGER,
                new String[] {
                  ticketKey,
                  AuthstoreScripts.BASE + "active",
                  AuthstoreScripts.BASE + "used",
                  AuthstoreScripts.BASE + "subject:alice",
                  AuthstoreScripts.BASE + "totals"
                },
                Long.toString(now),
                Long.toString(now + TTL.toMillis()),
                MAX_INT,
                MAX_INT,
                digest,
                ";",
                "alice")
            .get(3, TimeUnit.SECONDS);
    if (issued != 0L) {
      throw new IllegalStateException("issue script refused: " + issued);
    }
    return s.async
        .<String>evalsha(
            s.consumeScript,
            ScriptOutputType.VALUE,
            new String[] {
              ticketKey,
              AuthstoreScripts.BASE + "active",
              AuthstoreScripts.BASE + "used",
              AuthstoreScripts.BASE + "totals"
            },
            Long.toString(System.currentTimeMillis()),
            digest,
            AuthstoreScripts.BASE + "subject:",
            Long.toHexString(ThreadLocalRandom.current().nextLong()))
        .get(3, TimeUnit.SECONDS);
  }

  /**
   * The floor's two commands, each inside a one-line Lua script: the cheapest lifecycle a design
   * can have once it keeps counters in the same atomic step as the write, which takes a script. The
   * gap to {@link #ticket_floorSetGetdel} is what running a script costs here.
   */
  @Benchmark
  public String ticket_floorInScripts(Floor s) {
    String key = "ticket:" + randomToken();
    s.commands.evalsha(s.setScript, ScriptOutputType.STATUS, new String[] {key}, "alice", PX_TTL);
    return s.commands.evalsha(s.getdelScript, ScriptOutputType.VALUE, key);
  }

  @Benchmark
  public Object ticket_springSession(SpringSession s) {
    return sessionLifecycle(s.plain);
  }

  @Benchmark
  public Object ticket_springSessionIndexed(SpringSession s) {
    return sessionLifecycle(s.indexed);
  }

  // create + save, findById, deleteById: the nearest Spring Session equivalent of issue + consume.
  private static <S extends Session> S sessionLifecycle(SessionRepository<S> repository) {
    S session = repository.createSession();
    session.setAttribute("subject", "alice");
    repository.save(session);
    S found = repository.findById(session.getId());
    repository.deleteById(session.getId());
    return found;
  }

  /**
   * Time per lifecycle of each implementation, summed over an iteration (all threads): {@link
   * #interleaved} times every lifecycle and adds it here. JMH reports the sums as {@code
   * interleaved:<name>Nanos}; their ratios compare the implementations.
   */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Split {
    public long floorNanos;
    public long floorAsyncNanos;
    public long authstoreScriptsNanos;
    public long floorInScriptsNanos;
    public long authstoreNanos;
    public long springSessionNanos;
    public long springSessionIndexedNanos;
    final int[] order = {0, 1, 2, 3, 4, 5, 6};

    @Setup(Level.Iteration)
    public void reset() {
      floorNanos = 0;
      floorAsyncNanos = 0;
      authstoreScriptsNanos = 0;
      floorInScriptsNanos = 0;
      authstoreNanos = 0;
      springSessionNanos = 0;
      springSessionIndexedNanos = 0;
    }
  }

  /**
   * One lifecycle of each implementation per invocation, in a random order drawn anew for every
   * invocation (so no implementation always follows the same other one, on the same Redis or not),
   * each timed on its own. All of them run at the same moments, under the same JIT, heap and host:
   * this shared VM's speed drifts by more than the differences being measured between forks run
   * minutes apart, and that drift cancels out of the ratios of these sums. The floor, the floor
   * through the async API and the floor in scripts share one Redis and connection; the others have
   * their own. With several threads the comparison is of latencies under one mixed load, in which a
   * slower implementation has more threads in flight on its own Redis; a fixed concurrency per
   * implementation is what the separate benchmarks measure.
   */
  @Benchmark
  @OperationsPerInvocation(7)
  public void interleaved(
      Authstore a,
      AuthstoreScripts scripts,
      Floor f,
      SpringSession spring,
      Split split,
      Blackhole blackhole)
      throws Exception {
    int[] order = split.order;
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    for (int which : order) {
      long t0 = System.nanoTime();
      switch (which) {
        case 0 -> blackhole.consume(ticket_floorSetGetdel(f));
        case 1 -> blackhole.consume(ticket_floorInScripts(f));
        case 2 -> blackhole.consume(ticket_authstore(a));
        case 3 -> blackhole.consume(ticket_springSession(spring));
        case 4 -> blackhole.consume(ticket_springSessionIndexed(spring));
        case 5 -> blackhole.consume(ticket_floorAsync(f));
        default -> blackhole.consume(ticket_authstoreScripts(scripts));
      }
      long took = System.nanoTime() - t0;
      switch (which) {
        case 0 -> split.floorNanos += took;
        case 1 -> split.floorInScriptsNanos += took;
        case 2 -> split.authstoreNanos += took;
        case 3 -> split.springSessionNanos += took;
        case 4 -> split.springSessionIndexedNanos += took;
        case 5 -> split.floorAsyncNanos += took;
        default -> split.authstoreScriptsNanos += took;
      }
    }
  }

  @Benchmark
  public boolean revocation_authstore(Authstore s) {
    String jti = "jti-" + IDS.incrementAndGet();
    s.revocations.revoke("https://issuer.example", jti, Instant.now().plus(TTL));
    return s.revocations.isRevoked("https://issuer.example", jti);
  }

  @Benchmark
  public String revocation_floorSetGet(Floor s) {
    String key = "rev:https://issuer.example:jti-" + IDS.incrementAndGet();
    long exp = System.currentTimeMillis() + TTL.toMillis();
    s.commands.set(key, Long.toString(exp), SetArgs.Builder.px(TTL.toMillis()));
    return s.commands.get(key);
  }

  private static String randomToken() {
    byte[] bytes = new byte[32];
    ThreadLocalRandom.current().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
