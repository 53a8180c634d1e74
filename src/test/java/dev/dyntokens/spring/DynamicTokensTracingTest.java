package dev.dyntokens.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dyntokens.CreateTokenRequest;
import dev.dyntokens.ReactiveTokenClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.brave.bridge.BraveTracer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * A WebFlux application with Boot's Brave tracing (W3C propagation, every trace sampled): a request
 * that arrives with a {@code traceparent} leads to calls to the API whose every attempt carries the
 * same trace id, through the auto-configured client and the application's ObservationRegistry.
 */
@SpringBootTest(
    classes = DynamicTokensTracingTest.TracedApp.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "management.tracing.sampling.probability=1.0")
@AutoConfigureWebTestClient
@DirtiesContext
class DynamicTokensTracingTest {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String INBOUND = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";
  private static final String CREATED_BODY =
      "{\"token\":{\"id\":\"95b11417-f18f-457f-8804-68e361f9164f\","
          + "\"rawToken\":\"dyn_aGLjTe3TUN40vSE75sTtgUx9AjIe0q4n3LFC\",\"checksum\":\"4n3LFC\","
          + "\"createdBy\":{\"id\":\"u1\"},\"createdAt\":\"2023-11-07T05:31:56Z\"}}";
  private static final String LIST_BODY =
      "{\"tokens\":[{\"id\":\"95b11417-f18f-457f-8804-68e361f9164f\",\"checksum\":\"4n3LFC\","
          + "\"createdBy\":{\"id\":\"u1\"},\"createdAt\":\"2023-11-07T05:31:56Z\"}]}";
  private static final MockWebServer API = startApi();

  private static MockWebServer startApi() {
    MockWebServer server = new MockWebServer();
    try {
      server.start(InetAddress.getByName("127.0.0.1"), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return server;
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("dynamic.tokens.base-url", () -> "http://127.0.0.1:" + API.getPort() + "/api/v0");
    registry.add("dynamic.tokens.api-token", () -> "dyn_apiTokenSecretValue0123456789");
    registry.add("dynamic.tokens.retry.max-attempts", () -> "2");
    registry.add("dynamic.tokens.retry.initial-backoff", () -> "1ms");
    registry.add("dynamic.tokens.retry.max-backoff", () -> "2ms");
  }

  @AfterAll
  static void stopApi() {
    API.close();
  }

  @Autowired WebTestClient web;
  @Autowired Tracer tracer;

  private static MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .setHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  private static String upstreamTraceparent() throws InterruptedException {
    RecordedRequest request = API.takeRequest(5, TimeUnit.SECONDS);
    assertThat(request).as("the API was called").isNotNull();
    String traceparent = request.getHeaders().get("traceparent");
    assertThat(traceparent).as("the upstream request carries the trace").isNotNull();
    return traceparent;
  }

  @Test
  void aCreateMadeForATracedRequestCarriesItsTraceIdUpstream() throws Exception {
    API.enqueue(json(200, CREATED_BODY));

    web.post()
        .uri("/tokens")
        .header("traceparent", INBOUND)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody(Map.class)
        .value(body -> assertThat(body).containsEntry("checksum", "4n3LFC"));

    String upstream = upstreamTraceparent();
    assertThat(upstream).startsWith("00-" + TRACE_ID + "-").endsWith("-01");
    assertThat(upstream)
        .as("the attempt's own span, not the inbound one")
        .doesNotContain("00f067aa0ba902b7");
    assertThat(tracer)
        .as("Boot's Brave tracing is what propagated")
        .isInstanceOf(BraveTracer.class);
  }

  @Test
  void everyAttemptOfARetriedListCarriesTheInboundTraceId() throws Exception {
    API.enqueue(json(503, "{}"));
    API.enqueue(json(200, LIST_BODY));

    web.get()
        .uri("/tokens")
        .header("traceparent", INBOUND)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody(String.class)
        .isEqualTo("1");

    String first = upstreamTraceparent();
    String second = upstreamTraceparent();
    assertThat(first).startsWith("00-" + TRACE_ID + "-");
    assertThat(second).startsWith("00-" + TRACE_ID + "-");
    assertThat(first).as("one span per attempt").isNotEqualTo(second);
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @Import(TokenController.class)
  static class TracedApp {
    /** Boot's WebFlux server observations need a MeterRegistry as well. */
    @Bean
    SimpleMeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }
  }

  @RestController
  static class TokenController {
    private final ReactiveTokenClient client;

    TokenController(ReactiveTokenClient client) {
      this.client = client;
    }

    @PostMapping("/tokens")
    Mono<Map<String, String>> create() {
      return client
          .createToken(CreateTokenRequest.of("traced"))
          .map(token -> Map.of("checksum", token.checksum()));
    }

    @GetMapping("/tokens")
    Mono<String> list() {
      return client.listTokens().count().map(String::valueOf);
    }
  }
}
