package dev.dyntokens.bench;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** One benchmark invocation: N creations in flight at once, waited for to the last answer. */
final class Batches {
  private Batches() {}

  /** Subscribes to all {@code n} calls at once and waits for the last answer. */
  static long reactor(int n, IntFunction<Mono<?>> call) {
    Long count = Flux.range(0, n).flatMap(call::apply, n, 1).count().block(Duration.ofSeconds(30));
    if (count == null || count != n) {
      throw new IllegalStateException("expected " + n + " answers but got " + count);
    }
    return count;
  }

  /** Starts all {@code n} futures at once and waits for the last. */
  static long futures(int n, IntFunction<CompletableFuture<?>> call) {
    CompletableFuture<?>[] all = new CompletableFuture<?>[n];
    for (int i = 0; i < n; i++) {
      all[i] = call.apply(i);
    }
    CompletableFuture.allOf(all).orTimeout(30, TimeUnit.SECONDS).join();
    return n;
  }
}
