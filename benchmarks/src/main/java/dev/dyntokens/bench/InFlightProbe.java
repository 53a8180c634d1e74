package dev.dyntokens.bench;

import dev.dyntokens.CreateTokenRequest;
import dev.dyntokens.ReactiveTokenClient;
import io.netty.util.internal.PlatformDependent;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import reactor.core.publisher.Mono;

/**
 * Many calls in flight at once on the client's defaults (512 connections, 1,024 calls waiting for
 * one, each at most 5 s): what a call in flight costs in memory, and what becomes of the calls
 * beyond those limits. The fake runs in a child JVM ({@link FakeApiServer}) and holds every create
 * for {@code --delay-ms} before it answers, so the calls stay in flight while this JVM's heap
 * (after a full GC) and Netty's direct memory are read; the fake's own memory is not counted.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.dyntokens.bench.InFlightProbe \
 *   [--in-flight 512,1536,2048,8192] [--delay-ms 8000] [--measure-after-ms 3000]
 * </pre>
 *
 * <p>Each round subscribes its calls at once from one thread, reads memory {@code
 * --measure-after-ms} later (calls waiting for a connection give up after 5 s, so before that),
 * then waits for every call to end and prints what the calls ended with and when (the first and
the last of each outcome, from the round's start). A call still open a
 * minute after the fake's answers are due is reported as a hang. Plain HTTP on loopback: over TLS
 * each connection also holds its TLS engine.
 */
public final class InFlightProbe {
  private static final CreateTokenRequest REQUEST = CreateTokenRequest.of("in-flight probe");

  private InFlightProbe() {}

  /** One round's figures. */
  record Round(
      int subscribed,
      int inFlightAtMeasure,
      long heapDelta,
      long directDelta,
      Map<String, Long> outcomes,
      Map<String, Long> firstEndMillis,
      Map<String, Long> lastEndMillis,
      int neverEnded) {

    String describe() {
      StringBuilder s = new StringBuilder();
      s.append(String.format("%,d subscribed, %,d in flight when measured", subscribed, inFlightAtMeasure));
      if (inFlightAtMeasure > 0) {
        s.append(
            String.format(
                "; heap %,d bytes per call in flight (%,.1f MiB in all), direct buffers %,.1f MiB",
                heapDelta / inFlightAtMeasure, heapDelta / 1048576.0, directDelta / 1048576.0));
      }
      s.append('\n');
      outcomes.forEach(
          (outcome, count) ->
              s.append(
                  String.format(
                      "    %-36s %,6d, ended after %,d to %,d ms%n",
                      outcome, count, firstEndMillis.get(outcome), lastEndMillis.get(outcome))));
      if (neverEnded > 0) {
        s.append(String.format("    HANG: %,d calls had not ended%n", neverEnded));
      }
      return s.toString();
    }
  }

  public static void main(String[] args) throws Exception {
    List<Integer> inFlight = List.of(512, 1536, 2048, 8192);
    long delayMs = 8000;
    long measureAfterMs = 3000;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--in-flight" -> inFlight = ints(value(args, ++i));
        case "--delay-ms" -> delayMs = Long.parseLong(value(args, ++i));
        case "--measure-after-ms" -> measureAfterMs = Long.parseLong(value(args, ++i));
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Process fake = startFake(delayMs);
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(fake.getInputStream(), StandardCharsets.UTF_8))) {
      String baseUrl = out.readLine();
      String apiToken = out.readLine();
      if (baseUrl == null || apiToken == null) {
        throw new IllegalStateException("the fake did not start (exit " + fake.waitFor() + ")");
      }
      System.out.printf(
          "fake at %s holds each create %,d ms; Java %s, %d cores, max heap %,d MiB%n",
          baseUrl,
          delayMs,
          Runtime.version(),
          Runtime.getRuntime().availableProcessors(),
          Runtime.getRuntime().maxMemory() / 1048576);
      try (ReactiveTokenClient client =
          ReactiveTokenClient.builder().baseUrl(baseUrl).apiToken(apiToken).build()) {
        System.out.println("warm-up round (not reported): 512 calls");
        round(client, 512, delayMs, measureAfterMs);
        for (int k : inFlight) {
          System.out.print(round(client, k, delayMs, measureAfterMs).describe());
        }
      }
    } finally {
      fake.destroy();
      fake.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static Round round(ReactiveTokenClient client, int calls, long delayMs, long measureAfterMs)
      throws InterruptedException {
    long heapBefore = heapAfterGc();
    long directBefore = directMemory();
    AtomicInteger open = new AtomicInteger(calls);
    CountDownLatch done = new CountDownLatch(calls);
    Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    Map<String, LongAccumulator> firstEnd = new ConcurrentHashMap<>();
    Map<String, LongAccumulator> lastEnd = new ConcurrentHashMap<>();
    long start = System.nanoTime();
    for (int i = 0; i < calls; i++) {
      client
          .createToken(REQUEST)
          .map(token -> "created")
          .onErrorResume(e -> Mono.just(e.getClass().getSimpleName()))
          .subscribe(
              outcome -> {
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                outcomes.computeIfAbsent(outcome, o -> new LongAdder()).increment();
                firstEnd
                    .computeIfAbsent(outcome, o -> new LongAccumulator(Math::min, Long.MAX_VALUE))
                    .accumulate(millis);
                lastEnd.computeIfAbsent(outcome, o -> new LongAccumulator(Math::max, 0)).accumulate(millis);
                open.decrementAndGet();
                done.countDown();
              });
    }
    sleepUntil(start, measureAfterMs);
    int inFlight = open.get();
    long heapDuring = heapAfterGc();
    long directDuring = directMemory();
    boolean allEnded = done.await(delayMs + 60_000, TimeUnit.MILLISECONDS);
    Map<String, Long> counts = new TreeMap<>();
    outcomes.forEach((k, v) -> counts.put(k, v.sum()));
    Map<String, Long> first = new TreeMap<>();
    firstEnd.forEach((k, v) -> first.put(k, v.get()));
    Map<String, Long> last = new TreeMap<>();
    lastEnd.forEach((k, v) -> last.put(k, v.get()));
    return new Round(
        calls,
        inFlight,
        heapDuring - heapBefore,
        directDuring - directBefore,
        counts,
        first,
        last,
        allEnded ? 0 : open.get());
  }

  private static void sleepUntil(long startNanos, long afterMillis) throws InterruptedException {
    long left = afterMillis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    if (left > 0) {
      TimeUnit.MILLISECONDS.sleep(left);
    }
  }

  /** Heap in use after full collections (System.gc() is a full GC on G1 by default). */
  private static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /**
   * Direct memory in use: the JDK's direct buffers (what Netty's allocator takes its memory from on
   * Java 17 without Unsafe access) plus what Netty allocated past them, when it counts that.
   */
  private static long directMemory() {
    long jdk = 0;
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (pool.getName().equals("direct")) {
        jdk = pool.getMemoryUsed();
      }
    }
    return jdk + Math.max(0, PlatformDependent.usedDirectMemory());
  }

  private static Process startFake(long delayMs) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(FakeApiServer.class.getName());
    command.addAll(
        List.of(
            "--port", "0", "--no-store", "--threads", "1", "--fault-rate", "1", "--faults",
            "DELAY", "--delay-ms", Long.toString(delayMs)));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  private static List<Integer> ints(String csv) {
    List<Integer> out = new ArrayList<>();
    for (String s : csv.split(",")) {
      out.add(Integer.parseInt(s.trim()));
    }
    return out;
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException(args[i - 1] + " needs a value");
    }
    return args[i];
  }
}
