package dev.dyntokens.bench.load;

import dev.dyntokens.CreateTokenRequest;
import dev.dyntokens.ReactiveTokenClient;
import dev.dyntokens.Token;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Runs the calls of one load run, in the closed or the open model, into a {@link Recorder}. */
public final class Workload {
  private final ReactiveTokenClient client;
  private final CreateTokenRequest request;
  private final Recorder recorder;
  private final Consumer<Token> onCreated;

  public Workload(
      ReactiveTokenClient client,
      CreateTokenRequest request,
      Recorder recorder,
      Consumer<Token> onCreated) {
    this.client = client;
    this.request = request;
    this.recorder = recorder;
    this.onCreated = onCreated;
  }

  /** One create whose latency counts from {@code fromNanos}; never signals an error. */
  private Mono<Void> call(long fromNanos) {
    return client
        .createToken(request)
        .switchIfEmpty(Mono.error(() -> new IllegalStateException("create completed empty")))
        .doOnNext(
            token -> {
              recorder.success(fromNanos);
              onCreated.accept(token);
            })
        .then()
        .onErrorResume(
            e -> {
              recorder.failure(fromNanos, e);
              return Mono.empty();
            });
  }

  /**
   * Closed model: {@code concurrency} calls in flight, each next one sent when one ends; latency
   * from the moment each call is sent. Sends {@code requests} calls, or calls for {@code
   * durationNanos}; given both, stops sending at whichever comes first.
   */
  public void closed(int concurrency, long requests, long durationNanos) {
    long deadline = System.nanoTime() + durationNanos;
    Flux<Integer> calls =
        requests > 0
            ? Flux.range(0, (int) Math.min(Integer.MAX_VALUE, requests))
            : Flux.<Integer>generate(sink -> sink.next(0));
    if (durationNanos > 0) {
      calls = calls.takeWhile(i -> System.nanoTime() - deadline < 0);
    }
    calls
        .flatMap(i -> Mono.defer(() -> call(System.nanoTime())), concurrency, 1)
        .blockLast(); // the driver's main thread, never an event loop
  }

  /**
   * Open model: calls arrive at {@code rate} a second whatever the answers do; each call's latency
   * is counted from its intended send time, so a stall is charged to every call it delays
   * (no coordinated omission).
   */
  public void open(double rate, long requests, long durationNanos, long drainNanos) {
    AtomicLong issued = new AtomicLong();
    AtomicLong finished = new AtomicLong();
    long start = System.nanoTime();
    for (long i = 0; ; i++) {
      if (requests > 0 && i >= requests) {
        break;
      }
      long offset = (long) (i * 1e9 / rate);
      if (requests <= 0 && offset >= durationNanos) {
        break;
      }
      long intended = start + offset;
      long wait;
      while ((wait = intended - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
      issued.incrementAndGet();
      call(intended).doFinally(s -> finished.incrementAndGet()).subscribe();
    }
    long drainDeadline = System.nanoTime() + drainNanos;
    while (finished.get() < issued.get() && System.nanoTime() - drainDeadline < 0) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }
}
