package dev.dyntokens;

import static dev.dyntokens.Fixtures.created;
import static dev.dyntokens.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dyntokens.micrometer.MicrometerTelemetry;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.util.context.Context;

/** Meters, observations and context headers, as a WebFlux service would see them. */
class TelemetryTest {
  private MockWebServer server;
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final TestObservationRegistry observations = TestObservationRegistry.create();
  private ReactiveTokenClient client;

  @BeforeEach
  void start() throws Exception {
    server = Fixtures.startServer();
    client =
        Fixtures.clientFor(server)
            .retryPolicy(
                RetryPolicy.builder()
                    .initialBackoff(Duration.ofMillis(1))
                    .maxBackoff(Duration.ofMillis(2))
                    .throttledBackoff(Duration.ofMillis(2))
                    .build())
            .telemetry(
                MicrometerTelemetry.builder()
                    .meterRegistry(meters)
                    .observationRegistry(observations)
                    .build())
            .contextHeaders(
                ctx ->
                    Map.of(
                        "X-Tenant",
                        ctx.getOrDefault("tenant", "none"),
                        "Authorization",
                        "Bearer attacker",
                        "host",
                        "evil.example",
                        "Idempotency-Key",
                        "fixed",
                        "User-Agent",
                        "other"))
            .build();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  @Test
  void retriedCallIsOneTimedCallWithOneRetryAndTwoObservedAttempts() {
    server.enqueue(json(503, "{}"));
    server.enqueue(json(200, Fixtures.LIST_BODY));

    StepVerifier.create(client.listTokens().count()).expectNext(2L).verifyComplete();

    assertThat(
            meters
                .get("dynamic.tokens.calls")
                .tags(
                    "operation",
                    "list",
                    "target",
                    "user",
                    "outcome",
                    "success",
                    "status_class",
                    "2xx")
                .timer()
                .count())
        .isEqualTo(1);
    assertThat(
            meters
                .get("dynamic.tokens.retries")
                .tags("operation", "list", "reason", "unavailable")
                .counter()
                .count())
        .isEqualTo(1.0);
    TestObservationRegistryAssert.assertThat(observations)
        .hasNumberOfObservationsWithNameEqualTo("dynamic.tokens.call", 1)
        .hasNumberOfObservationsWithNameEqualTo("dynamic.tokens.attempt", 2)
        .hasObservationWithNameEqualTo("dynamic.tokens.call")
        .that()
        .hasBeenStarted()
        .hasBeenStopped()
        .hasLowCardinalityKeyValue("operation", "list")
        .hasLowCardinalityKeyValue("outcome", "SUCCESS");
  }

  @Test
  void failedCallIsTaggedWithStatusClassAndExceptionButNeverIdsOrNotes() {
    server.enqueue(json(404, "{\"error\":\"nope\",\"code\":\"token_not_found\"}"));
    server.enqueue(created());

    StepVerifier.create(client.deleteToken(Fixtures.TOKEN_ID))
        .expectError(NotFoundException.class)
        .verify(Duration.ofSeconds(5));
    StepVerifier.create(client.createToken(CreateTokenRequest.of("secret-ish note")))
        .expectNextCount(1)
        .verifyComplete();

    assertThat(
            meters
                .get("dynamic.tokens.calls")
                .tags(
                    "operation",
                    "delete",
                    "outcome",
                    "error",
                    "status_class",
                    "4xx",
                    "exception",
                    "NotFoundException")
                .timer()
                .count())
        .isEqualTo(1);
    for (Meter meter : meters.getMeters()) {
      for (Tag tag : meter.getId().getTags()) {
        assertThat(tag.getValue())
            .doesNotContain(Fixtures.TOKEN_ID)
            .doesNotContain("secret-ish")
            .doesNotContain(Fixtures.API_TOKEN);
      }
    }
  }

  @Test
  void contextHeadersReachEveryAttemptButCannotReplaceTheClientsOwn() throws Exception {
    server.enqueue(json(503, "{}"));
    server.enqueue(created());

    StepVerifier.create(
            client
                .createToken(CreateTokenRequest.of("ctx"))
                .contextWrite(Context.of("tenant", "acme")))
        .expectNextCount(1)
        .verifyComplete();

    for (int i = 0; i < 2; i++) {
      RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
      assertThat(request.getHeaders().get("X-Tenant")).isEqualTo("acme");
      assertThat(request.getHeaders().get("Authorization"))
          .isEqualTo("Bearer " + Fixtures.API_TOKEN);
      assertThat(request.getHeaders().values("Host"))
          .containsExactly("127.0.0.1:" + server.getPort());
      assertThat(request.getHeaders().values("Idempotency-Key")).hasSize(1).doesNotContain("fixed");
      assertThat(request.getHeaders().get("User-Agent")).startsWith("dynamic-token-client/");
    }
  }

  @Test
  void closingTheClientRemovesItsPoolGauges() {
    server.enqueue(created());
    StepVerifier.create(client.createToken(CreateTokenRequest.of("pool")))
        .expectNextCount(1)
        .verifyComplete();
    assertThat(meters.find("dynamic.tokens.pool.max").gauges()).hasSize(1);

    StepVerifier.create(client.closeLater()).verifyComplete();

    assertThat(meters.find("dynamic.tokens.pool.max").gauges())
        .as("a closed pool is neither kept alive nor shown")
        .isEmpty();
    assertThat(meters.find("dynamic.tokens.pool.active").gauges()).isEmpty();
  }

  @Test
  void ownPoolReportsItsConnectionsAsGauges() {
    server.enqueue(created());

    StepVerifier.create(client.createToken(CreateTokenRequest.of("pool")))
        .expectNextCount(1)
        .verifyComplete();

    assertThat(meters.get("dynamic.tokens.pool.max").gauge().value()).isEqualTo(512.0);
    // The token reaches the caller before the connection is back in the pool: wait for it.
    Double active =
        Mono.fromCallable(() -> meters.get("dynamic.tokens.pool.active").gauge().value())
            .filter(value -> value == 0.0)
            .repeatWhenEmpty(ticks -> ticks.delayElements(Duration.ofMillis(10)))
            .block(Duration.ofSeconds(5));
    assertThat(active).isZero();
    assertThat(meters.get("dynamic.tokens.pool.total").gauge().value()).isEqualTo(1.0);
  }

  @Test
  void headersTheTelemetryAddsReachEachAttemptButCannotReplaceTheClientsOwn() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    ClientTelemetry propagating =
        new ClientTelemetry() {
          @Override
          public <T> Mono<T> observeCall(ObservedCall call, Mono<T> mono) {
            seen.add("call " + call.method() + " " + call.uriTemplate() + " " + call.clientName());
            return mono;
          }

          @Override
          public <T> Mono<T> observeAttempt(OutgoingRequest request, Mono<T> attempt) {
            request.header("traceparent", "00-trace-" + request.attempt());
            request.header("Authorization", "Bearer attacker");
            request.header("Host", "evil.example");
            request.header("Content-Type", "text/plain");
            request.header("Idempotency-Key", "fixed");
            return attempt.doFinally(
                signal -> seen.add("attempt " + request.attempt() + " " + request.status()));
          }
        };
    server.enqueue(json(503, "{}"));
    server.enqueue(created());
    try (ReactiveTokenClient traced =
        Fixtures.clientFor(server)
            .retryPolicy(
                RetryPolicy.builder()
                    .initialBackoff(Duration.ofMillis(1))
                    .maxBackoff(Duration.ofMillis(2))
                    .build())
            .telemetry(propagating)
            .build()) {
      StepVerifier.create(traced.createToken(CreateTokenRequest.of("traced")))
          .expectNextCount(1)
          .verifyComplete();
    }

    for (int i = 1; i <= 2; i++) {
      RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
      assertThat(request.getHeaders().get("traceparent")).isEqualTo("00-trace-" + i);
      assertThat(request.getHeaders().get("Authorization"))
          .isEqualTo("Bearer " + Fixtures.API_TOKEN);
      assertThat(request.getHeaders().values("Host"))
          .containsExactly("127.0.0.1:" + server.getPort());
      assertThat(request.getHeaders().get("Content-Type")).isEqualTo("application/json");
      assertThat(request.getHeaders().values("Idempotency-Key")).hasSize(1).doesNotContain("fixed");
    }
    assertThat(seen)
        .containsExactly("call POST /user/tokens 127.0.0.1", "attempt 1 503", "attempt 2 200");
  }
}
