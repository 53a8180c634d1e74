package dev.dyntokens.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dyntokens.bench.load.Merge;
import dev.dyntokens.bench.load.Options;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver end to end against its embedded fake on loopback: interval logs and their merge, and
 * the CI thresholds. Runs are small and skip the warm-up, so the whole class stays within seconds
 * on a quiet machine.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LoadDriverTest {
  @TempDir Path dir;

  @Test
  void twoConcurrentRunsMergeToTheSumOfTheirCalls() throws Exception {
    Path a = dir.resolve("a.hlog");
    Path b = dir.resolve("b.hlog");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<Integer> ra = pool.submit(() -> run("--requests", "3000", "--concurrency", "16",
          "--warmup", "0", "--histogram-log", a.toString()));
      Future<Integer> rb = pool.submit(() -> run("--requests", "3000", "--concurrency", "16",
          "--warmup", "0", "--fault-rate", "0.1", "--histogram-log", b.toString()));
      assertEquals(0, ra.get(2, TimeUnit.MINUTES));
      assertEquals(0, rb.get(2, TimeUnit.MINUTES));
    } finally {
      pool.shutdownNow();
    }
    assertEquals(3000, untaggedCount(a));
    assertEquals(3000, untaggedCount(b));

    Path html = dir.resolve("merged.html");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    // Options before and after the files.
    int status =
        Merge.main(
            new String[] {"--json", a.toString(), b.toString(), "--html", html.toString()},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
    JsonNode json = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
    assertEquals(6000, json.get("count").asLong());
    assertEquals(6000, json.get("latencyMillis").get("count").asLong());
    long outcomes = 0;
    for (JsonNode n : json.get("outcomes")) {
      outcomes += n.asLong();
    }
    assertEquals(6000, outcomes, "the outcome tags add up to the untagged histograms");
    assertTrue(json.get("outcomes").get("success").asLong() < 6000, "run b had faults");
    assertTrue(json.get("timeline").size() > 0);
    String page = Files.readString(html);
    assertTrue(page.contains("Merged load report"));
    assertTrue(page.contains("6,000 calls"));
    assertFalse(page.contains("<script"));

    // Thresholds apply to the merged calls too.
    int failed =
        Merge.main(
            new String[] {a.toString(), b.toString(), "--max-error-rate", "0"},
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(1, failed);
  }

  @Test
  void mergeRefusesMissingFilesAndUnknownOptions() {
    PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    assertEquals(2, Merge.main(new String[] {dir.resolve("none.hlog").toString()}, sink, sink));
    assertEquals(2, Merge.main(new String[] {"--colour", "x.hlog"}, sink, sink));
    assertEquals(2, Merge.main(new String[0], sink, sink));
  }

  @Test
  void thresholdsPassWhenMet() throws Exception {
    Result r = runCapturing("--max-p99", "60s", "--max-error-rate", "0", "--min-throughput", "1");
    assertEquals(0, r.status, r.err);
    assertTrue(r.err.contains("thresholds: passed"), r.err);
  }

  @Test
  void p99ThresholdFails() throws Exception {
    // 200 cold calls at concurrency 64 cannot all answer within a millisecond.
    Result r = runCapturing("--max-p99", "1ms");
    assertEquals(1, r.status, r.err);
    assertTrue(r.err.matches("(?s).*threshold failed: --max-p99: p99 [0-9.]+ ms > 1 ms.*"), r.err);
  }

  @Test
  void errorRateThresholdFails() throws Exception {
    Result r = runCapturing("--fault-rate", "0.5", "--no-retry", "--max-error-rate", "0.01");
    assertEquals(1, r.status, r.err);
    assertTrue(
        r.err.matches("(?s).*threshold failed: --max-error-rate: error rate 0\\.[0-9]+ > 0\\.01.*"),
        r.err);
  }

  @Test
  void throughputThresholdFails() throws Exception {
    Result r = runCapturing("--min-throughput", "1000000000");
    assertEquals(1, r.status, r.err);
    assertTrue(
        r.err.matches(
            "(?s).*threshold failed: --min-throughput: throughput [0-9,.]+ calls/s < 1000000000 calls/s.*"),
        r.err);
  }

  private record Result(int status, String err) {}

  /** A 200-call run without warm-up; its stderr (progress, threshold lines) captured. */
  private static synchronized Result runCapturing(String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--requests", "200", "--warmup", "0"));
    args.addAll(List.of(extra));
    PrintStream before = System.err;
    PrintStream beforeOut = System.out;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    try {
      int status = LoadDriver.run(Options.parse(args.toArray(String[]::new)));
      return new Result(status, err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(before);
      System.setOut(beforeOut);
    }
  }

  private static int run(String... args) throws Exception {
    return LoadDriver.run(Options.parse(args));
  }

  private static long untaggedCount(Path log) throws Exception {
    long n = 0;
    HistogramLogReader reader = new HistogramLogReader(log.toFile());
    try {
      EncodableHistogram h;
      while ((h = reader.nextIntervalHistogram()) != null) {
        if (h.getTag() == null) {
          n += ((org.HdrHistogram.Histogram) h).getTotalCount();
        }
      }
    } finally {
      reader.close();
    }
    return n;
  }
}
