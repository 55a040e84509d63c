package io.authstore.bench.http;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The least HTTP/1.1 client that can fill a server before a run: one keep-alive connection,
 * requests in sequence, responses framed by {@code Content-Length} only (what the server sends for
 * its JSON answers; anything else fails loudly). Several times cheaper per request than the JDK's
 * {@code HttpClient}, which matters when the setup sends 100,000 requests on two cores.
 *
 * <p>Not thread-safe: one thread per connection.
 */
final class SetupConnection implements AutoCloseable {
  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;
  private final String apiKey;

  SetupConnection(int port, String apiKey) {
    this.apiKey = apiKey;
    try {
      socket = new Socket(InetAddress.getLoopbackAddress(), port);
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(10_000);
      out = socket.getOutputStream();
      in = new BufferedInputStream(socket.getInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Sends one request and reads its answer.
   *
   * @param body JSON, or {@code null} for none
   * @return the status code, a space, and the body
   */
  String send(String method, String path, String body) {
    byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    StringBuilder head =
        new StringBuilder()
            .append(method)
            .append(' ')
            .append(path)
            .append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: ")
            .append(apiKey)
            .append("\r\n");
    if (body != null) {
      head.append("Content-Type: application/json\r\nContent-Length: ")
          .append(content.length)
          .append("\r\n");
    }
    head.append("\r\n");
    try {
      out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
      out.write(content);
      out.flush();
      return read();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String read() throws IOException {
    String status = line();
    String[] parts = status.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.1")) {
      throw new IOException("not an HTTP/1.1 answer: " + status);
    }
    int length = -1;
    for (String header = line(); !header.isEmpty(); header = line()) {
      String lower = header.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Integer.parseInt(lower.substring("content-length:".length()).trim());
      } else if (lower.startsWith("transfer-encoding:")) {
        throw new IOException("unexpected " + header);
      }
    }
    if (length < 0) {
      throw new IOException("no Content-Length in the answer: " + status);
    }
    byte[] content = in.readNBytes(length);
    if (content.length != length) {
      throw new IOException("connection closed in the middle of an answer");
    }
    return parts[1] + " " + new String(content, StandardCharsets.UTF_8);
  }

  private String line() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("connection closed");
      }
      if (b != '\r') {
        bytes.write(b);
      }
    }
    return bytes.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // Closing a loopback socket after the setup: nothing to do.
    }
  }
}
