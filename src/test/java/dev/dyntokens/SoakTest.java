package dev.dyntokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dyntokens.SoakLedger.Delivered;
import dev.dyntokens.SoakLedger.Result;
import dev.dyntokens.SoakLedger.Tally;
import dev.dyntokens.micrometer.MicrometerTelemetry;
import dev.dyntokens.support.LogCapture;
import dev.dyntokens.support.NettyLeakAndBlockingCheck;
import dev.dyntokens.testing.FakeApiStats;
import dev.dyntokens.testing.FakeDynamicApi;
import dev.dyntokens.testing.FakeToken;
import dev.dyntokens.testing.FaultKind;
import dev.dyntokens.testing.FaultPlan;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.reactivestreams.Subscription;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Schedulers;

/**
 * Soak with chaos: many creates, with lists and deletes mixed in, at many calls in flight against
 * the fake API injecting a fault mix into a quarter of all requests, with 5% of the calls cancelled
 * at a random (seeded) moment. Run in reconcile mode and in default mode, plus a fault-free run of
 * the same size for the throughput baseline; every figure is written to {@code
 * target/reliability/soak.txt}.
 *
 * <p>Excluded from the default test run (tag {@code soak}). Size and seed from system properties:
 * {@code -Dsoak.creates=100000 -Dsoak.inFlight=256 -Dsoak.seed=20261128}; also {@code
 * soak.cancelRate} and {@code soak.responseTimeoutMillis}.
 *
 * <p>{@link SoakLedger} keeps the books of each run, {@link SoakReport} prints them.
 */
