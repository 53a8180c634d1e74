package dev.dyntokens.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dyntokens.ConnectionFailedException;
import dev.dyntokens.ReactiveTokenClient;
import dev.dyntokens.RetryPolicy;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import io.micrometer.observation.transport.RequestReplySenderContext;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.util.context.Context;

/**
 * The observations of calls and attempts as dashboards and traces see them: the HTTP-client keys
 * with URI templates, one call with a child per attempt, and conventions a user replaces.
 */
class MicrometerTelemetryObservationTest {
  private static final String API_TOKEN = "dyn_apiTokenSecretValue0123456789";
  private static final String TOKEN_ID = "95b11417-f18f-457f-8804-68e361f9164f";
  private static final String ENV_ID = "0a3c8e1b-5b7e-4a55-9f0e-3d2a1c0b9e8f";
  private static final String LIST_BODY =
      "{\"tokens\":[{\"id\":\""
          + TOKEN_ID
          + "\",\"checksum\":\"4n3LFC\","
          + "\"createdBy\":{\"id\":\"u1\"},\"createdAt\":\"2023-11-07T05:31:56Z\"}]}";

  private final TestObservationRegistry observations = TestObservationRegistry.create();
  private MockWebServer server;
  private ReactiveTokenClient client;

  @BeforeEach
  void start() throws Exception {
    server = new MockWebServer();
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    server.close();
  }

  private ReactiveTokenClient client(MicrometerTelemetry telemetry) {
    client =
        ReactiveTokenClient.builder()
            .baseUrl("http://127.0.0.1:" + server.getPort() + "/api/v0")
            .apiToken(API_TOKEN)
            .retryPolicy(
                RetryPolicy.builder()
                    .maxAttempts(3)
                    .initialBackoff(Duration.ofMillis(1))
                    .maxBackoff(Duration.ofMillis(2))
                    .build())
            .responseTimeout(Duration.ofSeconds(5))
            .telemetry(telemetry)
            .build();
    return client;
  }

