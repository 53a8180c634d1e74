package dev.dyntokens.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dyntokens.CreateTokenRequest;
import dev.dyntokens.ReactiveTokenClient;
import dev.dyntokens.TokenScope;
import dev.dyntokens.UnprocessableEntityException;
import dev.dyntokens.testing.FakeDynamicApi;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.netty.resources.LoopResources;

/**
 * A real WebFlux application on a random port whose controller creates tokens through the
 * auto-configured client, against the library's fake API. BlockHound is installed for every test
 * class (NettyLeakAndBlockingCheck), so a blocking call on the server's or the client's event loop
 * fails the request.
 */
@SpringBootTest(
    classes = DynamicTokensWebFluxTest.TokenApp.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@DirtiesContext
class DynamicTokensWebFluxTest {
  private static final FakeDynamicApi API = FakeDynamicApi.builder().start();
  private static final ParameterizedTypeReference<Map<String, String>> MAP =
      new ParameterizedTypeReference<>() {};

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("dynamic.tokens.base-url", API::baseUrl);
    registry.add("dynamic.tokens.api-token", API::apiToken);
    registry.add("dynamic.tokens.response-timeout", () -> "7s");
    registry.add("dynamic.tokens.retry.max-attempts", () -> "2");
  }

  @AfterAll
  static void stopApi() {
    API.close();
  }

  @Autowired WebTestClient web;
  @Autowired ReactiveTokenClient client;
  @Autowired DynamicTokensProperties properties;
  @Autowired ReactorResourceFactory resources;
  @Autowired MeterRegistry meters;

  @Test
  void clientBeanComesFromProperties() {
    assertThat(client.baseUrl()).isEqualTo(API.baseUrl());
    assertThat(client.toString())
        .contains("responseTimeout=PT7S")
        .contains("maxAttempts=2")
        .contains("httpClient=own, 512 connections, caller's event loops")
        .doesNotContain(API.apiToken());
    assertThat(properties.getApiToken()).isEqualTo(API.apiToken());
    assertThat(properties.toString()).doesNotContain(API.apiToken()).contains("apiToken=(set)");
  }

  @Test
  void controllerCreatesTokenOnTheServersEventLoops() {
    Map<String, String> body =
        web.post()
            .uri("/tokens?note=from-webflux")
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(MAP)
            .returnResult()
            .getResponseBody();

    assertThat(body).isNotNull();
    assertThat(body.get("id")).hasSize(36);
    assertThat(body.get("checksum")).hasSize(6);
    assertThat(API.tokens()).anySatisfy(t -> assertThat(t.id()).isEqualTo(body.get("id")));
    // The server handled the request, and the client's answer arrived, on the event loops of the
    // application's ReactorResourceFactory, not on loops of the client's own ("dyntokens-*") nor
    // the fake API's ("fake-dynamic-api-*"). Under @SpringBootTest, Boot's test support turns the
    // factory's global resources off, so these are Spring's "webflux-http-*" loops; a plain
    // application runs on Reactor Netty's global "reactor-http-*" loops
    // (DynamicTokensPlainWebFluxAppTest).
    String serverThread = body.get("serverThread");
    String clientThread = body.get("clientThread");
    assertThat(serverThread).startsWith("webflux-http-");
    assertThat(clientThread).startsWith(serverThread.substring(0, serverThread.lastIndexOf('-')));
    assertThat(body).containsEntry("clientOnSharedLoop", "true");

    // The auto-configuration handed the application's MeterRegistry to the client.
    Timer calls =
        awaitTimer(
            "operation",
            "create",
            "target",
            "user",
            "outcome",
            "success",
            "status_class",
            "2xx",
            "exception",
            "none");
    assertThat(calls.count()).isPositive();
  }

  @Test
  void failedCallMapsToTheControllersAnswer() {
    Map<String, String> body =
        web.post()
            .uri("/tokens?note=bad-scope&scope=not.a.scope")
            .exchange()
            .expectStatus()
            .isEqualTo(HttpStatus.CONFLICT)
            .expectBody(MAP)
            .returnResult()
            .getResponseBody();

    assertThat(body).containsEntry("code", "invalid_scopes").containsEntry("status", "422");
    awaitTimer(
        "operation",
        "create",
        "outcome",
        "error",
        "status_class",
        "4xx",
        "exception",
        "UnprocessableEntityException");
  }

  /**
   * The client records a call's timer when the call terminates, just after its signal reached the
   * controller, so the answer can arrive at the test a moment before the meter exists.
   */
  private Timer awaitTimer(String... tags) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (true) {
      Timer timer = meters.find("dynamic.tokens.calls").tags(tags).timer();
      if (timer != null || System.nanoTime() > deadline) {
        assertThat(timer).as("dynamic.tokens.calls timer with tags %s", List.of(tags)).isNotNull();
        return timer;
      }
      LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
    }
  }

  @Test
  void blockingOnTheEventLoopIsCaught() {
    // Proves BlockHound watches this application's event loops, so the 200s above mean no
    // blocking call was made.
    web.post()
        .uri("/blocking-probe")
        .exchange()
        .expectStatus()
        .is5xxServerError()
        .expectBody()
        .returnResult();
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @Import(TokenController.class)
  static class TokenApp {
    @Bean
    SimpleMeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }
  }

  @RestController
  static class TokenController {
    private final ReactiveTokenClient client;
    private final ReactorResourceFactory resources;

    TokenController(ReactiveTokenClient client, ReactorResourceFactory resources) {
      this.client = client;
      this.resources = resources;
    }

    /** Whether the current thread is one of the shared factory's event loops. */
    private boolean onSharedLoop() {
      LoopResources loops = resources.getLoopResources();
      for (EventLoopGroup group :
          List.of(
              loops.onServer(LoopResources.hasNativeSupport()),
              loops.onClient(LoopResources.hasNativeSupport()))) {
        for (EventExecutor executor : group) {
          if (executor.inEventLoop()) {
            return true;
          }
        }
      }
      return false;
    }

    @PostMapping("/tokens")
    Mono<Map<String, String>> create(
        @RequestParam String note, @RequestParam(required = false) String scope) {
      String serverThread = Thread.currentThread().getName();
      CreateTokenRequest request =
          scope == null
              ? CreateTokenRequest.of(note, TokenScope.ENVIRONMENT_USERS_READ)
              : CreateTokenRequest.of(note, TokenScope.of(scope));
      return client
          .createToken(request)
          .map(
              token -> {
                Map<String, String> body = new LinkedHashMap<>();
                body.put("id", token.id());
                body.put("checksum", token.checksum());
                body.put("serverThread", serverThread);
                body.put("clientThread", Thread.currentThread().getName());
                body.put("clientOnSharedLoop", String.valueOf(onSharedLoop()));
                return body;
              });
    }

    @PostMapping("/blocking-probe")
    Mono<String> blockingProbe() {
      // Subscribed to by the server on its event loop.
      return Mono.fromCallable(
          () -> {
            Thread.sleep(1);
            return "slept";
          });
    }

    @ExceptionHandler(UnprocessableEntityException.class)
    ResponseEntity<Map<String, String>> rejected(UnprocessableEntityException e) {
      Map<String, String> body = new LinkedHashMap<>();
      body.put("code", String.valueOf(e.errorCode()));
      body.put("status", String.valueOf(e.statusCode()));
      return ResponseEntity.status(HttpStatus.CONFLICT).body(body);
    }
  }
}
