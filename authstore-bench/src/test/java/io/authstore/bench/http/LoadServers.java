package io.authstore.bench.http;

import io.authstore.redis.RedisConnectionConfig;
import io.authstore.server.ApiKeys;
import io.authstore.server.AuthstoreServer;
import io.authstore.server.ServerConfig;
import io.authstore.testkit.RedisProcess;
import io.authstore.ticket.TicketOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Collectors;

/**
 * The servers of a load run, in a JVM of their own so that they share neither heap nor collections
 * with the load generator: a {@code redis-server} from the test kit, an in-memory authstore server
 * (revocation checks and {@code /health/live}) and a Redis-backed one (tickets), both on 127.0.0.1
 * on free ports, rate limits off, ticket caps far above what a run issues, one admin key.
 *
 * <p>Started by {@link LoadTarget} as a child process. The admin key comes in the environment
 * variable {@link #KEY_VARIABLE} (not on the command line, which any user of the machine can read).
 * Standard output carries only the protocol; everything else (logs) goes to standard error:
 *
 * <ul>
 *   <li>once started: {@code ready <in-memory port> <Redis-backed port> <redis-server pid>};
 *   <li>per line {@code gc} read on standard input: {@code gc <collections> <milliseconds>}, totals
 *       of this JVM;
 *   <li>per line {@code collectors}: {@code collectors <names>}, this JVM's collectors;
 *   <li>per line {@code threads}: this JVM's CPU per thread name ({@link
 *       MachineMeter#threadNames()}), then a line {@code end};
 *   <li>at the end of standard input (the parent closed it, or died): the Redis-backed server
 *       closed, then Redis, then the in-memory server, then exit. The servers therefore never
 *       outlive the run.
 * </ul>
 */
final class LoadServers {
  /** The environment variable with the admin key. */
  static final String KEY_VARIABLE = "AUTHSTORE_LOAD_ADMIN_KEY";

  private LoadServers() {}

  public static void main(String[] args) throws IOException {
    PrintStream protocol = System.out;
    System.setOut(System.err); // before any logging starts: logs go to standard error
    String adminKey = System.getenv(KEY_VARIABLE);
    if (adminKey == null || adminKey.isBlank()) {
      throw new IllegalStateException(KEY_VARIABLE + " is not set");
    }
    ApiKeys keys = ApiKeys.parse("load:" + adminKey + "=admin", "load run");
    TicketOptions tickets =
        TicketOptions.builder().maxActive(1_000_000).maxActivePerSubject(1_000_000).build();
    try (AuthstoreServer memory = AuthstoreServer.start(base(keys, tickets).build());
        RedisProcess redis = RedisProcess.start();
        AuthstoreServer onRedis =
            AuthstoreServer.start(
                base(keys, tickets)
                    .redis(
                        RedisConnectionConfig.builder()
                            .standalone("127.0.0.1", redis.port())
                            .commandTimeout(Duration.ofSeconds(5))
                            .build())
                    .build())) {
      protocol.println("ready " + memory.port() + " " + onRedis.port() + " " + redis.pid());
      protocol.flush();
      serve(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), protocol);
    }
  }

  private static ServerConfig.Builder base(ApiKeys keys, TicketOptions tickets) {
    return ServerConfig.builder()
        .bind("127.0.0.1")
        .port(0)
        .apiKeys(keys)
        .rateLimitPerKey(0)
        .rateLimitPerAddress(0)
        .tickets(tickets);
  }

  /** Answers the parent's questions until it closes standard input. */
  private static void serve(BufferedReader in, PrintStream out) throws IOException {
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      switch (line.trim()) {
        case "gc" -> {
          long count = 0;
          long millis = 0;
          for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
          }
          out.println("gc " + count + " " + millis);
        }
        case "collectors" ->
            out.println(
                "collectors "
                    + ManagementFactory.getGarbageCollectorMXBeans().stream()
                        .map(GarbageCollectorMXBean::getName)
                        .collect(Collectors.joining(", ")));
        case "threads" -> {
          out.print(MachineMeter.threadNames());
          out.println("end");
        }
        default -> out.println("unknown " + line.trim());
      }
      out.flush();
    }
  }
}
