package dev.dyntokens.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A plain HTTP client for the fake's tests, independent of the library's client. */
final class Http {
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private final String baseUrl;
  private final String token;

  Http(FakeDynamicApi api) {
    this(api.baseUrl(), api.apiToken());
  }

  Http(String baseUrl, String token) {
    this.baseUrl = baseUrl;
    this.token = token;
  }

  Http withToken(String token) {
    return new Http(baseUrl, token);
  }

  HttpResponse<String> get(String path) {
    return send(request(path).GET().build());
  }

  HttpResponse<String> post(String path, String json) {
    return send(post(path, json, Duration.ofSeconds(10)));
  }

  HttpResponse<String> delete(String path) {
    return send(request(path).DELETE().build());
  }

  HttpRequest post(String path, String json, Duration timeout) {
    return request(path)
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json))
        .build();
  }

  HttpRequest.Builder request(String path) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(10));
    if (!token.isEmpty()) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  CompletableFuture<HttpResponse<String>> sendAsync(HttpRequest request) {
    return CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> send(HttpRequest request) {
    try {
      return CLIENT
          .sendAsync(request, HttpResponse.BodyHandlers.ofString())
          .get(15, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException
          ? new UncheckedIOException((IOException) e.getCause())
          : new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("no complete answer within 15 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static JsonNode json(HttpResponse<String> response) {
    try {
      return MAPPER.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String createBody(String note, String... scopes) {
    StringBuilder json = new StringBuilder("{\"note\":\"").append(note).append("\",\"scopes\":[");
    for (int i = 0; i < scopes.length; i++) {
      json.append(i == 0 ? "" : ",").append('"').append(scopes[i]).append('"');
    }
    return json.append("]}").toString();
  }

  /** What a raw socket exchange saw: the bytes read and how the stream ended. */
  static final class Raw {
    private final byte[] bytes;
    private final boolean closedByServer;
    private final boolean timedOut;

    Raw(byte[] bytes, boolean closedByServer, boolean timedOut) {
      this.bytes = bytes;
      this.closedByServer = closedByServer;
      this.timedOut = timedOut;
    }

    byte[] bytes() {
      return bytes;
    }

    boolean closedByServer() {
      return closedByServer;
    }

    boolean timedOut() {
      return timedOut;
    }

    String text() {
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
  }

  /** Sends one HTTP/1.1 request on a fresh socket and reads until the server closes or timeout. */
  static Raw raw(FakeDynamicApi api, String method, String path, String body, Duration timeout) {
    String request =
        method
            + " "
            + URI.create(api.baseUrl()).getPath()
            + path
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
            + api.apiToken()
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + body.getBytes(StandardCharsets.UTF_8).length
            + "\r\n\r\n"
            + body;
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), api.port()), 5000);
      socket.setSoTimeout((int) timeout.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.UTF_8));
      out.flush();
      return read(socket.getInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Raw read(InputStream in) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n; (n = in.read(buffer)) != -1; ) {
        bytes.write(buffer, 0, n);
      }
      return new Raw(bytes.toByteArray(), true, false);
    } catch (SocketTimeoutException e) {
      return new Raw(bytes.toByteArray(), false, true);
    } catch (IOException e) {
      return new Raw(bytes.toByteArray(), true, false);
    }
  }
}
