package dev.dyntokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;

/**
 * Interim answers over HTTP/2, where a 1xx is a HEADERS frame of its own before the final one on
 * the same stream: the client skips it as it does on HTTP/1.1 ({@code
 * TransportFailureTest.informationalAnswersBeforeTheAnswerAreSkipped}), and the response deadline
 * keeps running across it.
 */
@Timeout(30)
class Http2InterimAnswersTest {

  private static ReactiveTokenClient.Builder clientFor(RawHttp2Server server) {
    HttpClient trusting =
        HttpClient.create()
            .secure(
                spec ->
                    spec.sslContext(
                        Http2SslContextSpec.forClient()
                            .configure(b -> b.trustManager(RawHttp2Server.certificate()))));
    return ReactiveTokenClient.builder()
        .baseUrl(server.baseUrl())
        .apiToken(Fixtures.API_TOKEN)
        .httpClient(trusting)
        .http2(true)
        .retryPolicy(RetryPolicy.none());
  }

  @Test
  void interimAnswersBeforeTheCreatedTokenAreSkippedAndTheStreamIsAnsweredOnce() throws Exception {
    try (RawHttp2Server server =
            new RawHttp2Server(List.of(103, 102, 103), 200, Fixtures.CREATED_BODY);
        ReactiveTokenClient client = clientFor(server).build()) {
      StepVerifier.create(client.createToken(CreateTokenRequest.of("x")))
          .assertNext(t -> assertThat(t.rawToken()).isEqualTo(Fixtures.RAW_TOKEN))
          .verifyComplete();
      // The connection is still good for the next streams.
      StepVerifier.create(client.createToken(CreateTokenRequest.of("y")))
          .expectNextCount(1)
          .verifyComplete();
      assertThat(server.requests()).isEqualTo(2);
      assertThat(server.connections()).isEqualTo(1);
    }
  }

  @Test
  void aServerSendingOnlyInterimAnswersTimesOutWithinTheResponseTimeout() throws Exception {
    try (RawHttp2Server server = new RawHttp2Server(List.of(102, 103), 0, "");
        ReactiveTokenClient client =
            clientFor(server).responseTimeout(Duration.ofMillis(500)).build()) {
      long start = System.nanoTime();
      StepVerifier.create(client.createToken(CreateTokenRequest.of("x")))
          .expectError(ResponseTimeoutException.class)
          .verify(Duration.ofSeconds(10));
      long millis = (System.nanoTime() - start) / 1_000_000;
      // The timeout ran from the request, not from the last interim answer; the bound leaves room
      // for the TLS handshake (connect timeout's share) on a busy machine.
      assertThat(millis).isBetween(500L, 5_000L);
      assertThat(server.requests()).isEqualTo(1);
    }
  }
}
