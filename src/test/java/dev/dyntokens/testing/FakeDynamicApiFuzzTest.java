package dev.dyntokens.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile requests against the fake, on loopback: bad methods, paths, escapes, versions, headers
 * and bodies, oversized heads and bodies, half-closed, abandoned and slow connections. Seeded
 * ({@code -Dfuzz.seed=N} replays a run) and bounded in count and time. Every request gets an answer
 * or a clean close, never a hang; nothing is logged at ERROR; no answer is a 500 (the fake's own
 * failure); nothing stays in flight; memory stays bounded; the fake still serves afterwards.
 */
@Timeout(120)
class FakeDynamicApiFuzzTest {
  private static final long SEED = Long.getLong("fuzz.seed", 20260101L);
  private static final int CASES = Integer.getInteger("fuzz.cases", 300);
  private static final Duration BUDGET = Duration.ofSeconds(60);
  private static final Duration HANG = Duration.ofSeconds(6);
  private static final String RO_TOKEN = "dyn_fake_read_only_token_for_fuzz_0000";

  private static final String[] METHODS = {
    "GET",
    "POST",
    "DELETE",
    "PUT",
    "PATCH",
    "HEAD",
    "OPTIONS",
    "TRACE",
    "CONNECT",
    "get",
    "FOO",
    "G ET",
    "",
    "POST\u0000",
    "A".repeat(5000)
  };
  private static final String[] PATHS = {
    "/api/v0/user/tokens",
    "/api/v0/environments/env-1/tokens",
    "/api/v0/environments/env-1/tokens/0b1",
    "/api/v0/user/tokens/0b1",
    "/api/v0/tokens/me",
    "/api/v0/user/tokens/%zz",
    "/api/v0/user/tokens/%",
    "/api/v0/user/tokens/%4",
    "/api/v0/user/tokens/%00",
    "/api/v0/user/tokens/%2F..%2F",
    "/api/v0/user/tokens/%C3%28",
    "/api/v0/user/tokens?x=%zz&y",
    "/api/v0/environments//tokens",
    "/api/v0/../../etc/passwd",
    "//",
    "",
    "*",
    "http://127.0.0.1/api/v0/user/tokens",
    "/api/v0/user/tokens/\u00ff\u00fe",
    "/api/v0/environments/" + "e".repeat(3000) + "/tokens",
    "/" + "a".repeat(10_000),
    "/api/v0/user/tokens#frag",
    "/api/v0/user/tokens\t/x"
  };
  private static final String[] VERSIONS = {
    "HTTP/1.1", "HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/9.9", "HTCPCP/1.0", ""
  };

  private enum Ending {
    /** The whole request, then read until the server closes. */
    FULL,
    /** The whole request, then the sending half closed. */
    HALF_CLOSE,
    /** Part of the request, then the socket closed. */
    ABANDON,
    /** A few bytes at a time with pauses, then nothing more. */
    SLOW
  }

