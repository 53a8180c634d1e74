package dev.dyntokens.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A raw loopback socket to the fake, for requests no HTTP client would send. */
final class RawConnection implements AutoCloseable {
  private final Socket socket = new Socket();

  RawConnection(FakeDynamicApi api) {
    try {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), api.port()), 5000);
      socket.setSoTimeout(5000);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes bytes; false if the server already closed (or reset) the connection. */
  boolean write(byte[] bytes) {
    try {
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  boolean write(String text) {
    return write(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Closes the sending half only: the server sees the end of the stream. */
  void shutdownOutput() {
    try {
      socket.shutdownOutput();
    } catch (IOException e) {
      // already closed
    }
  }

  /** Reads until the server closes the connection or {@code timeout} passes without a byte. */
  Http.Raw readUntilClosed(Duration timeout) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      socket.setSoTimeout((int) timeout.toMillis());
      InputStream in = socket.getInputStream();
      for (int n; (n = in.read(buffer)) != -1; ) {
        bytes.write(buffer, 0, n);
      }
      return new Http.Raw(bytes.toByteArray(), true, false);
    } catch (SocketTimeoutException e) {
      return new Http.Raw(bytes.toByteArray(), false, true);
    } catch (IOException e) {
      return new Http.Raw(bytes.toByteArray(), true, false);
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing to do
    }
  }
}