  private ReactiveTokenClient observedClient() {
    return client(MicrometerTelemetry.builder().observationRegistry(observations).build());
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .setHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  private List<Observation.Context> contexts(String name) {
    List<Observation.Context> found = new java.util.ArrayList<>();
    TestObservationRegistryAssert.assertThat(observations)
        .hasHandledContextsThatSatisfy(
            all ->
                found.addAll(
                    all.stream()
                        .filter(c -> name.equals(c.getName()))
                        .collect(Collectors.toList())));
    return found;
  }

  @Test
  void aDeleteIsObservedWithTheHttpClientKeysAndItsUriTemplateNeverItsId() {
    server.enqueue(new MockResponse.Builder().code(204).build());

    StepVerifier.create(observedClient().deleteToken(TOKEN_ID)).verifyComplete();

    for (String name : List.of("dynamic.tokens.call", "dynamic.tokens.attempt")) {
      TestObservationRegistryAssert.assertThat(observations)
          .hasObservationWithNameEqualTo(name)
          .that()
          .hasBeenStarted()
          .hasBeenStopped()
          .hasLowCardinalityKeyValue("method", "DELETE")
          .hasLowCardinalityKeyValue("uri", "/user/tokens/{tokenId}")
          .hasLowCardinalityKeyValue("status", "204")
          .hasLowCardinalityKeyValue("outcome", "SUCCESS")
          .hasLowCardinalityKeyValue("exception", "none")
          .hasLowCardinalityKeyValue("client.name", "127.0.0.1")
          .hasLowCardinalityKeyValue("operation", "delete")
          .hasLowCardinalityKeyValue("target", "user");
    }
    TestObservationRegistryAssert.assertThat(observations)
        .hasObservationWithNameEqualTo("dynamic.tokens.call")
        .that()
        .hasContextualNameEqualTo("dynamic-tokens delete");
    for (Observation.Context context : contexts("dynamic.tokens.call")) {
      for (KeyValue kv : context.getAllKeyValues()) {
        assertThat(kv.getValue()).doesNotContain(TOKEN_ID).doesNotContain(API_TOKEN);
      }
    }
    for (Observation.Context context : contexts("dynamic.tokens.attempt")) {
      for (KeyValue kv : context.getAllKeyValues()) {
        assertThat(kv.getValue()).doesNotContain(TOKEN_ID).doesNotContain(API_TOKEN);
      }
    }
  }

  @Test
  void aRetriedCallIsOneCallObservationWithAChildPerAttempt() {
    server.enqueue(json(503, "{}"));
    server.enqueue(json(200, LIST_BODY));

    StepVerifier.create(observedClient().listEnvironmentTokens(ENV_ID).count())
        .expectNext(1L)
        .verifyComplete();

    List<Observation.Context> calls = contexts("dynamic.tokens.call");
    List<Observation.Context> attempts = contexts("dynamic.tokens.attempt");
    assertThat(calls).hasSize(1);
    assertThat(attempts).hasSize(2);
    Observation.Context call = calls.get(0);
    assertThat(call).isInstanceOf(TokenCallObservationContext.class);
    assertThat(call.getLowCardinalityKeyValues())
        .contains(
            KeyValue.of("uri", "/environments/{environmentId}/tokens"),
            KeyValue.of("method", "GET"),
            KeyValue.of("status", "200"),
            KeyValue.of("outcome", "SUCCESS"),
            KeyValue.of("target", "environment"),
            KeyValue.of("operation", "list"));
    for (Observation.Context attempt : attempts) {
      assertThat(attempt)
          .as("a sender context, a carrier for propagation")
          .isInstanceOf(RequestReplySenderContext.class);
      assertThat(attempt.getParentObservation()).isNotNull();
      assertThat(attempt.getParentObservation().getContextView()).isSameAs(call);
    }
    Observation.Context first = attempts.get(0);
    Observation.Context second = attempts.get(1);
    assertThat(first.getLowCardinalityKeyValues())
        .contains(
            KeyValue.of("status", "503"),
            KeyValue.of("outcome", "SERVER_ERROR"),
            KeyValue.of("exception", "ServerErrorException"));
    assertThat(first.getHighCardinalityKeyValue("attempt").getValue()).isEqualTo("1");
    assertThat(second.getLowCardinalityKeyValues())
        .contains(
            KeyValue.of("status", "200"),
            KeyValue.of("outcome", "SUCCESS"),
            KeyValue.of("exception", "none"));
    assertThat(second.getHighCardinalityKeyValue("attempt").getValue()).isEqualTo("2");
    assertThat(((TokenAttemptObservationContext) second).getResponse()).isEqualTo(200);
  }

  @Test
  void theCallersObservationInTheReactorContextIsTheParentOfTheCall() {
    server.enqueue(json(200, LIST_BODY));
    Observation caller = Observation.start("caller", observations);

    StepVerifier.create(
            observedClient()
                .listTokens()
                .contextWrite(Context.of("micrometer.observation", caller))
                .count())
        .expectNext(1L)
        .verifyComplete();
    caller.stop();

    TestObservationRegistryAssert.assertThat(observations)
        .hasObservationWithNameEqualTo("dynamic.tokens.call")
        .that()
        .hasParentObservationEqualTo(caller);
  }

  @Test
  void aCallThatGotNoAnswerIsAnIoErrorWithAnUnknownOutcome() throws Exception {
    MockWebServer closed = new MockWebServer();
    closed.start(InetAddress.getByName("127.0.0.1"), 0);
    int port = closed.getPort();
    closed.close();
    client =
        ReactiveTokenClient.builder()
            .baseUrl("http://127.0.0.1:" + port + "/api/v0")
            .apiToken(API_TOKEN)
            .retryPolicy(RetryPolicy.none())
            .telemetry(MicrometerTelemetry.builder().observationRegistry(observations).build())
            .build();

    StepVerifier.create(client.currentToken())
        .expectError(ConnectionFailedException.class)
        .verify(Duration.ofSeconds(10));

    for (String name : List.of("dynamic.tokens.call", "dynamic.tokens.attempt")) {
      TestObservationRegistryAssert.assertThat(observations)
          .hasObservationWithNameEqualTo(name)
          .that()
          .hasBeenStopped()
          .hasLowCardinalityKeyValue("uri", "/tokens/me")
          .hasLowCardinalityKeyValue("status", "IO_ERROR")
          .hasLowCardinalityKeyValue("outcome", "UNKNOWN")
          .hasLowCardinalityKeyValue("exception", "ConnectionFailedException")
          .hasLowCardinalityKeyValue("operation", "current_token");
    }
  }

  @Test
  void customConventionsReplaceTheNamesAndKeysOfCallsAndAttempts() {
    server.enqueue(json(200, LIST_BODY));
    TokenCallObservationConvention calls =
        new DefaultTokenCallObservationConvention() {
          @Override
          public String getName() {
            return "tokens.client.call";
          }

          @Override
          public KeyValues getLowCardinalityKeyValues(TokenCallObservationContext context) {
            return super.getLowCardinalityKeyValues(context).and("team", "identity");
          }
        };
    TokenAttemptObservationConvention attempts =
        new TokenAttemptObservationConvention() {
          @Override
          public String getName() {
            return "http.client.requests";
          }

          @Override
          public String getContextualName(TokenAttemptObservationContext context) {
            return "http " + context.request().method().toLowerCase(java.util.Locale.ROOT);
          }

          @Override
          public KeyValues getLowCardinalityKeyValues(TokenAttemptObservationContext context) {
            return KeyValues.of(
                "uri", context.request().uriTemplate(), "code", "" + context.status());
          }
        };

    StepVerifier.create(
            client(
                    MicrometerTelemetry.builder()
                        .observationRegistry(observations)
                        .callConvention(calls)
                        .attemptConvention(attempts)
                        .build())
                .listTokens()
                .count())
        .expectNext(1L)
        .verifyComplete();

    assertThat(contexts("dynamic.tokens.call")).isEmpty();
    assertThat(contexts("dynamic.tokens.attempt")).isEmpty();
    TestObservationRegistryAssert.assertThat(observations)
        .hasObservationWithNameEqualTo("tokens.client.call")
        .that()
        .hasLowCardinalityKeyValue("team", "identity")
        .hasLowCardinalityKeyValue("uri", "/user/tokens")
        .backToTestObservationRegistry()
        .hasObservationWithNameEqualTo("http.client.requests")
        .that()
        .hasContextualNameEqualTo("http get")
        .hasLowCardinalityKeyValue("uri", "/user/tokens")
        .hasLowCardinalityKeyValue("code", "200")
        .doesNotHaveLowCardinalityKeyValueWithKey("method");
  }

  @Test
  void theBuilderChecksEachArgumentAtOnce() {
    MicrometerTelemetry.Builder builder = MicrometerTelemetry.builder();
    assertThatThrownBy(() -> builder.meterRegistry(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("meterRegistry == null");
    assertThatThrownBy(() -> builder.observationRegistry(null))
        .hasMessage("observationRegistry == null");
    assertThatThrownBy(() -> builder.callConvention(null)).hasMessage("callConvention == null");
    assertThatThrownBy(() -> builder.attemptConvention(null))
        .hasMessage("attemptConvention == null");
    assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(
            () ->
                MicrometerTelemetry.builder()
                    .meterRegistry(new SimpleMeterRegistry())
                    .callConvention(new DefaultTokenCallObservationConvention())
                    .build())
        .as("a convention without an observation registry would never apply")
        .isInstanceOf(IllegalStateException.class);
  }
}
