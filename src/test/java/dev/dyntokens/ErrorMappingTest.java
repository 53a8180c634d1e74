package dev.dyntokens;

import static dev.dyntokens.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.test.StepVerifier;

/** Every documented error status and body kind becomes its typed exception. */
class ErrorMappingTest extends MockServerTest {
  static Stream<Arguments> statuses() {
    return Stream.of(
        Arguments.of(
            400,
            "{\"error\":\"note is required\"}",
            BadRequestException.class,
            null,
            "note is required"),
        Arguments.of(
            401, "{\"error\":\"Unauthorized\"}", UnauthorizedException.class, null, "Unauthorized"),
        Arguments.of(403, "{\"error\":\"Forbidden\"}", ForbiddenException.class, null, "Forbidden"),
        Arguments.of(
            404,
            "{\"error\":\"Token not found\",\"code\":\"token_not_found\"}",
            NotFoundException.class,
            "token_not_found",
            "Token not found"),
        Arguments.of(
            422,
            "{\"error\":\"Too many\",\"code\":\"too_many_api_tokens\",\"payload\":{\"max\":100}}",
            UnprocessableEntityException.class,
            "too_many_api_tokens",
            "Too many"),
        Arguments.of(
            422,
            "{\"error\":\"bad scope\",\"code\":\"invalid_scopes\",\"payload\":{}}",
            UnprocessableEntityException.class,
            "invalid_scopes",
            "bad scope"),
        Arguments.of(
            429,
            "{\"message\":\"Rate limit exceeded\",\"code\":429}",
            RateLimitedException.class,
            "429",
            "Rate limit exceeded"),
        Arguments.of(500, "{\"error\":\"Internal\"}", ServerErrorException.class, null, "Internal"),
        Arguments.of(409, "{\"error\":\"Conflict\"}", DynamicApiException.class, null, "Conflict"));
  }

