package io.authstore.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on a free loopback port in front of a server on another loopback port, for faults a
 * process signal cannot make: replies lost after the server acted on a request. While {@link
 * #dropReplies()} is on, what the server sends is read and thrown away; {@link #cutConnections()}
 * then closes every connection both ways, as a network failure or a {@code CLIENT KILL} would, and
 * new connections are served normally again.
 *
 * <p>Threads are daemons, one pair per connection; {@link #close()} stops everything.
 */
public final class TcpProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile boolean dropReplies;
  private volatile boolean closed;

  private TcpProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "tcp-proxy-accept-" + listener.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /**
   * Starts a proxy to {@code 127.0.0.1:targetPort}.
   *
   * @param targetPort the server's port
   * @return the running proxy
   */
  public static TcpProxy to(int targetPort) {
    try {
      return new TcpProxy(targetPort);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The port clients connect to. */
  public int port() {
    return listener.getLocalPort();
  }

  /** From now on, bytes from the server are read and discarded instead of forwarded. */
  public void dropReplies() {
    dropReplies = true;
  }

  /**
   * Closes every open connection, both sides, and forwards normally on the connections that follow.
   */
  public void cutConnections() {
    dropReplies = false;
    for (Socket socket : sockets) {
      closeQuietly(socket);
    }
    sockets.clear();
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(listener);
    cutConnections();
  }

  private void accept() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return;
      }
      try {
        Socket server = new Socket();
        server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
        sockets.add(client);
        sockets.add(server);
        pump(client, server, false);
        pump(server, client, true);
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  private void pump(Socket from, Socket to, boolean reply) {
    Thread thread =
        new Thread(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  if (reply && dropReplies) {
                    continue;
                  }
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (SocketException e) {
                // Closed by cutConnections() or by either side.
              } catch (IOException e) {
                // The same: this connection is over.
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "tcp-proxy-" + (reply ? "reply-" : "request-") + from.getPort());
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // Already closed.
    }
  }
}
