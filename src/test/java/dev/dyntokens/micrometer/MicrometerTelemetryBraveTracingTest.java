package dev.dyntokens.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import brave.Span.Kind;
import brave.Tracing;
import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.B3Propagation;
import brave.propagation.StrictCurrentTraceContext;
import brave.propagation.TraceContext;
import brave.sampler.Sampler;
import dev.dyntokens.CreateTokenRequest;
import dev.dyntokens.ReactiveTokenClient;
import dev.dyntokens.RetryPolicy;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.brave.bridge.BraveBaggageManager;
import io.micrometer.tracing.brave.bridge.BraveCurrentTraceContext;
import io.micrometer.tracing.brave.bridge.BravePropagator;
import io.micrometer.tracing.brave.bridge.BraveTracer;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.handler.TracingObservationHandler;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.util.context.Context;

/**
 * With a real tracing bridge (Brave, sampling every trace, single-header B3 propagation), every
 * attempt's request carries the caller's trace: the trace id of the span open around the call, and
 * the attempt's own client span id.
 */
class MicrometerTelemetryBraveTracingTest {
  private static final String API_TOKEN = "dyn_apiTokenSecretValue0123456789";
  private static final String CREATED_BODY =
      "{\"token\":{\"id\":\"95b11417-f18f-457f-8804-68e361f9164f\","
          + "\"rawToken\":\"dyn_aGLjTe3TUN40vSE75sTtgUx9AjIe0q4n3LFC\",\"checksum\":\"4n3LFC\","
          + "\"createdBy\":{\"id\":\"u1\"},\"createdAt\":\"2023-11-07T05:31:56Z\"}}";
  private static final String LIST_BODY =
      "{\"tokens\":[{\"id\":\"95b11417-f18f-457f-8804-68e361f9164f\",\"checksum\":\"4n3LFC\","
          + "\"createdBy\":{\"id\":\"u1\"},\"createdAt\":\"2023-11-07T05:31:56Z\"}]}";

  private final List<MutableSpan> finished = new CopyOnWriteArrayList<>();
  private Tracing tracing;
  private ObservationRegistry observations;
  private MockWebServer server;
  private ReactiveTokenClient client;

  @BeforeEach
  void start() throws Exception {
    tracing =
        Tracing.newBuilder()
            .sampler(Sampler.ALWAYS_SAMPLE)
            .currentTraceContext(StrictCurrentTraceContext.create())
            .propagationFactory(
                B3Propagation.newFactoryBuilder().injectFormat(B3Propagation.Format.SINGLE).build())
            .addSpanHandler(
                new SpanHandler() {
                  @Override
                  public boolean end(TraceContext context, MutableSpan span, Cause cause) {
                    finished.add(span);
                    return true;
                  }
                })
            .build();
    Tracer tracer =
        new BraveTracer(
            tracing.tracer(),
            new BraveCurrentTraceContext(tracing.currentTraceContext()),
            new BraveBaggageManager());
    observations = ObservationRegistry.create();
    observations
        .observationConfig()
        .observationHandler(
            new ObservationHandler.FirstMatchingCompositeObservationHandler(
                new PropagatingSenderTracingObservationHandler<>(
                    tracer, new BravePropagator(tracing)),
                new DefaultTracingObservationHandler(tracer)));
    server = new MockWebServer();
    server.start(InetAddress.getByName("127.0.0.1"), 0);
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
            .telemetry(MicrometerTelemetry.builder().observationRegistry(observations).build())
            .build();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
    tracing.close();
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .setHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  private static Span spanOf(Observation observation) {
    TracingObservationHandler.TracingContext tracingContext =
        observation.getContext().get(TracingObservationHandler.TracingContext.class);
    assertThat(tracingContext)
        .as("the tracing handler handled the caller's observation")
        .isNotNull();
    return tracingContext.getSpan();
  }

  /** The b3 header of each request the server got, in order: {@code traceId-spanId-1-parentId}. */
  private List<String[]> b3Headers(int requests) throws InterruptedException {
    List<String[]> headers = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
      assertThat(request).isNotNull();
      String b3 = request.getHeaders().get("b3");
      assertThat(b3).as("request %s carries the trace", i + 1).isNotNull();
      headers.add(b3.split("-"));
    }
    return headers;
  }

  @Test
  void aCreateCarriesTheTraceIdOfTheCallersSpan() throws Exception {
    server.enqueue(json(200, CREATED_BODY));
    Observation caller = Observation.start("caller", observations);
    String traceId = spanOf(caller).context().traceId();

    StepVerifier.create(
            client
                .createToken(CreateTokenRequest.of("traced"))
                .contextWrite(Context.of("micrometer.observation", caller)))
        .expectNextCount(1)
        .verifyComplete();
    caller.stop();

    String[] b3 = b3Headers(1).get(0);
    assertThat(b3[0]).isEqualTo(traceId);
    assertThat(b3[1]).as("the attempt's own span").isNotEqualTo(spanOf(caller).context().spanId());
    MutableSpan attempt = reported(b3[1]);
    assertThat(attempt.kind()).isEqualTo(Kind.CLIENT);
    assertThat(attempt.remoteServiceName()).isEqualTo("127.0.0.1");
    MutableSpan call = reported(attempt.parentId());
    assertThat(call.name()).isEqualTo("dynamic-tokens create");
    assertThat(call.parentId()).isEqualTo(spanOf(caller).context().spanId());
    assertThat(call.tags()).containsEntry("uri", "/user/tokens").containsEntry("status", "200");
  }

  @Test
  void everyAttemptOfARetriedListCarriesTheCallersTraceInItsOwnSpan() throws Exception {
    server.enqueue(json(503, "{}"));
    server.enqueue(json(200, LIST_BODY));
    Observation caller = Observation.start("caller", observations);
    String traceId = spanOf(caller).context().traceId();

    StepVerifier.create(
            client.listTokens().contextWrite(Context.of("micrometer.observation", caller)).count())
        .expectNext(1L)
        .verifyComplete();
    caller.stop();

    List<String[]> b3 = b3Headers(2);
    assertThat(b3.get(0)[0]).isEqualTo(traceId);
    assertThat(b3.get(1)[0]).isEqualTo(traceId);
    assertThat(b3.get(0)[1]).as("one span per attempt").isNotEqualTo(b3.get(1)[1]);
    MutableSpan first = reported(b3.get(0)[1]);
    MutableSpan second = reported(b3.get(1)[1]);
    assertThat(first.parentId())
        .as("both attempts are children of one call")
        .isEqualTo(second.parentId());
    assertThat(first.tags())
        .containsEntry("status", "503")
        .containsEntry("outcome", "SERVER_ERROR");
    assertThat(second.tags()).containsEntry("status", "200").containsEntry("attempt", "2");
    assertThat(reported(first.parentId()).parentId()).isEqualTo(spanOf(caller).context().spanId());
  }

  private MutableSpan reported(String spanId) {
    return finished.stream()
        .filter(s -> s.id().equals(spanId))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no finished span " + spanId + " in " + finished));
  }
}
