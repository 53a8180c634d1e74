package dev.dyntokens.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class LoopTimerTest {
  private static EventLoopGroup group;
  private static LoopTimer timer;

  @BeforeAll
  static void startLoops() {
    group = new NioEventLoopGroup(2);
    timer = LoopTimer.on(group);
  }

  @AfterAll
  static void stopLoops() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void aTimerArmedOnOneOfItsLoopsFiresOnThatLoop() throws Exception {
    EventLoop loop = group.next();
    CompletableFuture<Thread> firedOn = new CompletableFuture<>();
    Thread armedOn =
        loop.submit(
                () -> {
                  timer.schedule(
                      () -> firedOn.complete(Thread.currentThread()), 20, TimeUnit.MILLISECONDS);
                  return Thread.currentThread();
                })
            .get(5, TimeUnit.SECONDS);

    assertThat(firedOn.get(5, TimeUnit.SECONDS)).isSameAs(armedOn);
  }

  @Test
  void aCancelledTimerOnALoopNeverFiresAndLeavesNothingScheduled() throws Exception {
    EventLoop loop = group.next();
    AtomicReference<Boolean> fired = new AtomicReference<>(false);
    loop.submit(
            () -> {
              Disposable armed = timer.schedule(() -> fired.set(true), 30, TimeUnit.MILLISECONDS);
              armed.dispose();
            })
        .get(5, TimeUnit.SECONDS);
    // A later task on the same loop runs after the cancelled one would have fired.
    loop.schedule(() -> {}, 100, TimeUnit.MILLISECONDS).get(5, TimeUnit.SECONDS);

    assertThat(fired.get()).isFalse();
  }

  @Test
  void aDeadlineOfACallSubscribedOnALoopCutsTheCallOnThatLoop() throws Exception {
    EventLoop loop = group.next();
    CompletableFuture<Thread> failedOn = new CompletableFuture<>();
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    loop.execute(
        () ->
            Mono.never()
                .timeout(Duration.ofMillis(50), timer)
                .subscribe(
                    v -> {},
                    e -> {
                      failedOn.complete(Thread.currentThread());
                      failure.complete(e);
                    }));

    assertThat(failure.get(5, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
    assertThat(failedOn.get().getName()).isEqualTo(loopThreadName(loop));
  }

  @Test
  void offItsLoopsTheTimerIsReactorsParallelSchedulerAndSoFollowsVirtualTime() {
    StepVerifier.withVirtualTime(
            () -> Mono.never().timeout(Duration.ofSeconds(30), Mono.just("cut"), timer))
        .expectSubscription()
        .thenAwait(Duration.ofSeconds(30))
        .expectNext("cut")
        .verifyComplete();
  }

  @Test
  void withoutLoopsEveryTimerIsReactorsParallelScheduler() {
    StepVerifier.withVirtualTime(
            () -> Mono.delay(Duration.ofMinutes(5), LoopTimer.PARALLEL).map(tick -> "fired"))
        .expectSubscription()
        .expectNoEvent(Duration.ofMinutes(4))
        .thenAwait(Duration.ofMinutes(1))
        .expectNext("fired")
        .verifyComplete();
  }

  @Test
  void aTimerOfALoopThatShutsDownBeforeItFiresStillFiresOnTime() throws Exception {
    EventLoopGroup closing = new NioEventLoopGroup(1);
    LoopTimer closingTimer = LoopTimer.on(closing);
    CompletableFuture<Long> firedAt = new CompletableFuture<>();
    long armedAt = System.nanoTime();
    closing
        .next()
        .submit(
            () ->
                closingTimer.schedule(
                    () -> firedAt.complete(System.nanoTime()), 300, TimeUnit.MILLISECONDS))
        .get(5, TimeUnit.SECONDS);
    closing.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();

    long afterMillis = TimeUnit.NANOSECONDS.toMillis(firedAt.get(5, TimeUnit.SECONDS) - armedAt);
    assertThat(afterMillis).isBetween(290L, 3_000L);
  }

  @Test
  void aTimerDisposedAfterItsLoopShutDownNeverFires() throws Exception {
    EventLoopGroup closing = new NioEventLoopGroup(1);
    LoopTimer closingTimer = LoopTimer.on(closing);
    AtomicReference<Boolean> fired = new AtomicReference<>(false);
    Disposable armed =
        closing
            .next()
            .submit(() -> closingTimer.schedule(() -> fired.set(true), 200, TimeUnit.MILLISECONDS))
            .get(5, TimeUnit.SECONDS);
    closing.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    armed.dispose();
    CompletableFuture<Void> later = new CompletableFuture<>();
    reactor.core.scheduler.Schedulers.parallel()
        .schedule(() -> later.complete(null), 400, TimeUnit.MILLISECONDS);
    later.get(5, TimeUnit.SECONDS);

    assertThat(fired.get()).isFalse();
    assertThat(armed.isDisposed()).isTrue();
  }

  private static String loopThreadName(EventLoop loop) throws Exception {
    return loop.submit(() -> Thread.currentThread().getName()).get(5, TimeUnit.SECONDS);
  }
}
