package io.authstore.testkit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Function;

/** Admin access to the processes the kit starts: one shared Lettuce client, plus a raw ping. */
public final class Redis {
  private static RedisClient client;

  private Redis() {}

  /**
   * Runs {@code work} on a fresh connection to 127.0.0.1:{@code port}, then closes it.
   *
   * @return what {@code work} returns
   */
  public static <T> T call(int port, Function<RedisCommands<String, String>, T> work) {
    RedisURI uri = RedisURI.create("127.0.0.1", port);
    uri.setTimeout(Duration.ofSeconds(10));
    try (StatefulRedisConnection<String, String> c = client().connect(uri)) {
      return work.apply(c.sync());
    }
  }

  /**
   * @return true if a server answers PING on the port within half a second
   */
  public static boolean ping(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      s.setSoTimeout(500);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[7];
      int n = in.readNBytes(buf, 0, 7);
      return n == 7 && new String(buf, StandardCharsets.US_ASCII).equals("+PONG\r\n");
    } catch (IOException e) {
      return false;
    }
  }

  private static synchronized RedisClient client() {
    if (client == null) {
      client = RedisClient.create();
      Runtime.getRuntime()
          .addShutdownHook(new Thread(client::shutdown, "redis-testkit-client-shutdown"));
    }
    return client;
  }
}