  @Test
  void everyHostileRequestGetsAnAnswerOrACleanCloseAndTheFakeStaysHealthy() throws Exception {
    FakeDynamicApi api =
        FakeDynamicApi.builder()
            .readOnlyApiToken(RO_TOKEN)
            .maxRequestBodyBytes(4096)
            .idleTimeout(Duration.ofMillis(800))
            .readTimeout(Duration.ofMillis(400))
            .requestTimeout(Duration.ofSeconds(1))
            .rateLimitPerMinutePerClient(1_000_000)
            .rateLimitPerMinutePerEnvironment(1_000_000)
            .trustForwardedFor(true)
            .start();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    long usedBefore = usedHeapAfterGc();
    List<String> problems = new ArrayList<>();
    try (ErrorLog errors = ErrorLog.attach()) {
      Random random = new Random(SEED);
      long deadline = System.nanoTime() + BUDGET.toNanos();
      List<Future<String>> results = new ArrayList<>();
      List<String> descriptions = new ArrayList<>();
      for (int i = 0; i < CASES; i++) {
        Case c = generate(random, api);
        descriptions.add(c.describe());
        results.add(pool.submit(() -> run(api, c)));
      }
      for (int i = 0; i < results.size(); i++) {
        long left = Math.max(1, deadline - System.nanoTime());
        String problem = results.get(i).get(left, TimeUnit.NANOSECONDS);
        if (problem != null) {
          problems.add(problem + " for " + descriptions.get(i));
        }
      }
      FakeDynamicApiHostileRequestTest.awaitNothingInFlight(api);

      assertThat(problems).as("seed %d", SEED).isEmpty();
      assertThat(errors.lines()).as("lines logged at ERROR, seed %d", SEED).isEmpty();
      assertThat(api.stats().status(500)).as("500s, seed %d", SEED).isZero();
      assertThat(api.clientLimiters()).isLessThanOrEqualTo(RequestHandler.MAX_LIMITERS);
      assertThat(api.environmentLimiters()).isLessThanOrEqualTo(RequestHandler.MAX_LIMITERS);
      assertThat(usedHeapAfterGc() - usedBefore).as("heap grown").isLessThan(64L * 1024 * 1024);
      assertThat(new Http(api).get("/user/tokens").statusCode()).isEqualTo(200);
    } finally {
      pool.shutdownNow();
      api.closeLater().block(Duration.ofSeconds(10));
    }
  }

