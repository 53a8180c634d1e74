package dev.dyntokens.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dyntokens.CreateTokenRequest;
import dev.dyntokens.ReactiveTokenClient;
import dev.dyntokens.TokenScope;
import dev.dyntokens.testing.FakeDynamicApi;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.HttpResources;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * A plain Boot WebFlux application, started with {@code SpringApplication} as in production, not
 * with {@code @SpringBootTest}: Boot's test support switches the {@code ReactorResourceFactory} to
 * resources of its own ({@code webflux-http-*} threads), a plain application runs on Reactor
 * Netty's global resources ({@code reactor-http-epoll-*}, or {@code -nio-*} without the native
 * transport). 200 concurrent inbound requests each create a token through the auto-configured
 * client against the fake API, with BlockHound installed (NettyLeakAndBlockingCheck): none may
 * block, and every call runs on the server's event loops through the client's own pool.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DynamicTokensPlainWebFluxAppTest {
  private static final int CONCURRENT = 200;
  private static final String LOOP_THREAD = "reactor-http-(epoll|nio|kqueue|io_uring)-\\d+";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static FakeDynamicApi api;
  private static ConfigurableApplicationContext app;
  private static LoopResources driverLoops;
  private static ConnectionProvider driverPool;
  private static HttpClient driver;

  @BeforeAll
  static void start() {
    api = FakeDynamicApi.builder().start();
    app =
        new SpringApplicationBuilder(App.class)
            .web(WebApplicationType.REACTIVE)
            .properties(
                "server.port=0",
                "spring.main.banner-mode=off",
                "dynamic.tokens.base-url=" + api.baseUrl(),
                "dynamic.tokens.api-token=" + api.apiToken(),
                "dynamic.tokens.max-connections=64")
            .run();
    int port = app.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
    // The test's own loops and pool, so the server's threads are only the server's.
    driverLoops = LoopResources.create("test-driver", 2, true);
    driverPool = ConnectionProvider.builder("test-driver").maxConnections(CONCURRENT).build();
    driver =
        HttpClient.create(driverPool)
            .runOn(driverLoops)
            .baseUrl("http://127.0.0.1:" + port)
            .responseTimeout(Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
    if (driverPool != null) {
      driverPool.disposeLater().block(Duration.ofSeconds(5));
      driverLoops.disposeLater(Duration.ZERO, Duration.ofSeconds(2)).block(Duration.ofSeconds(5));
    }
    if (api != null) {
      api.close();
    }
  }

  private static Mono<JsonNode> post(String path) {
    return driver
        .post()
        .uri(path)
        .responseSingle(
            (response, body) ->
                body.asString()
                    .defaultIfEmpty("")
                    .map(text -> parse(response.status().code(), text)));
  }

  private static JsonNode parse(int status, String text) {
    try {
      JsonNode node = text.isEmpty() ? JSON.createObjectNode() : JSON.readTree(text);
      return JSON.createObjectNode().put("status", status).set("body", node);
    } catch (IOException e) {
      return JSON.createObjectNode().put("status", status).put("body", text);
    }
  }

  @Test
  @Order(1)
  void concurrentRequestsCreateTokensOnTheServersEventLoopsWithoutBlocking() {
    List<JsonNode> answers =
        Flux.range(0, CONCURRENT)
            .flatMap(i -> post("/tokens?note=plain-" + i), CONCURRENT)
            .collectList()
            .block(Duration.ofSeconds(60));

    assertThat(answers).hasSize(CONCURRENT);
    Set<String> serverThreads = new TreeSet<>();
    Set<String> clientThreads = new TreeSet<>();
    for (JsonNode answer : answers) {
      // A blocking call on an event loop would have failed the request (500).
      assertThat(answer.path("status").asInt()).as(answer.toString()).isEqualTo(200);
      JsonNode body = answer.path("body");
      assertThat(body.path("id").asText()).hasSize(36);
      assertThat(body.path("clientOnServerLoop").asBoolean()).as(body.toString()).isTrue();
      serverThreads.add(body.path("serverThread").asText());
      clientThreads.add(body.path("clientThread").asText());
    }
    assertThat(serverThreads).allMatch(name -> name.matches(LOOP_THREAD), LOOP_THREAD);
    assertThat(clientThreads).allMatch(name -> name.matches(LOOP_THREAD), LOOP_THREAD);
    assertThat(api.stats().tokensCreated()).isGreaterThanOrEqualTo(CONCURRENT);

    // A plain application's factory is Reactor Netty's global resources.
    ReactorResourceFactory factory = app.getBean(ReactorResourceFactory.class);
    assertThat(factory.isUseGlobalResources()).isTrue();
    assertThat(factory.getLoopResources()).isSameAs(HttpResources.get());

    // The pool is the client's own (64 connections as configured), instrumented as such; the
    // global pool the server's factory holds is not the client's.
    MeterRegistry meters = app.getBean(MeterRegistry.class);
    Gauge max = meters.find("dynamic.tokens.pool.max").tag("pool", "dyntokens").gauge();
    assertThat(max).as("dynamic.tokens.pool.max of the client's own pool").isNotNull();
    assertThat(max.value()).isEqualTo(64);
  }

  @Test
  @Order(2)
  void blockingOnThisApplicationsEventLoopIsCaught() {
    // Proves BlockHound watches this application's event loops, so the 200s above mean no call
    // blocked.
    JsonNode answer = post("/blocking-probe").block(Duration.ofSeconds(10));
    assertThat(answer).isNotNull();
    assertThat(answer.path("status").asInt()).isEqualTo(500);
  }

  @Test
  @Order(3) // last: it closes the client
  void closingTheClientDisposesItsPoolButNotTheServersLoops() {
    ReactiveTokenClient client = app.getBean(ReactiveTokenClient.class);
    client.createToken(CreateTokenRequest.of("before-close")).block(Duration.ofSeconds(10));

    client.closeLater().block(Duration.ofSeconds(10));

    MeterRegistry meters = app.getBean(MeterRegistry.class);
    assertThat(meters.find("dynamic.tokens.pool.max").gauges())
        .as("the client's pool is gone")
        .isEmpty();
    assertThat(HttpResources.get().isDisposed()).as("the server's loops are not").isFalse();
    JsonNode stillServing = post("/blocking-probe").block(Duration.ofSeconds(10));
    assertThat(stillServing).isNotNull();
    assertThat(stillServing.path("status").asInt()).isEqualTo(500);
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @Import(TokenController.class)
  static class App {
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

    /** Whether the current thread is one of the server's event loops. */
    private boolean onServerLoop() {
      EventLoopGroup group =
          resources.getLoopResources().onServer(LoopResources.hasNativeSupport());
      for (EventExecutor executor : group) {
        if (executor.inEventLoop()) {
          return true;
        }
      }
      return false;
    }

    @PostMapping("/tokens")
    Mono<Map<String, String>> create(@RequestParam String note) {
      String serverThread = Thread.currentThread().getName();
      return client
          .createToken(CreateTokenRequest.of(note, TokenScope.ENVIRONMENT_USERS_READ))
          .map(
              token -> {
                Map<String, String> body = new LinkedHashMap<>();
                body.put("id", token.id());
                body.put("serverThread", serverThread);
                body.put("clientThread", Thread.currentThread().getName());
                body.put("clientOnServerLoop", String.valueOf(onServerLoop()));
                return body;
              });
    }

    @PostMapping("/blocking-probe")
    Mono<String> blockingProbe() {
      return Mono.fromCallable(
          () -> {
            Thread.sleep(1);
            return "slept";
          });
    }
  }
}
