package dev.dyntokens.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.dyntokens.CreateTokenRequest;
import dev.dyntokens.ReactiveTokenClient;
import dev.dyntokens.RetryPolicy;
import dev.dyntokens.Token;
import dev.dyntokens.TokenScope;
import dev.dyntokens.bench.load.HtmlReport;
import dev.dyntokens.bench.load.IntervalLog;
import dev.dyntokens.bench.load.Merge;
import dev.dyntokens.bench.load.Options;
import dev.dyntokens.bench.load.Progress;
import dev.dyntokens.bench.load.Recorder;
import dev.dyntokens.bench.load.Summary;
import dev.dyntokens.bench.load.Target;
import dev.dyntokens.bench.load.Targets;
import dev.dyntokens.bench.load.Workload;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Drives token creation through {@link ReactiveTokenClient} against an embedded fake API (default)
 * or a real one, and reports throughput, latency percentiles and outcomes. See {@link
 * Options#USAGE}.
 */
public final class LoadDriver {
  private LoadDriver() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("merge")) {
      System.exit(Merge.main(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
      return;
    }
    Options options;
    try {
      if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
        System.out.print(Options.USAGE);
        return;
      }
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.print(Options.USAGE);
      System.exit(2);
      return;
    }
    int status;
    try {
      status = run(options);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      status = 2;
    }
    System.exit(status);
  }

  static int run(Options o) throws Exception {
    try (Target target = Targets.of(o)) {
      String runId = UUID.randomUUID().toString().substring(0, 8);
      CreateTokenRequest request =
          new CreateTokenRequest(
              o.notePrefix() + " " + runId, o.scopes().stream().map(TokenScope::of).toList());
      ReactiveTokenClient.Builder builder =
          ReactiveTokenClient.builder()
              .baseUrl(target.baseUrl())
              .apiToken(target.apiToken())
              .responseTimeout(o.timeout())
              .retryPolicy(o.retries() ? RetryPolicy.defaults() : RetryPolicy.none())
              .http2(o.http2());
      if (!o.openModel() && o.concurrency() > 512) {
        builder.maxConnections(Math.min(10_000, o.concurrency()));
      }
      String clientDesc =
          "ReactiveTokenClient, retries "
              + (o.retries() ? "default" : "none")
              + ", response timeout "
              + o.timeout().toMillis()
              + " ms"
              + (o.http2() ? ", HTTP/2 offered" : "");
      Queue<String> createdIds = new ConcurrentLinkedQueue<>();
      // Against a real API, the ids of created tokens (never their secrets), for the clean-up.
      Consumer<Token> keepIds = t -> {
        if (target.real()) {
          createdIds.add(t.id());
        }
      };
      Map<String, Long> cleanup = new LinkedHashMap<>();
      long start;
      long end;
      Recorder recorder;
      String model = o.describeModel();
      IntervalLog log = null;
      Map<String, Long> serverBefore = Map.of();
      try (ReactiveTokenClient client = builder.build()) {
        System.err.println("target: " + target.describe() + "; model: " + model);
        if (o.warmup()) {
          model += ", after a warm-up of " + warmup(o, client, request, keepIds);
          // The fake's counters then count only the measured calls (the retries estimate uses them).
          serverBefore = target.serverStats();
        }
        long startMillis = System.currentTimeMillis();
        start = System.nanoTime();
        if (o.histogramLog() != null) {
          try {
            log =
                IntervalLog.create(
                    Path.of(o.histogramLog()),
                    startMillis,
                    "target " + target.describe() + "; model " + model);
          } catch (IOException e) {
            throw new IllegalArgumentException("--histogram-log: cannot write " + e.getMessage());
          }
        }
        recorder = new Recorder(start, log);
        Workload work = new Workload(client, request, recorder, keepIds);
        // A number of calls, if given, bounds the run; the duration only without one.
        long durationNanos = o.requests() > 0 || o.duration() == null ? 0 : o.duration().toNanos();
        long total = o.requests() > 0 ? o.requests() : -1;
        try (Progress progress = new Progress(recorder, total, System.err).start()) {
          if (o.openModel()) {
            long drain = o.timeout().toNanos() * (o.retries() ? 4 : 1) + Duration.ofSeconds(10).toNanos();
            work.open(o.rate(), o.requests(), durationNanos, drain);
          } else {
            work.closed(o.concurrency(), o.requests(), durationNanos);
          }
        }
        end = System.nanoTime();
        recorder.tick();
        if (log != null) {
          log.close();
          System.err.println("wrote " + o.histogramLog());
        }
        if (target.real() && !o.keep()) {
          cleanup = deleteAll(client, createdIds);
        } else if (target.real()) {
          cleanup.put("kept", (long) createdIds.size());
        }
      }
      Summary summary =
          new Summary(
              target.describe(),
              model,
              clientDesc,
              (end - start) / 1e9,
              recorder.done(),
              recorder.outcomes(),
              recorder.errorsByClass(),
              recorder.allLatencies(),
              recorder.successLatencies(),
              recorder.timeline(),
              minus(target.serverStats(), serverBefore),
              cleanup);
      if (o.json()) {
        System.out.println(
            new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(summary.toMap()));
      } else {
        System.out.print(summary.text());
      }
      if (o.html() != null) {
        HtmlReport.write(summary, Path.of(o.html()));
        System.err.println("wrote " + o.html());
      }
      return o.thresholds()
          .check(
              summary.p99Millis(),
              summary.errorRate(),
              summary.throughput(),
              System.err);
    }
  }

  /**
   * The unrecorded warm-up: closed model at --concurrency for --warmup calls or time.
   *
   * @return what it did, for the summary's model line
   */
  private static String warmup(
      Options o, ReactiveTokenClient client, CreateTokenRequest request, Consumer<Token> keepIds) {
    System.err.println(
        "warming up for "
            + o.describeWarmup()
            + " at concurrency "
            + o.concurrency()
            + ", not recorded (--warmup 0 turns it off)");
    long t0 = System.nanoTime();
    Recorder warm = new Recorder(t0);
    new Workload(client, request, warm, keepIds)
        .closed(o.concurrency(), o.warmupCalls(), o.warmupDuration().toNanos());
    double seconds = (System.nanoTime() - t0) / 1e9;
    String done =
        String.format(
            Locale.ROOT, "%,d calls in %.1f s (%,.0f calls/s)", warm.done(), seconds, warm.done() / seconds);
    System.err.println("warm-up: " + done);
    return done;
  }

  /** Counter by counter, {@code now - before}. */
  static Map<String, Long> minus(Map<String, Long> now, Map<String, Long> before) {
    Map<String, Long> out = new LinkedHashMap<>();
    now.forEach((k, v) -> out.put(k, v - before.getOrDefault(k, 0L)));
    return out;
  }

  /** Deletes the tokens this run created on a real API, four at a time. */
  private static Map<String, Long> deleteAll(ReactiveTokenClient client, Queue<String> ids) {
    AtomicLong deleted = new AtomicLong();
    Queue<String> failed = new ConcurrentLinkedQueue<>();
    System.err.println("deleting " + ids.size() + " created tokens (use --keep to keep them)");
    Flux.fromIterable(ids)
        .flatMap(
            id ->
                client
                    .deleteToken(id)
                    .doOnSuccess(v -> deleted.incrementAndGet())
                    .onErrorResume(
                        e -> {
                          failed.add(id);
                          return Mono.empty();
                        }),
            4)
        .blockLast(Duration.ofMinutes(5));
    if (!failed.isEmpty()) {
      System.err.println("could not delete token ids: " + failed);
    }
    Map<String, Long> result = new LinkedHashMap<>();
    result.put("created", (long) ids.size());
    result.put("deleted", deleted.get());
    result.put("deleteFailed", (long) failed.size());
    return result;
  }
}
