package dev.dyntokens.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.HashedWheelTimer;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class DeadlineTimerTest {
  private final DeadlineTimer timer = DeadlineTimer.shared();

  @Test
  void aTimerFiresAfterItsDelayAndAtMostATickOrSoLater() throws Exception {
    CompletableFuture<Long> firedAt = new CompletableFuture<>();
    long armedAt = System.nanoTime();
    timer.schedule(() -> firedAt.complete(System.nanoTime()), 200, TimeUnit.MILLISECONDS);

    long afterMillis = TimeUnit.NANOSECONDS.toMillis(firedAt.get(5, TimeUnit.SECONDS) - armedAt);
    // The lower bound is exact; the upper one leaves room for a loaded machine.
    assertThat(afterMillis).isBetween(200L - DeadlineTimer.TICK_MILLIS, 2_000L);
  }

  @Test
  void aCancelledTimerNeverFires() throws Exception {
    AtomicBoolean fired = new AtomicBoolean();
    Disposable armed = timer.schedule(() -> fired.set(true), 50, TimeUnit.MILLISECONDS);
    armed.dispose();
    CompletableFuture<Void> later = new CompletableFuture<>();
    timer.schedule(() -> later.complete(null), 300, TimeUnit.MILLISECONDS);
    later.get(5, TimeUnit.SECONDS);

    assertThat(fired).isFalse();
  }

  @Test
  void whatATimerRunsRunsOnANonBlockingDaemonThread() throws Exception {
    CompletableFuture<Thread> ranOn = new CompletableFuture<>();
    CompletableFuture<Boolean> nonBlocking = new CompletableFuture<>();
    timer.schedule(
        () -> {
          nonBlocking.complete(Schedulers.isInNonBlockingThread());
          ranOn.complete(Thread.currentThread());
        },
        1,
        TimeUnit.MILLISECONDS);

    assertThat(nonBlocking.get(5, TimeUnit.SECONDS)).isTrue();
    assertThat(ranOn.get().isDaemon()).isTrue();
    assertThat(ranOn.get().getName()).isEqualTo("dyntokens-deadlines");
  }

  @Test
  void aDeadlineArmedOnAnEventLoopCutsTheCall() throws Exception {
    EventLoopGroup loops = new NioEventLoopGroup(1);
    try {
      CompletableFuture<Throwable> failure = new CompletableFuture<>();
      loops.execute(
          () ->
              Mono.never()
                  .timeout(Duration.ofMillis(50), timer)
                  .subscribe(v -> {}, failure::complete));

      assertThat(failure.get(5, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
    } finally {
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Test
  void theParallelTimerFollowsReactorsVirtualTime() {
    StepVerifier.withVirtualTime(
            () ->
                Mono.never()
                    .timeout(Duration.ofSeconds(30), Mono.just("cut"), DeadlineTimer.PARALLEL))
        .expectSubscription()
        .expectNoEvent(Duration.ofSeconds(29))
        .thenAwait(Duration.ofSeconds(1))
        .expectNext("cut")
        .verifyComplete();
  }

  @Test
  void aCancelledTimerLetsGoOfItsTaskBeforeTheWheelNextTicks() throws Exception {
    // A wheel that does not tick during the test: it holds every timeout it was given.
    HashedWheelTimer slow = new HashedWheelTimer(Thread::new, 1, TimeUnit.HOURS);
    try {
      // It captures something, so it is an object of its own: one that captures nothing is one
      // instance for the life of the JVM.
      AtomicBoolean ran = new AtomicBoolean();
      Runnable task = () -> ran.set(true);
      WeakReference<Runnable> held = new WeakReference<>(task);
      Disposable armed = new DeadlineTimer(slow).schedule(task, 1, TimeUnit.MINUTES);
      armed.dispose();
      task = null;

      for (int i = 0; i < 50 && held.get() != null; i++) {
        System.gc();
        new CompletableFuture<Void>().completeOnTimeout(null, 20, TimeUnit.MILLISECONDS).get();
      }
      assertThat(held.get()).as("the task of a cancelled deadline").isNull();
      assertThat(armed.isDisposed()).isTrue();
    } finally {
      slow.stop();
    }
  }

  @Test
  void everyClientSharesOneWheel() {
    assertThat(DeadlineTimer.shared()).isSameAs(timer);
  }
}
