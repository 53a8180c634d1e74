package dev.dyntokens.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class OptionsTest {
  @Test
  void warmsUpByDefaultAgainstTheFake() {
    Options o = Options.parse(new String[0]);
    assertTrue(o.warmup());
    assertEquals(5_000, o.warmupCalls());
    assertEquals(Duration.ofSeconds(5), o.warmupDuration(), "at most 5 s");
  }

  @Test
  void warmupZeroTurnsItOff() {
    assertFalse(Options.parse(new String[] {"--warmup", "0"}).warmup());
    assertFalse(Options.parse(new String[] {"--warmup", "0s"}).warmup());
  }

  @Test
  void warmupTakesACountOrATime() {
    Options calls = Options.parse(new String[] {"--warmup", "1200"});
    assertEquals(1200, calls.warmupCalls());
    assertEquals(Duration.ZERO, calls.warmupDuration());
    Options time = Options.parse(new String[] {"--warmup", "1.5s"});
    assertEquals(0, time.warmupCalls());
    assertEquals(Duration.ofMillis(1500), time.warmupDuration());
    assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--warmup", "-1s"}));
  }

  @Test
  void noWarmupByDefaultAgainstARealApi() {
    Options o = Options.parse(new String[] {"--base-url", "http://127.0.0.1:1/api/v0"});
    assertFalse(o.warmup());
  }

  @Test
  void thresholdsAndTheHistogramLog() {
    Options o =
        Options.parse(
            new String[] {
              "--max-p99", "250ms", "--max-error-rate", "0.05", "--min-throughput", "1000",
              "--histogram-log", "x.hlog"
            });
    assertEquals(new Thresholds(Duration.ofMillis(250), 0.05, 1000.0), o.thresholds());
    assertEquals("x.hlog", o.histogramLog());
    Options none = Options.parse(new String[0]);
    assertFalse(none.thresholds().any());
    assertNull(none.histogramLog());
  }

  @Test
  void badThresholdsAreRefused() {
    for (String[] args :
        new String[][] {
          {"--max-p99", "0ms"},
          {"--max-p99", "fast"},
          {"--max-error-rate", "1.5"},
          {"--max-error-rate", "-0.1"},
          {"--min-throughput", "-1"},
          {"--min-throughput", "lots"},
          {"--min-throughput"},
        }) {
      assertThrows(IllegalArgumentException.class, () -> Options.parse(args), String.join(" ", args));
    }
  }

  @Test
  void http2NeedsTlsToTheFakeOrAnHttpsBaseUrl() {
    assertTrue(Options.parse(new String[] {"--tls", "--http2"}).http2());
    assertTrue(
        Options.parse(new String[] {"--base-url", "https://api.example.com/api/v0", "--http2"})
            .http2());
    assertFalse(Options.parse(new String[] {"--tls"}).http2());
    IllegalArgumentException plain =
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--http2"}));
    assertTrue(plain.getMessage().contains("--http2 needs --tls"), plain.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> Options.parse(new String[] {"--base-url", "http://127.0.0.1:1/api/v0", "--http2"}));
  }
}
