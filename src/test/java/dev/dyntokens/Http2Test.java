package dev.dyntokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dyntokens.spring.DynamicTokensProperties;
import dev.dyntokens.support.LogCapture;
import dev.dyntokens.testing.FakeDynamicApi;
import dev.dyntokens.testing.FakeTls;
import dev.dyntokens.testing.FaultKind;
import dev.dyntokens.testing.FaultPlan;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.test.StepVerifier;

/**
 * The protocol guarantees over HTTPS against the fake, on HTTP/1.1 and on HTTP/2 ({@code
 * http2(true)}): per-exchange response timeouts, cancel isolation on a shared connection, and the
 * masked wire log. (The fake sends no 1xx interim answers; {@code InterimAnswers} is tested over
 * HTTP/1.1 elsewhere.)
 */
@Timeout(60)
class Http2Test {
  private static final FakeTls TLS = FakeTls.selfSigned();
  private static final CreateTokenRequest REQUEST = CreateTokenRequest.of("h2 test");

  private final AtomicInteger connections = new AtomicInteger();
  private final Queue<HttpVersion> versions = new ConcurrentLinkedQueue<>();
  private FakeDynamicApi api;
  private ConnectionProvider pool;
  private ReactiveTokenClient client;

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
    if (pool != null) {
      pool.dispose();
    }
    if (api != null) {
      api.close();
    }
  }

  private void start(boolean h2, FaultPlan faults, int maxConnections, Duration timeout) {
    start(h2, faults, maxConnections, timeout, false);
  }

  private void start(
      boolean h2, FaultPlan faults, int maxConnections, Duration timeout, boolean wiretap) {
    api = FakeDynamicApi.builder().tls(TLS).faults(faults).start();
    pool = ConnectionProvider.create("h2-test", maxConnections);
    // Trusts the fake's certificate. Its TLS offers h2 by ALPN for HTTP/2; the protocol itself is
    // switched on by the client's http2(true), not here.
    HttpClient trusting =
        HttpClient.create(pool)
            .doOnChannelInit((observer, channel, address) -> connections.incrementAndGet())
            .doOnResponse((response, connection) -> versions.add(response.version()))
            .secure(
                spec ->
                    spec.sslContext(
                        h2
                            ? Http2SslContextSpec.forClient()
                                .configure(b -> b.trustManager(TLS.certificate()))
                            : Http11SslContextSpec.forClient()
                                .configure(b -> b.trustManager(TLS.certificate()))));
    client =
        ReactiveTokenClient.builder()
            .baseUrl(api.baseUrl())
            .apiToken(api.apiToken())
            .httpClient(trusting)
            .http2(h2)
            .responseTimeout(timeout)
            .retryPolicy(RetryPolicy.none())
            .wiretap(wiretap)
            .build();
  }

  private static HttpVersion expected(boolean h2) {
    return h2 ? HttpVersion.valueOf("HTTP/2.0") : HttpVersion.HTTP_1_1;
  }

  @ParameterizedTest(name = "http2={0}")
  @ValueSource(booleans = {false, true})
  void createsListsAndDeletesOverTheNegotiatedProtocol(boolean h2) {
    start(h2, FaultPlan.none(), 4, Duration.ofSeconds(10));
    Token token = client.createToken(REQUEST).block(Duration.ofSeconds(20));
    assertThat(token).isNotNull();
    StepVerifier.create(client.listTokens().map(TokenInfo::id))
        .expectNext(token.id())
        .verifyComplete();
    StepVerifier.create(client.deleteToken(token.id())).verifyComplete();
    assertThat(api.tokens()).isEmpty();
    assertThat(versions).hasSize(3).containsOnly(expected(h2));
  }

  @ParameterizedTest(name = "http2={0}")
  @ValueSource(booleans = {false, true})
  void aDelayedAnswerTimesOutWithinItsBoundAndTheNextCallWorks(boolean h2) {
    FaultPlan delaySecond =
        FaultPlan.builder()
            .delay(Duration.ofSeconds(5))
            .script(FaultPlan.Target.CREATE, FaultKind.NONE, FaultKind.DELAY)
            .build();
    start(h2, delaySecond, 4, Duration.ofMillis(300));
    // A first call opens the connection (TLS handshake, cold code paths) outside the measurement.
    assertThat(client.createToken(REQUEST).block(Duration.ofSeconds(20))).isNotNull();
    long t0 = System.nanoTime();
    StepVerifier.create(client.createToken(REQUEST))
        .expectError(ResponseTimeoutException.class)
        .verify(Duration.ofSeconds(10));
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(2_000));
    StepVerifier.create(client.createToken(REQUEST).map(Token::note))
        .expectNext("h2 test")
        .verifyComplete();
    assertThat(versions).containsOnly(expected(h2));
  }

  @ParameterizedTest(name = "http2={0}")
  @ValueSource(booleans = {false, true})
  void cancellingOneCallLeavesTheOtherCallsInFlightAlone(boolean h2) throws Exception {
    FaultPlan delayFirst =
        FaultPlan.builder()
            .delay(Duration.ofSeconds(3))
            .script(FaultPlan.Target.CREATE, FaultKind.DELAY)
            .build();
    // On HTTP/2 one connection carries every call as its own stream.
    start(h2, delayFirst, h2 ? 1 : 16, Duration.ofSeconds(10));
    Disposable cancelled = client.createToken(REQUEST).subscribe(t -> {}, e -> {});
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (api.stats().inFlight() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(5); // the test thread, waiting for the delayed create to reach the fake
    }
    assertThat(api.stats().inFlight()).isEqualTo(1);
    Flux<Token> others = Flux.range(0, 9).flatMap(i -> client.createToken(REQUEST)).cache();
    others.subscribe(t -> {}, e -> {});
    cancelled.dispose();
    List<Token> delivered = others.collectList().block(Duration.ofSeconds(20));
    assertThat(delivered).hasSize(9);
    assertThat(versions).hasSize(9).containsOnly(expected(h2));
    if (h2) {
      assertThat(connections).hasValue(1);
    }
    // The cancelled create was stored by the fake (it delays after processing); the others too.
    assertThat(api.stats().tokensCreated()).isEqualTo(10);
  }

  @ParameterizedTest(name = "http2={0}")
  @ValueSource(booleans = {false, true})
  void theWireLogMasksTheApiTokenAndEveryRawToken(boolean h2) {
    start(h2, FaultPlan.none(), 4, Duration.ofSeconds(10), true);
    LogCapture.clear();
    Token token = client.createToken(REQUEST).block(Duration.ofSeconds(20));
    assertThat(token).isNotNull();
    assertThat(client.listTokens().collectList().block(Duration.ofSeconds(20))).hasSize(1);
    List<String> wire =
        LogCapture.lines().stream().filter(l -> l.startsWith("dev.dyntokens.wire")).toList();
    assertThat(wire).as("wire log").isNotEmpty();
    assertThat(wire).anyMatch(l -> l.contains("POST /api/v0/user/tokens"));
    assertThat(wire).anyMatch(l -> l.contains("\"checksum\"")); // answer bodies, as text
    assertThat(wire).anyMatch(l -> l.contains("<redacted>"));
    // On HTTP/2 the connection's binary frames (which begin with this preface) are not logged.
    assertThat(wire).noneMatch(l -> l.contains("PRI * HTTP/2.0"));
    assertThat(LogCapture.lines())
        .noneMatch(l -> l.contains(api.apiToken()))
        .noneMatch(l -> l.contains(token.rawToken()));
    assertThat(versions).containsOnly(expected(h2));
  }

  @Test
  void http2WithItsOwnPoolNegotiatesTlsAndFailsTypedOnAnUntrustedCertificate() {
    api = FakeDynamicApi.builder().tls(TLS).start();
    client =
        ReactiveTokenClient.builder()
            .baseUrl(api.baseUrl())
            .apiToken(api.apiToken())
            .http2(true)
            .retryPolicy(RetryPolicy.none())
            .build();
    StepVerifier.create(client.createToken(REQUEST))
        .expectError(ConnectionFailedException.class)
        .verify(Duration.ofSeconds(20));
    assertThat(api.stats().requests()).isZero();
  }

  @Test
  void theSpringPropertyTurnsItOn() {
    DynamicTokensProperties properties = new DynamicTokensProperties();
    properties.setApiToken("dyn_test");
    properties.setHttp2(true);
    try (ReactiveTokenClient viaProperties = properties.toBuilder().build()) {
      assertThat(viaProperties.toString()).contains("http2");
    }
    properties.setBaseUrl("http://127.0.0.1:8080/api/v0");
    assertThatThrownBy(() -> properties.toBuilder().build())
        .isInstanceOf(IllegalStateException.class);
    assertThat(new DynamicTokensProperties().isHttp2()).isFalse();
  }

  @Test
  void http2NeedsAnHttpsBaseUrl() {
    assertThatThrownBy(
            () ->
                ReactiveTokenClient.builder()
                    .baseUrl("http://127.0.0.1:8080/api/v0")
                    .apiToken("dyn_test")
                    .http2(true)
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("https");
  }
}
