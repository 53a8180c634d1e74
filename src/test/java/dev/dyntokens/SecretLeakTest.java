package dev.dyntokens;

import static dev.dyntokens.Fixtures.API_TOKEN;
import static dev.dyntokens.Fixtures.CREATED_BODY;
import static dev.dyntokens.Fixtures.RAW_TOKEN;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.HotSpotDiagnosticMXBean;
import dev.dyntokens.RawHttpServer.End;
import dev.dyntokens.RawHttpServer.Part;
import dev.dyntokens.RawHttpServer.Script;
import dev.dyntokens.support.LogCapture;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * No secret leaves the client by any way but {@link Token#rawToken()}: on every error path (each
 * status, decoding and integrity failures, timeouts, closed and refused connections), every retry
 * path (backoffs, exhausted retries, reconciled creates) and with wire logging on, neither the API
 * token nor a raw token (nor a 10-character piece of one) appears in a log line, an exception
 * message, a stack trace with its causes and suppressed exceptions, or a toString. And once a
 * created token has been delivered and dropped, a heap dump holds no copy of its secret.
 */
class SecretLeakTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String RAW_TOKEN_2 = "dyn_SecondRawTokenOfTheReconcileTest9Zq7Xw";
  private static final Duration VERIFY = Duration.ofSeconds(10);
  private static final Map<String, String> SUMMARY = new ConcurrentHashMap<>();

  private RawHttpServer raw;
  private final List<String> seen = new ArrayList<>();
  private final List<String> paths = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    raw = new RawHttpServer();
    LogCapture.clear();
  }

  @AfterEach
  void stop() {
    raw.close();
  }

  @AfterAll
  static void writeSummary() throws Exception {
    Path out = Path.of("target", "reliability", "secrets.txt");
    Files.createDirectories(out.getParent());
    StringBuilder sb = new StringBuilder();
    new TreeMap<>(SUMMARY).forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
    Files.writeString(out, sb.toString());
    System.out.print(sb);
  }

  private ReactiveTokenClient.Builder clientFor(String baseUrl) {
    return ReactiveTokenClient.builder()
        .baseUrl(baseUrl)
        .apiToken(API_TOKEN)
        .wiretap(true)
        .retryPolicy(RetryPolicy.none())
        .responseTimeout(Duration.ofMillis(500));
  }

  private static RetryPolicy.Builder quickRetries() {
    return RetryPolicy.builder()
        .maxAttempts(3)
        .initialBackoff(Duration.ofMillis(1))
        .maxBackoff(Duration.ofMillis(5))
        .throttledBackoff(Duration.ofMillis(5))
        .adaptiveThrottling(false)
        .noRetryBudget();
  }

  // ---- what is looked at ----

  /** Runs one call and records every string it produced about itself. */
  private void record(String path, Mono<?> call) {
    paths.add(path);
    Object outcome =
        call.map(Object.class::cast)
            .onErrorResume(Mono::just)
            .defaultIfEmpty("empty")
            .block(VERIFY);
    seen.add(String.valueOf(outcome));
    if (outcome instanceof List) {
      for (Object o : (List<?>) outcome) {
        seen.add(String.valueOf(o));
      }
    }
    if (outcome instanceof Throwable) {
      Throwable t = (Throwable) outcome;
      StringWriter trace = new StringWriter();
      t.printStackTrace(new PrintWriter(trace));
      seen.add(trace.toString());
      for (Throwable c = t; c != null; c = c.getCause()) {
        seen.add(String.valueOf(c.getMessage()));
        seen.add(c.toString());
        for (Throwable s : c.getSuppressed()) {
          seen.add(s.toString());
        }
      }
    }
  }

  /** Asserts that nothing seen (and no log line) holds a secret or a 10-character piece of one. */
  private void assertNoSecret(String name, List<String> rawTokens) {
    List<String> logs = LogCapture.lines();
    assertThat(logs).as("wire log lines").anyMatch(l -> l.contains("dev.dyntokens.wire"));
    List<String> all = new ArrayList<>(seen);
    all.addAll(logs);
    List<String> secrets = new ArrayList<>(rawTokens);
    secrets.add(API_TOKEN);
    int found = 0;
    List<String> where = new ArrayList<>();
    for (String secret : secrets) {
      // Pieces that hold more than the public checksum (the last 6 characters).
      for (int i = 0; i + 10 <= secret.length() - 6; i++) {
        String piece = secret.substring(i, i + 10);
        for (String s : all) {
          if (s.contains(piece)) {
            found++;
            if (where.size() < 5) {
              int at = s.indexOf(piece);
              where.add(
                  piece
                      + " in: "
                      + s.substring(Math.max(0, at - 200), Math.min(s.length(), at + 60)));
            }
          }
        }
      }
      for (String s : all) {
        if (s.contains(secret)) {
          found++;
        }
      }
    }
    SUMMARY.put(
        name,
        "paths tried: "
            + paths.size()
            + " "
            + paths
            + ", strings checked: "
            + all.size()
            + " (log lines "
            + logs.size()
            + "), occurrences found: "
            + found);
    assertThat(where).as("secrets found").isEmpty();
    assertThat(found).isZero();
  }

  // ---- error paths ----

  private static byte[] answer(int status, String contentType, String body, String... headers) {
    List<String> h = new ArrayList<>(List.of(headers));
    h.add("Content-Type: " + contentType);
    byte[] b = body.getBytes(UTF_8);
    h.add("Content-Length: " + b.length);
    return HttpBytes.response("HTTP/1.1 " + status + " X", h, b);
  }

  @Test
  void noSecretOnAnyErrorPath() throws Exception {
    String echo =
        "{\"error\":\"token "
            + RAW_TOKEN
            + " refused for Bearer "
            + API_TOKEN
            + "\",\"code\":\""
            + API_TOKEN
            + "\",\"payload\":{\"rawToken\":\""
            + RAW_TOKEN
            + "\",\"auth\":\"Authorization: Bearer "
            + API_TOKEN
            + "\"}}";
    String html = "<html><body><pre>" + RAW_TOKEN + " " + API_TOKEN + "</pre></body></html>";
    String[] echoHeaders = {
      "WWW-Authenticate: Bearer realm=\"api\", error=\"invalid_token\", token=\""
          + API_TOKEN
          + "\"",
      "X-Echo: " + RAW_TOKEN,
      "Set-Cookie: session=" + API_TOKEN
    };
    try (ReactiveTokenClient client = clientFor(raw.baseUrl()).build()) {
      seen.add(client.toString());
      for (int status :
          new int[] {301, 400, 401, 403, 404, 409, 418, 422, 429, 500, 502, 503, 504}) {
        for (String[] body :
            new String[][] {
              {"application/json", echo},
              {"text/html", html},
              {"text/plain", RAW_TOKEN + "\n" + API_TOKEN}
            }) {
          raw.answer(Script.of(answer(status, body[0], body[1], echoHeaders), End.KEEP));
          record(
              "create " + status + " " + body[0], client.createToken(CreateTokenRequest.of("n")));
          record("list " + status + " " + body[0], client.listTokens().collectList());
          record("delete " + status + " " + body[0], client.deleteToken("t1"));
        }
      }
      // Decoding and integrity failures of answers that carry the secret.
      Map<String, String> broken = new TreeMap<>();
      broken.put("checksum", CREATED_BODY.replace("\"4n3LFC\"", "\"WRONG1\""));
      broken.put("non-ascii", CREATED_BODY.replace(RAW_TOKEN, RAW_TOKEN + "\u00e9"));
      broken.put("control", CREATED_BODY.replace(RAW_TOKEN, RAW_TOKEN + "\\u0000"));
      broken.put("not-json", "rawToken=" + RAW_TOKEN + "&auth=" + API_TOKEN);
      broken.put("truncated", CREATED_BODY.substring(0, CREATED_BODY.indexOf(RAW_TOKEN) + 30));
      broken.put(
          "duplicate",
          CREATED_BODY.replace(
              "\"checksum\"", "\"rawToken\": \"" + RAW_TOKEN + "\",\n\"checksum\""));
      broken.put(
          "wrong-type",
          CREATED_BODY.replace("\"active\": true", "\"active\": \"" + RAW_TOKEN + "\""));
      broken.put(
          "raw-as-number",
          CREATED_BODY.replace("\"" + RAW_TOKEN + "\"", "[\"" + RAW_TOKEN + "\"]"));
      broken.put(
          "raw-as-id", CREATED_BODY.replace("\"id\": \"95b11417", "\"id\": \"" + RAW_TOKEN + "/x"));
      broken.put("raw-as-date", CREATED_BODY.replace("2023-11-07T05:31:56Z", RAW_TOKEN));
      broken.put(
          "raw-as-scope",
          CREATED_BODY.replace("waas.delegatedAccess.signMessage", RAW_TOKEN + " x"));
      broken.put("nesting", "{\"token\":" + "[".repeat(40) + "\"" + RAW_TOKEN + "\"");
      broken.put("huge", "{\"x\":\"" + RAW_TOKEN.repeat(30_000) + "\"}");
      broken.put("null", "null");
      for (Map.Entry<String, String> e : broken.entrySet()) {
        raw.answer(Script.of(answer(200, "application/json", e.getValue()), End.KEEP));
        record("create decoding " + e.getKey(), client.createToken(CreateTokenRequest.of("n")));
        record("list decoding " + e.getKey(), client.listTokens().collectList());
      }
      raw.answer(
          Script.of(
              answer(
                  200, "application/json", "{\"tokens\":[{\"rawToken\":\"" + RAW_TOKEN + "\"}]}"),
              End.KEEP));
      record("list with a raw token", client.listTokens().collectList());

      // Transport failures after part of the secret arrived.
      byte[] full = answer(200, "application/json", CREATED_BODY);
      int mid = indexOf(full, RAW_TOKEN.substring(0, 20));
      byte[] half = Arrays.copyOf(full, mid + 10);
      raw.answer(Script.of(half, End.KEEP));
      record("timeout mid-secret", client.createToken(CreateTokenRequest.of("n")));
      raw.answer(Script.of(half, End.CLOSE));
      record("closed mid-secret", client.createToken(CreateTokenRequest.of("n")));
      raw.answer(Script.of(half, End.RESET));
      record("reset mid-secret", client.createToken(CreateTokenRequest.of("n")));

      // The secret split across reads: each read is logged on its own.
      for (int at : new int[] {mid - 4, mid - 3, mid - 1, mid, mid + 1, mid + 8, mid + 20}) {
        raw.answer(
            new Script(
                List.of(
                    new Part(Arrays.copyOf(full, at), 0),
                    new Part(Arrays.copyOfRange(full, at, full.length), 40)),
                End.KEEP));
        record("split at " + (at - mid), client.createToken(CreateTokenRequest.of("n")));
      }
    }
    try (ServerSocket closed = new ServerSocket(0)) {
      int port = closed.getLocalPort();
      closed.close();
      try (ReactiveTokenClient refused = clientFor("http://127.0.0.1:" + port + "/api").build()) {
        record("refused", refused.createToken(CreateTokenRequest.of("n")));
        record("refused list", refused.listTokens().collectList());
      }
    }
    // The wire log of a successful exchange is needed too.
    raw.answer(Script.of(answer(200, "application/json", CREATED_BODY), End.KEEP));
    try (ReactiveTokenClient client = clientFor(raw.baseUrl()).build()) {
      record("success", client.createToken(CreateTokenRequest.of("n")));
    }
    assertNoSecret("error paths", List.of(RAW_TOKEN));
  }

  // ---- retry paths ----

  @Test
  void noSecretOnAnyRetryPath() throws Exception {
    String echo = "{\"error\":\"" + RAW_TOKEN + " " + API_TOKEN + "\"}";
    RetryPolicy policy = quickRetries().build();
    seen.add(policy.toString());
    try (ReactiveTokenClient client = clientFor(raw.baseUrl()).retryPolicy(policy).build()) {
      seen.add(client.toString());
      for (int status : new int[] {429, 500, 502, 503, 504}) {
        raw.answer(Script.of(answer(status, "application/json", echo, "Retry-After: 0"), End.KEEP));
        record("create retried " + status, client.createToken(CreateTokenRequest.of("n")));
        record("list retried " + status, client.listTokens().collectList());
        record("delete retried " + status, client.deleteToken("t1"));
      }
      byte[] full = answer(200, "application/json", CREATED_BODY);
      byte[] half = Arrays.copyOf(full, indexOf(full, RAW_TOKEN) + 20);
      for (End end : End.values()) {
        raw.answer(Script.of(half, end));
        record("create retried " + end, client.createToken(CreateTokenRequest.of("n")));
        record("list retried " + end, client.listTokens().collectList());
      }
    }

    // Reconciled creates: the server made the token, answered 500 with the secret in the body,
    // and the client lists (the list leaks the secret too), revokes and tries again.
    try (MockWebServer server = Fixtures.startServer()) {
      ReconcileFake fake = new ReconcileFake();
      server.setDispatcher(fake);
      RetryPolicy reconciling = quickRetries().reconcileCreates(true).build();
      seen.add(reconciling.toString());
      try (ReactiveTokenClient client =
          clientFor(Fixtures.baseUrl(server)).retryPolicy(reconciling).build()) {
        fake.failPosts = 1;
        record("reconciled then delivered", client.createToken(CreateTokenRequest.of("n")));
        fake.failPosts = Integer.MAX_VALUE;
        record("reconciled and exhausted", client.createToken(CreateTokenRequest.of("n")));
        fake.failPosts = Integer.MAX_VALUE;
        fake.failLists = true;
        record("reconcile failed", client.createToken(CreateTokenRequest.of("n")));
      }
      assertThat(fake.posts.get()).isGreaterThanOrEqualTo(6);
    }
    assertNoSecret("retry paths", List.of(RAW_TOKEN, RAW_TOKEN_2));
  }

  /** Creates fail with a 500 that echoes the secrets; lists show the made tokens with secrets. */
  private static final class ReconcileFake extends Dispatcher {
    final Map<String, String> live = new ConcurrentHashMap<>();
    final AtomicInteger posts = new AtomicInteger();
    volatile int failPosts;
    volatile boolean failLists;
    private int failed;

    @Override
    public synchronized MockResponse dispatch(RecordedRequest request) {
      try {
        String path = request.getUrl().encodedPath();
        switch (request.getMethod()) {
          case "POST":
            {
              posts.incrementAndGet();
              String note = MAPPER.readTree(request.getBody().utf8()).get("note").asText();
              String id = UUID.randomUUID().toString();
              live.put(id, note);
              if (failed++ < failPosts) {
                return Fixtures.json(
                    500, "{\"error\":\"made " + RAW_TOKEN + " for " + API_TOKEN + "\"}");
              }
              failed = 0;
              ObjectNode body = (ObjectNode) MAPPER.readTree(CREATED_BODY);
              ((ObjectNode) body.get("token"))
                  .put("id", id)
                  .put("note", note)
                  .put("rawToken", RAW_TOKEN_2)
                  .put("checksum", RAW_TOKEN_2.substring(RAW_TOKEN_2.length() - 6));
              return Fixtures.json(200, MAPPER.writeValueAsString(body));
            }
          case "GET":
            {
              if (failLists) {
                return Fixtures.json(503, "{\"error\":\"" + API_TOKEN + "\"}");
              }
              StringBuilder sb = new StringBuilder("{\"tokens\":[");
              String sep = "";
              for (Map.Entry<String, String> t : live.entrySet()) {
                sb.append(sep)
                    .append("{\"id\":\"")
                    .append(t.getKey())
                    .append("\",\"rawToken\":\"")
                    .append(RAW_TOKEN)
                    .append("\",\"checksum\":\"4n3LFC\",\"note\":")
                    .append(MAPPER.writeValueAsString(t.getValue()))
                    .append(
                        ",\"createdBy\":{\"id\":\"u1\"},\"createdAt\":\"2023-11-07T05:31:56Z\"}");
                sep = ",";
              }
              return Fixtures.json(200, sb.append("]}").toString());
            }
          default:
            live.remove(path.substring(path.lastIndexOf('/') + 1));
            return new MockResponse.Builder().code(204).build();
        }
      } catch (Exception e) {
        return Fixtures.json(400, "{\"error\":\"fake\"}");
      }
    }
  }

  // ---- the heap after delivery ----

  @Test
  void aDeliveredAndDroppedRawTokenIsNotRetainedInTheHeap() throws Exception {
    Path dump = Path.of("target", "secret-scan-" + ProcessHandle.current().pid() + ".hprof");
    Files.createDirectories(dump.getParent());
    Files.deleteIfExists(dump);
    // No timeout is under test here: a generous one, so that a loaded machine cannot fail a call.
    try (ReactiveTokenClient client =
        clientFor(raw.baseUrl()).responseTimeout(Duration.ofSeconds(5)).build()) {
      // Only a shifted copy of each secret is kept, so the test itself holds no needle.
      List<byte[]> shifted = new ArrayList<>();
      Set<EventExecutor> deliveringLoops = new HashSet<>();
      for (int i = 0; i < 3; i++) {
        shifted.add(createAndForget(client, deliveringLoops));
      }
      raw.answer(Script.of(new byte[0], End.CLOSE));
      // block() returns once the event loop has handed the token to its subscriber, while that
      // loop is still unwinding the exchange (completing it, releasing the connection to the pool).
      // Until it has, its stack reaches the caller's subscriber, which holds the token, and a dump
      // taken then finds that copy through the thread's frames, not through anything the client
      // keeps. A task queued on each delivering loop runs only after that read has returned, so the
      // dump shows what the client retains once it is done with the exchange.
      for (EventExecutor loop : deliveringLoops) {
        loop.submit(() -> {}).get(VERIFY.toMillis(), TimeUnit.MILLISECONDS);
      }
      // Likewise the fake server's thread may not yet have left the frame that wrote the last
      // answer (with the secret in it): that copy is the test's own.
      raw.awaitAnswersWritten(VERIFY);
      HotSpotDiagnosticMXBean bean =
          ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      bean.dumpHeap(dump.toString(), true);
      long size = Files.size(dump);
      Map<String, Integer> found = new TreeMap<>();
      for (byte[] s : shifted) {
        String needle = unshift(s);
        found.merge("utf-8/latin-1", count(dump, needle.getBytes(ISO_8859_1)), Integer::sum);
        found.merge(
            "utf-16be",
            count(dump, needle.getBytes(java.nio.charset.StandardCharsets.UTF_16BE)),
            Integer::sum);
        found.merge(
            "utf-16le",
            count(dump, needle.getBytes(java.nio.charset.StandardCharsets.UTF_16LE)),
            Integer::sum);
      }
      // The scan works: the API token the client must hold is found.
      int apiToken = count(dump, API_TOKEN.getBytes(ISO_8859_1));
      SUMMARY.put(
          "heap dump",
          "3 raw tokens created, delivered and dropped; live heap dump of "
              + size / (1 << 20)
              + " MiB scanned; occurrences found: "
              + found
              + " (control: the API token the client holds found "
              + apiToken
              + " times)");
      assertThat(apiToken).as("the scan finds what the client does hold").isPositive();
      assertThat(found.values()).as("copies of delivered raw tokens: " + found).containsOnly(0);
    } finally {
      Files.deleteIfExists(dump);
    }
  }

  /**
   * Creates a token with a fresh random secret and returns that secret shifted by one; adds the
   * event loop that delivered it to {@code deliveringLoops}.
   */
  private byte[] createAndForget(ReactiveTokenClient client, Set<EventExecutor> deliveringLoops) {
    SecureRandom random = new SecureRandom();
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    char[] chars = new char[36];
    for (int i = 0; i < chars.length; i++) {
      chars[i] = alphabet.charAt(random.nextInt(alphabet.length()));
    }
    String secret = "dyn_" + new String(chars);
    String body =
        CREATED_BODY
            .replace(RAW_TOKEN, secret)
            .replace("\"4n3LFC\"", "\"" + secret.substring(secret.length() - 6) + "\"");
    raw.answer(Script.of(answer(200, "application/json", body), End.KEEP));
    AtomicReference<EventExecutor> deliveredOn = new AtomicReference<>();
    Token token =
        client
            .createToken(CreateTokenRequest.of("n"))
            .doOnNext(t -> deliveredOn.set(ThreadExecutorMap.currentExecutor()))
            .block(VERIFY);
    assertThat(token).isNotNull();
    assertThat(token.rawToken()).isEqualTo(secret);
    assertThat(deliveredOn.get()).as("the event loop that delivered the token").isNotNull();
    deliveringLoops.add(deliveredOn.get());
    return shift(secret, 1);
  }

  private static byte[] shift(String s, int by) {
    byte[] b = s.getBytes(ISO_8859_1);
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (b[i] + by);
    }
    return b;
  }

  private static String unshift(byte[] shifted) {
    byte[] b = shifted.clone();
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (b[i] - 1);
    }
    return new String(b, ISO_8859_1);
  }

  /** Occurrences of {@code needle} in the file, read in blocks that overlap by its length. */
  private static int count(Path file, byte[] needle) throws Exception {
    int found = 0;
    byte[] buf = new byte[8 << 20];
    int carry = 0;
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.readNBytes(buf, carry, buf.length - carry)) > 0) {
        int len = carry + n;
        int last = len - needle.length;
        outer:
        for (int i = 0; i <= last; i++) {
          for (int j = 0; j < needle.length; j++) {
            if (buf[i + j] != needle[j]) {
              continue outer;
            }
          }
          found++;
        }
        carry = Math.min(needle.length - 1, len);
        System.arraycopy(buf, len - carry, buf, 0, carry);
      }
    }
    return found;
  }

  private static int indexOf(byte[] haystack, String needle) {
    byte[] n = needle.getBytes(UTF_8);
    outer:
    for (int i = 0; i + n.length <= haystack.length; i++) {
      for (int j = 0; j < n.length; j++) {
        if (haystack[i + j] != n[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new IllegalArgumentException("not found");
  }
}
