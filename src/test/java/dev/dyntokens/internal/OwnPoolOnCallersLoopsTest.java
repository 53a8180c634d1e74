package dev.dyntokens.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dyntokens.ClientTelemetry;
import dev.dyntokens.RequestOptions;
import dev.dyntokens.RetryPolicy;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.netty.resources.ConnectionPoolMetrics;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * {@code Builder.loopResources}: calls run on the caller's event loops, through a pool that is the
 * client's own, evicts idle connections in the background, and is disposed on close while the loops
 * are not.
 */
class OwnPoolOnCallersLoopsTest {
  private static final String ME =
      "{\"token\":{\"id\":\"8c9d3c38-5f5e-4a46-9d4c-1f2b3a4c5d6e\",\"checksum\":\"a1b2c3\","
          + "\"createdBy\":{\"id\":\"u-1\"},\"createdAt\":\"2026-01-02T03:04:05.678Z\"}}";

  private final MockWebServer server = new MockWebServer();
  private final LoopResources callersLoops = LoopResources.create("callers-loops", 1, true);
  private final PoolWatch pool = new PoolWatch();

  @BeforeEach
  void start() throws Exception {
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    for (int i = 0; i < 2; i++) {
      server.enqueue(
          new MockResponse.Builder()
              .code(200)
              .setHeader("Content-Type", "application/json")
              .body(ME)
              .build());
    }
  }

  @AfterEach
  void stop() {
    server.close();
    callersLoops.disposeLater(Duration.ZERO, Duration.ofSeconds(2)).block(Duration.ofSeconds(5));
  }

  private ClientConfig.Builder config() {
    return ClientConfig.builder()
        .baseUrl("http://127.0.0.1:" + server.getPort() + "/api/v0")
        .apiToken("dyn_poolTestToken0123456789")
        .retryPolicy(RetryPolicy.none())
        .loopResources(callersLoops)
        .telemetry(pool);
  }

  /** The thread the answer arrived on. */
  private static String callOnce(TokenEngine engine) {
    return engine
        .currentToken(RequestOptions.none())
        .map(me -> Thread.currentThread().getName())
        .block(Duration.ofSeconds(10));
  }

  @Test
  void callsRunOnTheCallersLoopsThroughAnOwnPoolThatEvictsIdleConnections() throws Exception {
    TokenEngine engine =
        new TokenEngine(
            config()
                .maxIdleTime(Duration.ofMillis(200))
                .evictionInterval(Duration.ofMillis(50))
                .build());

    assertThat(callOnce(engine)).startsWith("callers-loops-");
    assertThat(pool.name.get()).isEqualTo("dyntokens");
    await(() -> pool.metrics().idleSize() == 1);

    // No further call: only the background eviction can close the idle connection.
    await(() -> pool.metrics().allocatedSize() == 0);

    assertThat(callOnce(engine)).startsWith("callers-loops-");
    assertThat(server.takeRequest().getConnectionIndex()).isZero();
    assertThat(server.takeRequest().getConnectionIndex())
        .as("a new connection after the idle one was evicted")
        .isEqualTo(1);

    engine.closeLater().block(Duration.ofSeconds(5));
    assertThat(pool.deregistered.get()).as("the client's pool is disposed").isPositive();
    assertThat(callersLoops.isDisposed()).as("the caller's loops are not").isFalse();
  }

  @Test
  void withTheDefaultIdleTimeTheConnectionIsReused() throws Exception {
    TokenEngine engine = new TokenEngine(config().build());

    callOnce(engine);
    // The connection goes back to the pool just after the answer was delivered.
    await(() -> pool.metrics().idleSize() == 1);
    callOnce(engine);

    assertThat(server.takeRequest().getConnectionIndex()).isZero();
    assertThat(server.takeRequest().getConnectionIndex()).isZero();
    engine.closeLater().block(Duration.ofSeconds(5));
    assertThat(callersLoops.isDisposed()).isFalse();
  }

  private static void await(BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within 5 s").isLessThan(deadline);
      LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
    }
  }

  /** Watches the client's own pool through Reactor Netty's pool metrics hook. */
  private static final class PoolWatch implements ClientTelemetry {
    final AtomicReference<String> name = new AtomicReference<>();
    final AtomicReference<ConnectionPoolMetrics> metrics = new AtomicReference<>();
    final AtomicInteger deregistered = new AtomicInteger();

    ConnectionPoolMetrics metrics() {
      ConnectionPoolMetrics m = metrics.get();
      assertThat(m).as("the pool registered its metrics").isNotNull();
      return m;
    }

    @Override
    public ConnectionProvider.Builder instrumentPool(ConnectionProvider.Builder pool) {
      return pool.metrics(
          true,
          () ->
              new ConnectionProvider.MeterRegistrar() {
                @Override
                public void registerMetrics(
                    String poolName, String id, SocketAddress remote, ConnectionPoolMetrics m) {
                  name.set(poolName);
                  metrics.set(m);
                }

                @Override
                public void deRegisterMetrics(String poolName, String id, SocketAddress remote) {
                  deregistered.incrementAndGet();
                }
              });
    }
  }
}
