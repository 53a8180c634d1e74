package dev.dyntokens.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThresholdsTest {
  private static final Thresholds ALL = new Thresholds(Duration.ofMillis(250), 0.05, 1000.0);

  @Test
  void passesWithinEveryLimit() {
    assertEquals(List.of(), ALL.failures(250.0, 0.05, 1000.0));
    assertEquals(0, ALL.check(12.5, 0.0, 5000, quiet()));
  }

  @Test
  void p99AboveTheLimitFails() {
    List<String> f = ALL.failures(312.4, 0.0, 5000);
    assertEquals(List.of("--max-p99: p99 312.40 ms > 250 ms"), f);
  }

  @Test
  void errorRateAboveTheLimitFails() {
    assertEquals(
        List.of("--max-error-rate: error rate 0.1000 > 0.05"), ALL.failures(10, 0.1, 5000));
  }

  @Test
  void throughputBelowTheLimitFails() {
    assertEquals(
        List.of("--min-throughput: throughput 999.5 calls/s < 1000 calls/s"),
        ALL.failures(10, 0, 999.5));
  }

  @Test
  void checkPrintsEveryFailureAndReturnsOne() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int status = ALL.check(300, 0.5, 10, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String err = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(1, status);
    assertTrue(err.contains("threshold failed: --max-p99"), err);
    assertTrue(err.contains("threshold failed: --max-error-rate"), err);
    assertTrue(err.contains("threshold failed: --min-throughput"), err);
  }

  @Test
  void noThresholdsNoCheck() {
    assertEquals(0, Thresholds.none().check(1e9, 1, 0, quiet()));
  }

  private static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }
}
