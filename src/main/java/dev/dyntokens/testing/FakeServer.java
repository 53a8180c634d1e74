package dev.dyntokens.testing;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.resources.LoopResources;

/**
 * The running server behind a {@link FakeDynamicApi}: the bound Reactor Netty server, its event
 * loops, the state it serves, and its shutdown.
 */
final class FakeServer {
  final DisposableServer server;
  final RequestHandler.Settings settings;
  final TokenStore store;
  final Counters counters;
  final RequestHandler handler;
  final @Nullable FakeTls tls;
  private final LoopResources loops;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Mono<Void> shutdown;

  private FakeServer(DisposableServer server, LoopResources loops, Parts parts) {
    this.server = server;
    this.loops = loops;
    this.settings = parts.settings;
    this.store = parts.store;
    this.counters = parts.counters;
    this.handler = parts.handler;
    this.tls = parts.tls;
    this.shutdown = Mono.defer(this::shutdown).cache();
  }

  /** Binds and starts; waits only for the bind, milliseconds on loopback. */
  static FakeServer start(FakeConfig config) {
    Parts parts = new Parts(config);
    LoopResources loops = config.loops();
    try {
      return new FakeServer(config.server(loops, parts.handler).bindNow(), loops, parts);
    } catch (RuntimeException e) {
      loops.dispose();
      throw e;
    }
  }

  /** Binds and starts when subscribed to, without blocking. */
  static Mono<FakeServer> startLater(FakeConfig config) {
    return Mono.defer(
        () -> {
          Parts parts = new Parts(config);
          LoopResources loops = config.loops();
          return config
              .server(loops, parts.handler)
              .bind()
              .map(s -> new FakeServer(s, loops, parts))
              .doOnError(e -> loops.dispose());
        });
  }

  private Mono<Void> shutdown() {
    closed.set(true);
    server.dispose();
    return server.onDispose().then(loops.disposeLater(Duration.ZERO, Duration.ofSeconds(2)));
  }

  /** Stops the server and its loops when subscribed to; completes when they are gone. Cached. */
  Mono<Void> closeLater() {
    return shutdown;
  }

  boolean isClosed() {
    return closed.get();
  }

  /** What one start makes from the configuration, before anything is bound. */
  private static final class Parts {
    final RequestHandler.Settings settings;
    final TokenStore store;
    final Counters counters;
    final RequestHandler handler;
    final @Nullable FakeTls tls;

    Parts(FakeConfig config) {
      settings = config.settings();
      store = new TokenStore(config.clock, config.maxLiveTokens, config.storeTokens);
      counters = new Counters();
      handler = new RequestHandler(settings, store, counters);
      tls = config.tls;
    }
  }
}
