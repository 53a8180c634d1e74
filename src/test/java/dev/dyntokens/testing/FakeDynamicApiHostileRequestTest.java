package dev.dyntokens.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fake against clients that break the rules: bad escapes, huge or slow bodies, idling. */
@Timeout(60)
class FakeDynamicApiHostileRequestTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  private FakeDynamicApi api = FakeDynamicApi.builder().start();
  private final ErrorLog errors = ErrorLog.attach();

  @AfterEach
  void close() {
    api.closeLater().block(Duration.ofSeconds(10));
    errors.close();
    assertThat(errors.lines()).as("lines logged at ERROR").isEmpty();
  }

  private void restart(FakeDynamicApi.Builder builder) {
    api.closeLater().block(Duration.ofSeconds(10));
    api = builder.start();
  }

  static void awaitNothingInFlight(FakeDynamicApi api) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (api.stats().inFlight() != 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    assertThat(api.stats().inFlight()).as("requests in flight").isZero();
  }

  private static JsonNode body(Http.Raw raw) {
    String text = raw.text();
    int start = text.indexOf("\r\n\r\n");
    assertThat(start).as("end of the headers in %s", text).isPositive();
    try {
      return Http.MAPPER.readTree(text.substring(start + 4));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String head(String method, String path, String... headers) {
    StringBuilder request =
        new StringBuilder(method)
            .append(' ')
            .append(FakeDynamicApi.DEFAULT_BASE_PATH)
            .append(path)
            .append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (String header : headers) {
      request.append(header).append("\r\n");
    }
    return request.append("\r\n").toString();
  }

  @Test
  void aBadPercentEscapeInThePathIsA400WithTheErrorShapeAndNothingStaysInFlight() {
    for (String path : new String[] {"/user/tokens/%zz", "/user/tokens/%", "/user/tokens/%4"}) {
      try (RawConnection connection = new RawConnection(api)) {
        connection.write(head("GET", path, "Authorization: Bearer " + api.apiToken()));

        Http.Raw raw = connection.readUntilClosed(WAIT);

        assertThat(raw.text()).as(path).startsWith("HTTP/1.1 400 ");
        assertThat(raw.text()).containsIgnoringCase("content-type: application/json");
        assertThat(body(raw).get("error").asText()).isEqualTo("Bad request: malformed path");
        assertThat(raw.closedByServer()).isTrue();
      }
    }
    awaitNothingInFlight(api);
    assertThat(api.stats().status(400)).isEqualTo(3);
    assertThat(errors.lines()).isEmpty();
  }

  @Test
  void aDeclaredBodyPastTheLimitIsA413BeforeAuthenticationWithoutTheBodyBeingSent() {
    try (RawConnection connection = new RawConnection(api)) {
      connection.write(
          head(
              "POST",
              "/user/tokens",
              "Content-Type: application/json",
              "Content-Length: " + (100L * 1024 * 1024)));

      Http.Raw raw = connection.readUntilClosed(WAIT);

      assertThat(raw.timedOut()).as("answered without the body").isFalse();
      assertThat(raw.text()).startsWith("HTTP/1.1 413 ");
      assertThat(body(raw).get("code").asText()).isEqualTo("payload_too_large");
      assertThat(raw.closedByServer()).isTrue();
    }
    awaitNothingInFlight(api);
    assertThat(api.stats().status(401)).isZero();
  }

  @Test
  void aChunkedBodyThatGrowsPastTheConfiguredLimitIsA413AndTheRestIsNotRead() {
    restart(FakeDynamicApi.builder().maxRequestBodyBytes(1024));
    try (RawConnection connection = new RawConnection(api)) {
      connection.write(
          head(
              "POST",
              "/user/tokens",
              "Content-Type: application/json",
              "Transfer-Encoding: chunked"));
      String chunk = "400\r\n" + "x".repeat(1024) + "\r\n";
      connection.write(chunk);
      connection.write(chunk);
      // The body never ends: a server that waited for all of it would never answer.

      Http.Raw raw = connection.readUntilClosed(WAIT);

      assertThat(raw.timedOut()).as("answered before the body ended").isFalse();
      assertThat(raw.text()).startsWith("HTTP/1.1 413 ");
      assertThat(body(raw).get("error").asText()).contains("1024 bytes");
    }
    awaitNothingInFlight(api);
  }

  @Test
  void aBodyWithinTheConfiguredLimitIsStillServed() {
    restart(FakeDynamicApi.builder().maxRequestBodyBytes(1024));
    Http http = new Http(api);

    int within = http.post("/user/tokens", Http.createBody("n".repeat(100))).statusCode();
    int beyond = http.post("/user/tokens", Http.createBody("n".repeat(2000))).statusCode();
    int listed = http.get("/user/tokens").statusCode();

    assertThat(within).isEqualTo(200);
    assertThat(beyond).isEqualTo(413);
    assertThat(listed).isEqualTo(200);
    assertThat(api.tokens()).hasSize(1);
  }

  @Test
  void aClientThatStopsSendingItsBodyIsCutOffByTheReadTimeout() {
    restart(FakeDynamicApi.builder().readTimeout(Duration.ofMillis(300)));
    try (RawConnection connection = new RawConnection(api)) {
      connection.write(
          head(
              "POST",
              "/user/tokens",
              "Authorization: Bearer " + api.apiToken(),
              "Content-Type: application/json",
              "Content-Length: 100"));
      connection.write("{\"note\":");

      Http.Raw raw = connection.readUntilClosed(WAIT);

      assertThat(raw.timedOut()).as("closed by the server").isFalse();
      assertThat(raw.closedByServer()).isTrue();
    }
    awaitNothingInFlight(api);
    assertThat(api.tokens()).isEmpty();
  }

  @Test
  void anIdleConnectionIsClosedByTheIdleTimeout() {
    restart(FakeDynamicApi.builder().idleTimeout(Duration.ofMillis(300)));
    try (RawConnection connection = new RawConnection(api)) {
      Http.Raw raw = connection.readUntilClosed(WAIT);

      assertThat(raw.timedOut()).as("closed by the server").isFalse();
      assertThat(raw.bytes()).isEmpty();
    }
    try (RawConnection connection = new RawConnection(api)) {
      connection.write(head("GET", "/user/tokens", "Authorization: Bearer " + api.apiToken()));

      Http.Raw raw = connection.readUntilClosed(WAIT);

      assertThat(raw.timedOut()).as("closed by the server after the answer").isFalse();
      assertThat(raw.text()).startsWith("HTTP/1.1 200 ");
    }
    awaitNothingInFlight(api);
  }
}