  @ParameterizedTest(name = "HTTP {0} -> {2}")
  @MethodSource("statuses")
  void apiErrorBodyBecomesTypedExceptionWithStatusCodeAndMessage(
      int status,
      String body,
      Class<? extends DynamicApiException> type,
      String code,
      String message) {
    server.enqueue(json(status, body));

    StepVerifier.create(client.createToken(CreateTokenRequest.of("x")))
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isExactlyInstanceOf(type);
              DynamicApiException api = (DynamicApiException) e;
              assertThat(api.statusCode()).isEqualTo(status);
              assertThat(api.errorCode()).isEqualTo(code);
              assertThat(api.errorMessage()).isEqualTo(message);
              assertThat(api.request()).isEqualTo("POST /user/tokens");
              assertThat(e.getMessage()).contains("HTTP " + status).contains(message);
            })
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void proxyHtmlPageOn502IsDescribedNotParsed() {
    server.enqueue(
        new MockResponse.Builder()
            .code(502)
            .setHeader("Content-Type", "text/html")
            .body(
                "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>")
            .build());

    StepVerifier.create(client.listTokens())
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isInstanceOf(ServerErrorException.class);
              ServerErrorException s = (ServerErrorException) e;
              assertThat(s.statusCode()).isEqualTo(502);
              assertThat(s.errorCode()).isNull();
              assertThat(s.errorMessage())
                  .contains("text/html")
                  .contains("502 Bad Gateway")
                  .doesNotContain("<h1>");
              assertThat(s.retryable()).isTrue();
              assertThat(s.requestMayHaveBeenProcessed()).isTrue();
            })
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void emptyBodyOn503IsDescribedAndMarkedNotProcessed() {
    server.enqueue(new MockResponse.Builder().code(503).setHeader("Retry-After", "7").build());

    StepVerifier.create(client.deleteToken(Fixtures.TOKEN_ID))
        .expectErrorSatisfies(
            e -> {
              ServerErrorException s = (ServerErrorException) e;
              assertThat(s.statusCode()).isEqualTo(503);
              assertThat(s.errorMessage()).contains("empty body");
              assertThat(s.retryAfter()).contains(Duration.ofSeconds(7));
              assertThat(s.requestMayHaveBeenProcessed()).isFalse();
            })
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void rateLimitedCarriesRetryAfterInSecondsOrAsHttpDate() {
    server.enqueue(
        json(429, "{\"message\":\"Rate limit exceeded\",\"code\":429}")
            .newBuilder()
            .setHeader("Retry-After", "12")
            .build());
    server.enqueue(
        json(429, "{\"message\":\"Rate limit exceeded\",\"code\":429}")
            .newBuilder()
            .setHeader("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")
            .build());

    StepVerifier.create(client.listTokens())
        .expectErrorSatisfies(
            e ->
                assertThat(((RateLimitedException) e).retryAfter())
                    .contains(Duration.ofSeconds(12)))
        .verify(Duration.ofSeconds(5));
    StepVerifier.create(client.listTokens())
        .expectErrorSatisfies(
            e -> assertThat(((RateLimitedException) e).retryAfter()).contains(Duration.ZERO))
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void hugeErrorBodyIsReadOnlyUpToItsBound() {
    String big = "x".repeat(200_000);
    server.enqueue(
        new MockResponse.Builder()
            .code(500)
            .setHeader("Content-Type", "text/plain")
            .body(big)
            .build());

    StepVerifier.create(client.listTokens())
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isInstanceOf(ServerErrorException.class);
              assertThat(((ServerErrorException) e).errorMessage()).contains("over 16384 bytes");
              assertThat(e.getMessage().length()).isLessThan(1000);
            })
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void errorMessagesFromTheServerHaveSecretsMasked() {
    server.enqueue(
        json(
            400,
            "{\"error\":\"bad token dyn_abcdefghijk and Bearer " + Fixtures.API_TOKEN + "\"}"));

    StepVerifier.create(client.listTokens())
        .expectErrorSatisfies(
            e ->
                assertThat(e.getMessage())
                    .doesNotContain("dyn_abcdefghijk")
                    .doesNotContain(Fixtures.API_TOKEN))
        .verify(Duration.ofSeconds(5));
  }

  static Stream<Arguments> secretsAcrossTheClipBoundary() {
    String apiToken = "sk_live_0123456789abcdefghijklmnopqrstuv";
    String raw = Fixtures.RAW_TOKEN;
    // Each secret starts 10 characters before the point where its text is clipped: 500 for a
    // message, 100 for a code, 200 for the text of a body that is not the API's JSON.
    return Stream.of(
        Arguments.of(
            "API token in the message",
            apiToken,
            json(400, "{\"error\":\"" + "x".repeat(490) + apiToken + " tail\"}")),
        Arguments.of(
            "raw token in the message",
            raw,
            json(400, "{\"error\":\"" + "x".repeat(490) + raw + " tail\"}")),
        Arguments.of(
            "API token in the code",
            apiToken,
            json(400, "{\"error\":\"bad\",\"code\":\"" + "c".repeat(90) + apiToken + "\"}")),
        Arguments.of(
            "API token in a plain text body",
            apiToken,
            new MockResponse.Builder()
                .code(500)
                .setHeader("Content-Type", "text/plain")
                .body("y".repeat(190) + apiToken + " tail")
                .build()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("secretsAcrossTheClipBoundary")
  void aSecretStraddlingTheClipBoundaryIsRedactedBeforeTheTextIsClipped(
      String what, String secret, MockResponse answer) {
    server.enqueue(answer);
    try (ReactiveTokenClient c =
        Fixtures.clientFor(server).apiToken("sk_live_0123456789abcdefghijklmnopqrstuv").build()) {
      StepVerifier.create(c.listTokens())
          .expectErrorSatisfies(
              e -> {
                DynamicApiException api = (DynamicApiException) e;
                // the mask itself may be clipped ("dyn_<redac…"), never the secret
                assertThat(e.getMessage()).contains("<redac");
                for (int k = 8; k <= secret.length(); k++) {
                  String prefix = secret.substring(0, k);
                  assertThat(e.getMessage()).doesNotContain(prefix);
                  assertThat(api.errorMessage()).doesNotContain(prefix);
                  assertThat(String.valueOf(api.errorCode())).doesNotContain(prefix);
                }
                assertThat(e.getMessage().length()).isLessThan(1000);
              })
          .verify(Duration.ofSeconds(5));
    }
  }
}