@Tag("soak")
@Timeout(value = 3, unit = TimeUnit.HOURS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SoakTest {
  static final int CREATES = Integer.getInteger("soak.creates", 5000);
  static final int IN_FLIGHT = Integer.getInteger("soak.inFlight", 256);
  static final long SEED = Long.getLong("soak.seed", 20261128L);
  static final double CANCEL_RATE =
      Double.parseDouble(System.getProperty("soak.cancelRate", "0.05"));
  static final double LIST_RATE = 0.10;
  static final double DELETE_RATE = 0.10;
  static final int MAX_CANCEL_DELAY_MILLIS = 1000;
  // 256 calls in flight on 2 shared cores with the paranoid leak detector put ~0.5 s of queueing
  // into a fault-free call: the timeout leaves room for that, and the slow answer (FAULT_DELAY)
  // comes after it.
  static final Duration RESPONSE_TIMEOUT =
      Duration.ofMillis(Long.getLong("soak.responseTimeoutMillis", 2000));
  static final Duration FAULT_DELAY = RESPONSE_TIMEOUT.plusMillis(500);
  static final Duration SETTLE = Duration.ofSeconds(20);
  static final long HEAP_BOUND = 64L << 20;

  /** Per kind, its share of all requests: 24% in total. */
  static final Map<FaultKind, Double> FAULT_MIX = faultMix();

  private static final List<Result> RESULTS = new ArrayList<>();

  private static Map<FaultKind, Double> faultMix() {
    Map<FaultKind, Double> mix = new LinkedHashMap<>();
    mix.put(FaultKind.RATE_LIMIT_429, 0.03); // Retry-After: 1
    mix.put(FaultKind.STATUS_503, 0.03);
    mix.put(FaultKind.STATUS_500, 0.03);
    mix.put(FaultKind.HTML_502, 0.03);
    mix.put(FaultKind.RESET_BEFORE_READ, 0.03);
    mix.put(FaultKind.CREATE_THEN_DROP, 0.03); // after processing: closed without an answer
    mix.put(FaultKind.DELAY, 0.02); // FAULT_DELAY, 500 ms beyond the response timeout
    mix.put(FaultKind.TRUNCATED_BODY, 0.02);
    mix.put(FaultKind.MALFORMED_JSON, 0.02);
    return mix;
  }

  /** A short fault-free run first, so that the baseline is not measured on a cold JVM. */
  @BeforeAll
  static void warmUp() throws Exception {
    Plan plan = Plan.make(SEED + 1, Math.min(CREATES, 3_000));
    Tally tally = new Tally();
    try (FakeDynamicApi api = FakeDynamicApi.builder().eventLoopThreads(2).start();
        ReactiveTokenClient client =
            ReactiveTokenClient.builder()
                .baseUrl(api.baseUrl())
                .apiToken(api.apiToken())
                .responseTimeout(Duration.ofSeconds(5))
                .build()) {
      Flux.range(0, plan.calls())
          .flatMap(i -> run(client, plan, i, tally), Math.min(64, IN_FLIGHT), 1)
          .then()
          .block(Duration.ofMinutes(5));
    }
  }

  @Test
  @Order(1)
  void faultFreeBaseline() throws Exception {
    Result r = soak("fault-free (default policy)", RetryPolicy.defaults(), false);
    RESULTS.add(r);
    assertCommon(r);
    assertDefaultModeAccounting(r);
    // Without faults, the only calls that do not succeed are the ones cancelled; a cancelled call
    // must not break another (ExchangeGuard). A delete planned before any token was delivered asks
    // for an id the server never made: 404.
    assertThat(r.tally.outcomes.keySet())
        .as("outcomes without faults")
        .allMatch(
            o ->
                o.endsWith(" ok")
                    || o.endsWith(" cancelled")
                    || o.equals("delete NotFoundException"));
  }

  @Test
  @Order(2)
  void reconcileModeUnderChaos() throws Exception {
    // Pacing off, as in defaultModeUnderChaos.
    RetryPolicy policy =
        RetryPolicy.builder()
            .reconcileCreates(true)
            .maxAttempts(5)
            .initialBackoff(Duration.ofMillis(5))
            .maxBackoff(Duration.ofMillis(100))
            .throttledBackoff(Duration.ofMillis(50))
            .maxRetryAfter(Duration.ofSeconds(2))
            .adaptiveThrottling(false)
            .build();
    Result r = soak("chaos, reconcileCreates(true)", policy, true);
    RESULTS.add(r);
    assertCommon(r);
    assertReconcileModeAccounting(r);
  }

  @Test
  @Order(3)
  void defaultModeUnderChaos() throws Exception {
    // Pacing off: the injected 429s come at a fixed share of the requests whatever the rate, so
    // once a second's share of them reaches the pacer's threshold, pacing would cut the rate
    // second after second without making them any rarer.
    RetryPolicy policy = RetryPolicy.defaults().toBuilder().adaptiveThrottling(false).build();
    Result r = soak("chaos, defaults (no pacing)", policy, true);
    RESULTS.add(r);
    assertCommon(r);
    assertDefaultModeAccounting(r);
  }

  @AfterAll
  static void report() throws IOException {
    if (RESULTS.isEmpty()) {
      return;
    }
    SoakReport.publish(RESULTS);
  }

  // ---- the workload ----

  enum Op {
    CREATE,
    LIST,
    DELETE
  }

  /** The seeded plan: per call its operation, its bucket (user or environment), its cancel time. */
  record Plan(Op[] ops, int[] buckets, int[] cancelAfterMillis, int buckets0) {
    static Plan make(long seed, int createCount) {
      Random random = new Random(seed);
      List<Op> ops = new ArrayList<>();
      int creates = 0;
      while (creates < createCount) {
        double roll = random.nextDouble();
        Op op = roll < LIST_RATE ? Op.LIST : roll < LIST_RATE + DELETE_RATE ? Op.DELETE : Op.CREATE;
        ops.add(op);
        if (op == Op.CREATE) {
          creates++;
        }
      }
      // Spread the tokens so that no list grows beyond a few hundred tokens (bucket 0 is the user).
      int bucketCount = Math.max(8, createCount / 250);
      int[] buckets = new int[ops.size()];
      int[] cancel = new int[ops.size()];
      for (int i = 0; i < ops.size(); i++) {
        buckets[i] = random.nextInt(bucketCount);
        cancel[i] =
            random.nextDouble() < CANCEL_RATE ? random.nextInt(MAX_CANCEL_DELAY_MILLIS + 1) : -1;
      }
      return new Plan(ops.toArray(new Op[0]), buckets, cancel, bucketCount);
    }

    int calls() {
      return ops.length;
    }
  }

  static @Nullable String environment(int bucket) {
    return bucket == 0 ? null : "soak-env-" + bucket;
  }

  static String note(int call) {
    return "soak " + call;
  }

  /** The call index a note (with or without the reconcile marker) belongs to. */
  static int callOf(String note) {
    String rest = note.substring("soak ".length());
    int space = rest.indexOf(' ');
    return Integer.parseInt(space < 0 ? rest : rest.substring(0, space));
  }

  /** Subscribes to one call, counts how it ends, and may cancel it after its delay. */
  static final class CallSubscriber extends BaseSubscriber<Object> {
    private static final int RUNNING = 0;
    private static final int ENDED = 1;
    private static final int CANCELLED = 2;

    private final int index;
    private final Op op;
    private final int bucket;
    private final Tally tally;
    private final MonoSink<Void> done;
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private int tokens;

    CallSubscriber(int index, Op op, int bucket, Tally tally, MonoSink<Void> done) {
      this.index = index;
      this.op = op;
      this.bucket = bucket;
      this.tally = tally;
      this.done = done;
    }

    @Override
    protected void hookOnSubscribe(Subscription subscription) {
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    protected void hookOnNext(Object value) {
      if (state.get() == CANCELLED) {
        tally.signalAfterCancel.increment();
      }
      if (value instanceof Token token) {
        tokens++;
        // Whoever got the secret holds it: count it as delivered even after a cancel.
        tally.deliveredIds.add(token.id());
        tally.createsDelivered.increment();
        tally.deletable.add(new Delivered(bucket, token.id()));
      } else if (value instanceof TokenInfo) {
        tally.listedItems.increment();
      } else {
        tally.nextWithoutToken.increment();
      }
    }

    @Override
    protected void hookOnComplete() {
      if (op == Op.CREATE && tokens != 1) {
        tally.nextWithoutToken.increment();
      }
      end("ok");
    }

    @Override
    protected void hookOnError(Throwable error) {
      if (hasCause(error, BlockingOperationError.class)) {
        tally.blocked(error);
      }
      if (!(error instanceof TokenClientException)) {
        tally.untyped.increment();
        if (tally.untypedSamples.size() < 5) {
          tally.untypedSamples.add(error.toString());
        }
        end("untyped " + error.getClass().getName());
        return;
      }
      if (op == Op.CREATE && TokenMayExistException.in(error).isPresent()) {
        tally.mayExistReported.add(index);
        if (tally.mayExistSamples.size() < 20) {
          tally.mayExistSamples.add(index + ": " + SoakReport.describe(error));
        }
        end(error.getClass().getSimpleName() + " (+TokenMayExist)");
        return;
      }
      end(error.getClass().getSimpleName());
    }

    private void end(String outcome) {
      if (state.compareAndSet(RUNNING, ENDED)) {
        tally.ended.increment();
        tally.outcome(op, outcome);
        done.success();
      } else if (state.get() == CANCELLED) {
        tally.signalAfterCancel.increment();
      } else {
        tally.endedTwice.increment();
      }
    }

    /** The random cancellation: wins only if the call has not ended yet. */
    void cancelNow() {
      if (state.compareAndSet(RUNNING, CANCELLED)) {
        tally.cancelled.increment();
        tally.outcome(op, "cancelled");
        if (op == Op.CREATE) {
          tally.cancelledCreates.increment();
          tally.createsCancelled.add(index);
        }
        dispose();
        done.success();
      }
    }
  }

  static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
    Set<Throwable> seen = new HashSet<>();
    List<Throwable> todo = new ArrayList<>(List.of(error));
    while (!todo.isEmpty()) {
      Throwable t = todo.remove(todo.size() - 1);
      if (t == null || !seen.add(t)) {
        continue;
      }
      if (type.isInstance(t)) {
        return true;
      }
      todo.add(t.getCause());
      todo.addAll(List.of(t.getSuppressed()));
    }
    return false;
  }

  static Publisher call(ReactiveTokenClient client, Plan plan, int i, Tally tally) {
    Op op = plan.ops()[i];
    int bucket = plan.buckets()[i];
    String env = environment(bucket);
    switch (op) {
      case CREATE:
        {
          CreateTokenRequest request =
              CreateTokenRequest.of(note(i), TokenScope.ENVIRONMENT_USERS_READ);
          return new Publisher(
              op,
              bucket,
              env == null
                  ? client.createToken(request)
                  : client.createEnvironmentToken(env, request));
        }
      case LIST:
        return new Publisher(
            op, bucket, env == null ? client.listTokens() : client.listEnvironmentTokens(env));
      default:
        {
          Delivered target = tally.deletable.poll();
          if (target == null) {
            // Nothing delivered yet: a delete of an id the server never made (404).
            String id = new java.util.UUID(SEED, i).toString();
            return new Publisher(
                op,
                bucket,
                env == null ? client.deleteToken(id) : client.deleteEnvironmentToken(env, id));
          }
          tally.deleteAttempted.add(target.id());
          String targetEnv = environment(target.bucket());
          return new Publisher(
              op,
              target.bucket(),
              targetEnv == null
                  ? client.deleteToken(target.id())
                  : client.deleteEnvironmentToken(targetEnv, target.id()));
        }
    }
  }

  record Publisher(Op op, int bucket, org.reactivestreams.Publisher<?> source) {}

  static Mono<Void> run(ReactiveTokenClient client, Plan plan, int i, Tally tally) {
    return Mono.create(
        done -> {
          Publisher p = call(client, plan, i, tally);
          tally.calls.increment();
          CallSubscriber subscriber = new CallSubscriber(i, p.op(), p.bucket(), tally, done);
          p.source().subscribe(subscriber);
          int cancelAfter = plan.cancelAfterMillis()[i];
          if (cancelAfter >= 0) {
            Schedulers.parallel()
                .schedule(subscriber::cancelNow, cancelAfter, TimeUnit.MILLISECONDS);
          }
        });
  }

  // ---- one run ----

  Result soak(String name, RetryPolicy policy, boolean chaos) throws Exception {
    Plan plan = Plan.make(SEED, CREATES);
    Tally tally = new Tally();
    LogCapture.clear();
    NettyLeakAndBlockingCheck.collectLeaks();
    long heapBefore = heapAfterGc();

    FaultPlan.Builder faults = FaultPlan.builder().seed(SEED).delay(FAULT_DELAY);
    if (chaos) {
      FAULT_MIX.forEach((kind, p) -> faults.random(FaultPlan.Target.ALL, kind, p));
    }
    FakeDynamicApi[] fake = {
      FakeDynamicApi.builder().eventLoopThreads(2).faults(faults.build()).start()
    };
    FakeDynamicApi api = fake[0];
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    ReactiveTokenClient client =
        ReactiveTokenClient.builder()
            .baseUrl(api.baseUrl())
            .apiToken(api.apiToken())
            .retryPolicy(policy)
            // Without faults nothing is slow on purpose: the client's default 10 s leaves a stall
            // of
            // a busy machine alone (one create timed out at 2 s beside a full build, load 6 on 2
            // cores), while an exchange that a cancel broke would still hang past it and show.
            .responseTimeout(chaos ? RESPONSE_TIMEOUT : Duration.ofSeconds(10))
            .connectTimeout(Duration.ofSeconds(2))
            .telemetry(MicrometerTelemetry.of(meters))
            .build();
    Result r = new Result(name, policy.reconcileCreates(), chaos, plan.calls());
    Hooks.onErrorDropped(tally.dropped::add);
    try {
      SoakReport.printStart(name, plan.calls());
      long start = System.nanoTime();
      CompletableFuture<Void> all =
          Flux.range(0, plan.calls())
              .flatMap(i -> run(client, plan, i, tally), IN_FLIGHT, 1)
              .then()
              .toFuture();
      long limit = start + Duration.ofMinutes(Math.max(10, CREATES / 2_000)).toNanos();
      // Progress from this (test) thread: printing is blocking I/O, not for a Reactor thread.
      while (!all.isDone()) {
        try {
          all.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
          if (System.nanoTime() > limit) {
            throw new AssertionError("soak did not finish in time: " + tally.ended.sum(), e);
          }
          SoakReport.printProgress(tally.ended.sum() + tally.cancelled.sum(), plan.calls(), start);
        }
      }
      all.get();
      r.seconds = (System.nanoTime() - start) / 1e9;

      // Settle: background clean-ups of cancelled reconcile creates, abandoned exchanges.
      long settleStart = System.nanoTime();
      long deadline = settleStart + SETTLE.toNanos();
      while (System.nanoTime() < deadline) {
        boolean quiet = api.stats().inFlight() == 0 && poolActive(meters) == 0;
        if (quiet && (!policy.reconcileCreates() || orphans(api, tally).isEmpty())) {
          Thread.sleep(200);
          if (api.stats().inFlight() == 0 && poolActive(meters) == 0) {
            break;
          }
        }
        Thread.sleep(100);
      }
      r.settleMillis = (System.nanoTime() - settleStart) / 1_000_000;
      r.poolActive = poolActive(meters);
      r.poolTotal = gauge(meters, "dynamic.tokens.pool.total");

      FakeApiStats stats = api.stats();
      List<FakeToken> live = api.tokens();
      r.stats = stats;
      r.account(tally, live);
      r.leaks = NettyLeakAndBlockingCheck.collectLeaks();
      for (String line : LogCapture.lines()) {
        if (line.contains("BlockingOperationError")) {
          r.blockedInLogs++;
          tally.blockedSamples.add(line);
        }
      }
      r.droppedErrors = tally.dropped.size();
      for (Throwable t : tally.dropped) {
        if (hasCause(t, BlockingOperationError.class)) {
          tally.blocked(t);
        }
      }
      r.tally = tally;
      r.reported = tally.mayExistReported.size();

      // Heap: the fake's stored tokens and this run's bookkeeping are test state, not the
      // client's; drop them and measure with the client still open.
      api.closeLater().block(Duration.ofSeconds(10));
      api = null;
      fake[0] = null;
      meters.clear();
      r.heapDelta = heapAfterGcWithout(tally, live) - heapBefore;
      SoakReport.printSummary(r);
      return r;
    } finally {
      Hooks.resetOnErrorDropped();
      client.close();
      if (fake[0] != null) {
        fake[0].close();
      }
    }
  }

  private long heapAfterGcWithout(Tally tally, List<FakeToken> live) throws InterruptedException {
    tally.deliveredIds.clear();
    tally.deleteAttempted.clear();
    tally.mayExistReported.clear();
    tally.createsCancelled.clear();
    tally.deletable.clear();
    tally.dropped.clear();
    live.clear();
    LogCapture.clear();
    return heapAfterGc();
  }

  static List<FakeToken> orphans(FakeDynamicApi api, Tally tally) {
    List<FakeToken> out = new ArrayList<>();
    for (FakeToken t : api.tokens()) {
      if (!tally.deliveredIds.contains(t.id())) {
        out.add(t);
      }
    }
    return out;
  }

  static double poolActive(SimpleMeterRegistry meters) {
    return gauge(meters, "dynamic.tokens.pool.active");
  }

  static double gauge(SimpleMeterRegistry meters, String name) {
    double sum = 0;
    for (Gauge g : meters.find(name).gauges()) {
      sum += g.value();
    }
    return sum;
  }

  static long heapAfterGc() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(100);
      least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
    }
    return least;
  }

  // ---- what every run must show ----

  static void assertCommon(Result r) {
    Tally t = r.tally;
    assertThat(t.untypedSamples).as("errors that are not TokenClientException").isEmpty();
    assertThat(t.calls.sum()).as("calls made").isEqualTo(r.planned);
    assertThat(t.ended.sum() + t.cancelled.sum())
        .as("calls that ended (result, typed error or cancelled)")
        .isEqualTo(r.planned);
    assertThat(r.sumOutcomes("")).as("outcomes counted").isEqualTo(r.planned);
    assertThat(t.endedTwice.sum()).as("calls that ended twice").isZero();
    assertThat(t.nextWithoutToken.sum()).as("creates completing without one token").isZero();
    assertThat(t.blocked.sum() + r.blockedInLogs)
        .as("blocked threads (BlockHound):%n%s", String.join("\n", t.blockedSamples))
        .isZero();
    assertThat(r.leaks).as("Netty leak reports").isEmpty();
    assertThat(r.poolActive).as("pooled connections still acquired").isZero();
    assertThat(r.stats.inFlight()).as("requests still in flight at the fake").isZero();
    assertThat(r.heapDelta).as("heap growth after a full GC (bytes)").isLessThan(HEAP_BOUND);
    assertThat(r.deliveredButGone).as("delivered tokens deleted behind the caller's back").isZero();
    assertThat(r.stats.tokensCreated())
        .as("tokens created == delivered + undelivered live + revoked by the client")
        .isEqualTo(r.delivered + r.orphanTokens.size() + r.revokedByClient);
    assertThat(r.stats.tokensLive()).isEqualTo(r.live);
  }

  static void assertReconcileModeAccounting(Result r) {
    if (!r.orphanTokens.isEmpty()) {
      SoakReport.printMayExistSamples(r);
    }
    assertThat(r.orphanTokens)
        .as("orphans: live tokens nobody received (reconcile mode)")
        .isEmpty();
    assertThat(r.stats.tokensCreated())
        .as("tokens created == delivered + revoked by reconcile")
        .isEqualTo(r.delivered + r.revokedByClient);
  }

  static void assertDefaultModeAccounting(Result r) {
    assertThat(r.revokedByClient).as("tokens the client deleted on its own").isZero();
    assertThat(r.unexplainedSamples)
        .as("orphans neither reported (TokenMayExistException) nor of a cancelled create")
        .isEmpty();
    assertThat((long) r.orphanTokens.size())
        .as("undelivered live tokens <= ambiguous creates reported + creates cancelled")
        .isLessThanOrEqualTo(r.reported + r.tally.cancelledCreates.sum());
  }
}
