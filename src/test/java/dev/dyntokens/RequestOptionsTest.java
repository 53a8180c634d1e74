package dev.dyntokens;

import static dev.dyntokens.Fixtures.created;
import static dev.dyntokens.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** Per-call options override the client's configuration for that one call, and only for it. */
class RequestOptionsTest extends MockServerTest {
  private static final Duration VERIFY = Duration.ofSeconds(10);

  private RecordedRequest take() throws InterruptedException {
    RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(r).isNotNull();
    return r;
  }

  @Test
  void aPerCallResponseTimeoutBoundsThatCallAndNamesItsOwnBound() {
    server.enqueue(created().newBuilder().headersDelay(1, TimeUnit.SECONDS).build());

    Throwable failure =
        client
            .createToken(
                CreateTokenRequest.of("quick"),
                RequestOptions.builder().responseTimeout(Duration.ofMillis(200)).build())
            .map(t -> (Throwable) new AssertionError("created"))
            .onErrorResume(Mono::just)
            .block(VERIFY);

    assertThat(failure).isInstanceOf(ResponseTimeoutException.class);
    assertThat(failure.getMessage()).contains("200 ms");
  }

  @Test
  void aPerCallRetryPolicyRetriesWhereTheClientsWouldNot() {
    server.enqueue(json(503, "{\"error\":\"busy\"}"));
    server.enqueue(json(200, Fixtures.LIST_BODY));

    assertThat(
            client
                .listTokens(
                    RequestOptions.builder()
                        .retryPolicy(
                            RetryPolicy.builder()
                                .maxAttempts(2)
                                .initialBackoff(Duration.ofMillis(1))
                                .maxBackoff(Duration.ofMillis(1))
                                .build())
                        .build())
                .collectList()
                .block(VERIFY))
        .isNotEmpty();
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void aCallersIdempotencyKeyIsSentOnEveryAttemptOfTheCall() throws Exception {
    server.enqueue(json(503, "{\"error\":\"busy\"}"));
    server.enqueue(created());
    RequestOptions options =
        RequestOptions.builder()
            .idempotencyKey("order-4711")
            .retryPolicy(
                RetryPolicy.builder()
                    .maxAttempts(2)
                    .initialBackoff(Duration.ofMillis(1))
                    .maxBackoff(Duration.ofMillis(1))
                    .build())
            .build();

    assertThat(client.createToken(CreateTokenRequest.of("keyed"), options).block(VERIFY))
        .isNotNull();

    assertThat(take().getHeaders().get("Idempotency-Key")).isEqualTo("order-4711");
    assertThat(take().getHeaders().get("Idempotency-Key")).isEqualTo("order-4711");
  }

  @Test
  void extraHeadersAreSentButCannotReplaceTheClientsOwn() throws Exception {
    server.enqueue(json(200, Fixtures.LIST_BODY));

    client
        .listTokens(
            RequestOptions.builder()
                .header("X-Request-Id", "req-1")
                .header("Authorization", "Bearer attacker")
                .header("Host", "evil.example")
                .build())
        .collectList()
        .block(VERIFY);

    RecordedRequest r = take();
    assertThat(r.getHeaders().get("X-Request-Id")).isEqualTo("req-1");
    assertThat(r.getHeaders().values("Authorization"))
        .containsExactly("Bearer " + Fixtures.API_TOKEN);
    assertThat(r.getHeaders().values("Host")).containsExactly("127.0.0.1:" + server.getPort());
  }

  @Test
  void optionsOfOneCallDoNotLeakIntoTheNext() throws Exception {
    server.enqueue(json(200, Fixtures.LIST_BODY));
    server.enqueue(json(200, Fixtures.LIST_BODY));

    client
        .listTokens(RequestOptions.builder().header("X-Tenant", "a").build())
        .collectList()
        .block(VERIFY);
    client.listTokens().collectList().block(VERIFY);

    assertThat(take().getHeaders().get("X-Tenant")).isEqualTo("a");
    assertThat(take().getHeaders().get("X-Tenant")).isNull();
  }

  @Test
  void anIdempotencyKeyOnAReconciledCreateIsRefusedAtOnce() {
    RequestOptions options =
        RequestOptions.builder()
            .idempotencyKey("k")
            .retryPolicy(RetryPolicy.builder().reconcileCreates(true).build())
            .build();

    assertThatThrownBy(() -> client.createToken(CreateTokenRequest.of("n"), options))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("idempotencyKey")
        .hasMessageContaining("reconcile");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void theBuilderChecksEachArgumentAtOnceWithoutShowingValues() {
    RequestOptions.Builder b = RequestOptions.builder();
    assertThatThrownBy(() -> b.responseTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("responseTimeout");
    assertThatThrownBy(() -> b.idempotencyKey(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("idempotencyKey");
    assertThatThrownBy(() -> b.idempotencyKey("a b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("idempotencyKey");
    assertThatThrownBy(() -> b.header("X-Secret", "dyn_secret\r\nX-Injected: 1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("X-Secret")
        .hasMessageNotContaining("dyn_secret");
    assertThatThrownBy(() -> b.header(null, "v")).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> b.retryPolicy(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> client.listTokens(null)).isInstanceOf(NullPointerException.class);

    RequestOptions options =
        RequestOptions.builder().idempotencyKey("dyn_secret").header("X-Api", "dyn_other").build();
    assertThat(options.toString()).doesNotContain("dyn_secret").doesNotContain("dyn_other");
  }
}
