package dev.dyntokens.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

/**
 * A small in-process stand-in for the create and delete endpoints, used while the library's own
 * fake is not available: checks the bearer token and the body, answers the documented shapes, and
 * can inject faults and a per-second rate limit (429 with {@code Retry-After}).
 */
public final class BuiltinFakeApi implements Target {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final char[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  private final String apiToken = "dyn_fake_" + UUID.randomUUID().toString().replace("-", "");
  private final double faultRate;
  private final int rateLimitPerSecond;
  private final LoopResources loops = LoopResources.create("fake-api", 1, true);
  private final DisposableServer server;
  private final LongAdder requests = new LongAdder();
  private final LongAdder created = new LongAdder();
  private final LongAdder faults = new LongAdder();
  private final LongAdder limited = new LongAdder();
  private final AtomicLong window = new AtomicLong();
  private final AtomicLong inWindow = new AtomicLong();

  public BuiltinFakeApi(double faultRate, int rateLimitPerSecond) {
    this.faultRate = faultRate;
    this.rateLimitPerSecond = rateLimitPerSecond;
    this.server =
        HttpServer.create()
            .host("127.0.0.1")
            .port(0)
            .runOn(loops)
            .route(
                r ->
                    r.post("/api/v0/user/tokens", this::create)
                        .delete("/api/v0/user/tokens/{id}", (req, res) -> res.status(204).send()))
            .bindNow(Duration.ofSeconds(10));
  }

  @Override
  public String baseUrl() {
    return "http://127.0.0.1:" + server.port() + "/api/v0";
  }

  @Override
  public String apiToken() {
    return apiToken;
  }

  @Override
  public String describe() {
    return String.format(
        Locale.ROOT,
        "embedded fake (built-in) at %s, fault rate %.3f, rate limit %s",
        baseUrl(),
        faultRate,
        rateLimitPerSecond > 0 ? rateLimitPerSecond + "/s" : "off");
  }

  @Override
  public boolean real() {
    return false;
  }

  @Override
  public Map<String, Long> serverStats() {
    Map<String, Long> stats = new LinkedHashMap<>();
    stats.put("requests", requests.sum());
    stats.put("created", created.sum());
    stats.put("faultsInjected", faults.sum());
    stats.put("rateLimited", limited.sum());
    return stats;
  }

  private Publisher<Void> create(HttpServerRequest req, HttpServerResponse res) {
    requests.increment();
    if (!("Bearer " + apiToken).equals(req.requestHeaders().get(HttpHeaderNames.AUTHORIZATION))) {
      return json(res, 401, "{\"error\":\"Unauthorized\"}");
    }
    if (overLimit()) {
      limited.increment();
      res.header(HttpHeaderNames.RETRY_AFTER, "1");
      return json(res, 429, "{\"message\":\"Rate limit exceeded\",\"code\":429}");
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    if (faultRate > 0 && random.nextDouble() < faultRate) {
      faults.increment();
      return fault(req, res, random.nextInt(5));
    }
    return req.receive()
        .aggregate()
        .asString(StandardCharsets.UTF_8)
        .defaultIfEmpty("")
        .flatMap(body -> Mono.from(answer(res, body)));
  }

  private boolean overLimit() {
    if (rateLimitPerSecond <= 0) {
      return false;
    }
    long second = System.nanoTime() / 1_000_000_000L;
    long current = window.get();
    if (current != second && window.compareAndSet(current, second)) {
      inWindow.set(0);
    }
    return inWindow.incrementAndGet() > rateLimitPerSecond;
  }

  private Publisher<Void> fault(HttpServerRequest req, HttpServerResponse res, int kind) {
    return switch (kind) {
      case 0 -> json(res, 500, "{\"error\":\"Internal server error\"}");
      case 1 ->
          res.status(502)
              .header(HttpHeaderNames.CONTENT_TYPE, "text/html")
              .sendString(Mono.just("<html><body>502 Bad Gateway</body></html>"));
      case 2 -> res.status(503).send();
      case 3 -> json(res, 200, "{\"token\":{\"id\":\"broken\""); // truncated JSON: decoding
      default ->
          Mono.fromRunnable(() -> res.withConnection(c -> c.channel().close())); // reset
    };
  }

  private Publisher<Void> answer(HttpServerResponse res, String body) {
    JsonNode request;
    try {
      request = MAPPER.readTree(body);
    } catch (Exception e) {
      return json(res, 400, "{\"error\":\"Malformed JSON\"}");
    }
    JsonNode note = request == null ? null : request.get("note");
    if (note == null || !note.isTextual() || note.asText().isBlank() || note.asText().length() > 100) {
      return json(res, 400, "{\"error\":\"note is required and at most 100 characters\"}");
    }
    List<String> scopes = new java.util.ArrayList<>();
    JsonNode s = request.get("scopes");
    if (s != null && s.isArray()) {
      s.forEach(n -> scopes.add(n.asText()));
    }
    String raw = "dyn_" + random(36);
    String id = UUID.randomUUID().toString();
    Map<String, Object> token = new LinkedHashMap<>();
    token.put("id", id);
    token.put("rawToken", raw);
    token.put("checksum", raw.substring(raw.length() - 6));
    token.put("createdBy", Map.of("id", "00000000-0000-4000-8000-000000000001"));
    token.put("createdAt", Instant.now().toString());
    token.put("active", true);
    token.put("note", note.asText());
    token.put("scopes", scopes);
    created.increment();
    try {
      return json(res, 200, MAPPER.writeValueAsString(Map.of("token", token)));
    } catch (Exception e) {
      return json(res, 500, "{\"error\":\"encoding\"}");
    }
  }

  private static Publisher<Void> json(HttpServerResponse res, int status, String body) {
    return res.status(HttpResponseStatus.valueOf(status))
        .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
        .sendString(Mono.just(body));
  }

  private static String random(int length) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    char[] c = new char[length];
    for (int i = 0; i < length; i++) {
      c[i] = ALPHABET[r.nextInt(ALPHABET.length)];
    }
    return new String(c);
  }

  @Override
  public void close() {
    server.disposeNow(Duration.ofSeconds(5));
    loops.disposeLater(Duration.ZERO, Duration.ofSeconds(1)).block(Duration.ofSeconds(5));
  }
}
