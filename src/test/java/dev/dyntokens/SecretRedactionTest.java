package dev.dyntokens;

import static dev.dyntokens.Fixtures.API_TOKEN;
import static dev.dyntokens.Fixtures.RAW_TOKEN;
import static dev.dyntokens.Fixtures.created;
import static dev.dyntokens.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dyntokens.support.LogCapture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * Neither the API token nor a raw token appears in any log line (wire logging on), exception
 * message, stack trace or toString, on success, every error path and every retry path.
 */
class SecretRedactionTest {
  private MockWebServer server;

  @BeforeEach
  void start() throws Exception {
    server = Fixtures.startServer();
    LogCapture.clear();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void noSecretInLogsExceptionsOrToStringsWithWireLoggingOn() {
    String body = Fixtures.CREATED_BODY;
    server.enqueue(created());
    server.enqueue(json(200, body.replace("\"4n3LFC\"", "\"WRONG1\"")));
    server.enqueue(json(200, body.substring(0, body.indexOf("checksum"))));
    server.enqueue(
        json(400, "{\"error\":\"token " + RAW_TOKEN + " bad, auth Bearer " + API_TOKEN + "\"}"));
    server.enqueue(json(401, "{\"error\":\"" + API_TOKEN + "\"}"));
    server.enqueue(
        new MockResponse.Builder()
            .code(502)
            .setHeader("Content-Type", "text/html")
            .body("<p>" + RAW_TOKEN + "</p>")
            .build());
    server.enqueue(json(503, "{}"));
    server.enqueue(created());
    server.enqueue(
        new MockResponse.Builder()
            .onResponseStart(new SocketEffect.CloseSocket(true, false, false))
            .build());
    server.enqueue(json(200, "{\"tokens\":[{\"id\":\"x\",\"rawToken\":\"" + RAW_TOKEN + "\"}]}"));

    List<String> seen = new ArrayList<>();
    try (ReactiveTokenClient client =
        Fixtures.clientFor(server)
            .wiretap(true)
            .retryPolicy(
                RetryPolicy.builder()
                    .initialBackoff(Duration.ofMillis(1))
                    .maxBackoff(Duration.ofMillis(2))
                    .throttledBackoff(Duration.ofMillis(2))
                    .build())
            .build()) {
      seen.add(client.toString());
      for (int i = 0; i < 8; i++) {
        Object outcome =
            client
                .createToken(CreateTokenRequest.of("secret test " + i))
                .map(Object.class::cast)
                .onErrorResume(e -> Mono.just(e))
                .block(Duration.ofSeconds(10));
        seen.add(String.valueOf(outcome));
        if (outcome instanceof Throwable) {
          StringWriter trace = new StringWriter();
          ((Throwable) outcome).printStackTrace(new PrintWriter(trace));
          seen.add(trace.toString());
        }
      }
      Object listed =
          client
              .listTokens()
              .collectList()
              .map(Object.class::cast)
              .onErrorResume(Mono::just)
              .block(Duration.ofSeconds(10));
      seen.add(String.valueOf(listed));
    }
    List<String> logs = LogCapture.lines();
    assertThat(logs).as("wire log lines").anyMatch(l -> l.contains("dev.dyntokens.wire"));
    assertThat(logs).anyMatch(l -> l.contains("Bearer <redacted>"));
    seen.addAll(logs);
    assertThat(seen)
        .isNotEmpty()
        .noneMatch(s -> s.contains(API_TOKEN))
        .noneMatch(s -> s.contains(RAW_TOKEN));
  }
}