  /** A problem, or null if the request was answered or the connection closed cleanly. */
  private static String run(FakeDynamicApi api, Case c) throws InterruptedException {
    try (RawConnection connection = new RawConnection(api)) {
      byte[] bytes = c.bytes();
      switch (c.ending()) {
        case FULL -> connection.write(bytes);
        case HALF_CLOSE -> {
          connection.write(bytes);
          connection.shutdownOutput();
        }
        case ABANDON -> {
          connection.write(java.util.Arrays.copyOf(bytes, bytes.length / 2));
          return null;
        }
        case SLOW -> {
          for (int from = 0; from < Math.min(bytes.length, 60); from += 20) {
            if (!connection.write(
                java.util.Arrays.copyOfRange(bytes, from, Math.min(from + 20, bytes.length)))) {
              break;
            }
            Thread.sleep(150);
          }
        }
      }
      Http.Raw raw = connection.readUntilClosed(HANG);
      if (raw.timedOut()) {
        return "no answer and no close within " + HANG + " (read " + raw.bytes().length + " bytes)";
      }
      String text = raw.text();
      if (!text.isEmpty() && !text.matches("(?s)HTTP/\\d\\.\\d [1-5]\\d\\d .*")) {
        return "not an HTTP answer: " + text.substring(0, Math.min(80, text.length()));
      }
      return null;
    }
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    Runtime runtime = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(20);
    }
    return runtime.totalMemory() - runtime.freeMemory();
  }

  private record Case(String head, byte[] body, Ending ending) {
    byte[] bytes() {
      byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
      byte[] all = java.util.Arrays.copyOf(h, h.length + body.length);
      System.arraycopy(body, 0, all, h.length, body.length);
      return all;
    }

    String describe() {
      String line = head.lines().findFirst().orElse("");
      return ending
          + " "
          + (line.length() > 100 ? line.substring(0, 100) + "..." : line)
          + " ("
          + head.length()
          + " head bytes, "
          + body.length
          + " body bytes)";
    }
  }

  private static <T> T pick(Random random, T[] values) {
    return values[random.nextInt(values.length)];
  }

  private static Case generate(Random random, FakeDynamicApi api) {
    StringBuilder head = new StringBuilder();
    head.append(pick(random, METHODS))
        .append(' ')
        .append(pick(random, PATHS))
        .append(' ')
        .append(pick(random, VERSIONS))
        .append("\r\nHost: 127.0.0.1\r\n");
    byte[] body = body(random);
    switch (random.nextInt(6)) {
      case 0 -> head.append("Authorization: Bearer ").append(api.apiToken()).append("\r\n");
      case 1 -> head.append("Authorization: Bearer ").append(RO_TOKEN).append("\r\n");
      case 2 -> head.append("Authorization: Bearer ").append("x".repeat(9000)).append("\r\n");
      case 3 -> head.append("Authorization: Basic Zm9vOmJhcg==\r\n");
      case 4 -> head.append("Authorization: Bearer\r\n");
      default -> {}
    }
    boolean chunked = false;
    switch (random.nextInt(8)) {
      case 0 -> head.append("Content-Length: ").append(body.length + 10).append("\r\n");
      case 1 -> head.append("Content-Length: -1\r\n");
      case 2 -> head.append("Content-Length: 99999999999999999999\r\n");
      case 3 -> head.append("Content-Length: abc\r\n");
      case 4 ->
          head.append("Content-Length: ")
              .append(body.length)
              .append("\r\nContent-Length: ")
              .append(body.length + 1)
              .append("\r\n");
      case 5 -> {
        head.append("Transfer-Encoding: chunked\r\n");
        chunked = true;
      }
      default -> head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    switch (random.nextInt(10)) {
      case 0 -> head.append("X-Forwarded-For: ").append(random.nextInt()).append("\r\n");
      case 1 -> head.append("X-Forwarded-For: ").append("9".repeat(7000)).append("\r\n");
      case 2 -> head.append("Expect: 100-continue\r\n");
      case 3 -> head.append("NoColonHere\r\n");
      case 4 -> head.append("X-Bad: a\rb\r\n");
      case 5 -> head.append("X-Big: ").append("b".repeat(20_000)).append("\r\n");
      case 6 -> {
        for (int i = 0; i < 300; i++) {
          head.append("X-Many-").append(i).append(": v\r\n");
        }
      }
      case 7 -> head.append(" folded: continuation\r\n");
      default -> head.append("Content-Type: application/json\r\n");
    }
    if (random.nextInt(3) == 0) {
      head.append("Connection: close\r\n");
    }
    head.append("\r\n");
    if (chunked) {
      body = chunked(random, body);
    }
    Ending ending = Ending.values()[random.nextInt(10) < 6 ? 0 : 1 + random.nextInt(3)];
    return new Case(head.toString(), body, ending);
  }

  private static byte[] body(Random random) {
    String text =
        switch (random.nextInt(9)) {
          case 0 -> "";
          case 1 -> Http.createBody("fuzz", "all.read");
          case 2 -> "{\"note\": \"x\", \"scopes\": [";
          case 3 -> "[".repeat(5000) + "]".repeat(5000);
          case 4 -> "{\"note\": \"" + "\\ud800".repeat(10) + "\", \"scopes\": [\"all.read\"]}";
          case 5 -> "{\"note\": 1e999999, \"scopes\": {}}";
          case 6 -> "x".repeat(10_000);
          case 7 -> null;
          default -> Http.createBody("n".repeat(random.nextInt(300)), "bogus.scope");
        };
    if (text == null) {
      byte[] bytes = new byte[random.nextInt(2000)];
      random.nextBytes(bytes);
      return bytes;
    }
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] chunked(Random random, byte[] body) {
    StringBuilder out = new StringBuilder();
    String data = new String(body, StandardCharsets.ISO_8859_1);
    switch (random.nextInt(4)) {
      case 0 -> out.append("zz\r\n").append(data).append("\r\n0\r\n\r\n");
      case 1 -> out.append(Integer.toHexString(data.length() + 5)).append("\r\n").append(data);
      case 2 -> out.append("FFFFFFFFFFFF\r\n").append(data);
      default ->
          out.append(Integer.toHexString(data.length()))
              .append("\r\n")
              .append(data)
              .append("\r\n0\r\n\r\n");
    }
    return out.toString().getBytes(StandardCharsets.ISO_8859_1);
  }
}
