package dev.dyntokens;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP server on 127.0.0.1 that answers every HTTP request with whatever bytes the test scripted,
 * well-formed or not: it reads the request head (and a body of the declared length), then writes
 * the current {@link Script} part by part and ends the way the script says. Runs on its own plain
 * threads, which may block.
 */
final class RawHttpServer implements AutoCloseable {
  /** How a scripted answer ends. */
  enum End {
    /** Half-close (FIN) after the last part, then close. */
    CLOSE,
    /** Abort with a TCP reset after the last part. */
    RESET,
    /** Keep the connection open and serve the next request on it, if any. */
    KEEP
  }

  /** Bytes to write, after an optional pause (so that the client sees them in a separate read). */
  record Part(byte[] bytes, int delayMillis) {}

  /** One scripted answer. */
  record Script(List<Part> parts, End end) {
    static Script of(byte[] bytes, End end) {
      return new Script(List.of(new Part(bytes, 0)), end);
    }

    long size() {
      long n = 0;
      for (Part p : parts) {
        n += p.bytes().length;
      }
      return n;
    }
  }

  private final ServerSocket socket;
  private final ExecutorService threads;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger answered = new AtomicInteger();
  private volatile Script script = Script.of(new byte[0], End.CLOSE);
  private volatile boolean closed;

  RawHttpServer() throws IOException {
    socket = new ServerSocket(0, 128, InetAddress.getByName("127.0.0.1"));
    AtomicInteger n = new AtomicInteger();
    threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t =
                  new Thread(r, "raw-http-" + socket.getLocalPort() + "-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    threads.execute(this::acceptLoop);
  }

  int port() {
    return socket.getLocalPort();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + port() + "/api/v0";
  }

  /** The answer to every request from now on. */
  void answer(Script script) {
    this.script = script;
  }

  /** Requests whose head was read completely. */
  int requestCount() {
    return requests.get();
  }

  /**
   * Waits until every request read so far has been answered and its answer's {@link #write} frame
   * has returned: until then a server thread still holds the scripted answer, and a heap dump would
   * find it there.
   */
  void awaitAnswersWritten(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (answered.get() < requests.get()) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            "answers not written within " + timeout + ": " + answered + " of " + requests);
      }
      Thread.sleep(1);
    }
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket s = socket.accept();
        open.add(s);
        threads.execute(() -> serve(s));
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      s.setSoTimeout(10_000);
      s.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(s.getInputStream());
      OutputStream out = s.getOutputStream();
      while (readRequest(in)) {
        requests.incrementAndGet();
        End end;
        try {
          end = write(out);
        } finally {
          answered.incrementAndGet();
        }
        if (end == End.RESET) {
          s.setSoLinger(true, 0);
          return;
        }
        if (end == End.CLOSE) {
          s.shutdownOutput();
          return;
        }
      }
    } catch (IOException e) {
      // The client went away: nothing to do.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      open.remove(s);
    }
  }

  /**
   * Writes the current script. A method of its own, so that no frame of a thread waiting for the
   * next request still holds the previous answer (a heap dump would find it there).
   */
  private End write(OutputStream out) throws IOException, InterruptedException {
    Script current = script;
    for (Part p : current.parts()) {
      if (p.delayMillis() > 0) {
        Thread.sleep(p.delayMillis());
      }
      out.write(p.bytes());
      out.flush();
    }
    return current.end();
  }

  /** Reads one request head and its declared body; false at end of stream. */
  private static boolean readRequest(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream(512);
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        return false;
      }
      head.write(b);
      if (head.size() > (1 << 20)) {
        throw new IOException("request head too long");
      }
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    long length = 0;
    for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
      String lower = line.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Long.parseLong(line.substring(15).strip());
      }
    }
    for (long i = 0; i < length; i++) {
      if (in.read() < 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    closed = true;
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    threads.shutdownNow();
  }
}
