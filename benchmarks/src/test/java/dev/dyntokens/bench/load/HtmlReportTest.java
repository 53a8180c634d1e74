package dev.dyntokens.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class HtmlReportTest {
  @Test
  void linearTicksAreRound() {
    HtmlReport.Axis a = HtmlReport.Axis.linear(0, 1611.26, 5);
    assertEquals(List.of(0.0, 500.0, 1000.0, 1500.0, 2000.0), a.ticks());
    assertEquals(List.of(0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 14.0, 16.0, 18.0, 20.0, 22.0),
        HtmlReport.Axis.linear(0, 21.19, 10).ticks());
    assertEquals(List.of(0.0, 0.1, 0.2, 0.3), HtmlReport.Axis.linear(0, 0.27, 3).ticks());
    assertEquals("1,500", HtmlReport.Axis.format(1500));
    assertEquals("0.3", HtmlReport.Axis.format(0.3));
  }

  @Test
  void logTicksAreOneTwoFive() {
    HtmlReport.Axis a = HtmlReport.Axis.log(13.2, 1611.26);
    assertEquals(List.of(10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0), a.ticks());
    HtmlReport.Axis wide = HtmlReport.Axis.log(0.05, 4000);
    assertEquals(List.of(0.01, 0.1, 1.0, 10.0, 100.0, 1000.0, 10000.0), wide.ticks());
    assertEquals("0.01", HtmlReport.Axis.format(0.01));
  }

  @Test
  void reportIsSelfContainedWithRoundTicksAndAllCharts() {
    Map<Outcome, Histogram> second = new EnumMap<>(Outcome.class);
    Histogram ok = new Histogram(3);
    Histogram fivexx = new Histogram(3);
    for (int i = 1; i <= 1000; i++) {
      ok.recordValue(537_090L * i / 1000);
    }
    fivexx.recordValue(1_611_260);
    second.put(Outcome.SUCCESS, ok);
    second.put(Outcome.SERVER_ERROR, fivexx);
    List<Recorder.Interval> timeline =
        List.of(Recorder.Interval.of(0, 1, second), Recorder.Interval.of(1, 2, second));
    Histogram all = ok.copy();
    all.add(fivexx);
    String html =
        HtmlReport.html(
            "Load report",
            List.of(Map.entry("server", "{requests=20000, " + "x=1, ".repeat(60) + "}")),
            all,
            ok,
            timeline);
    assertFalse(html.contains("<script"), "no scripts");
    assertFalse(Pattern.compile("(src|href)=\"(https?:)?//").matcher(html).find(), "no network resources");
    assertTrue(html.contains("overflow-wrap:anywhere"), "the summary wraps");
    assertTrue(html.contains("Latency over time"));
    assertTrue(html.contains("Outcomes per second"));
    assertTrue(html.contains("5xx (2)"), "outcome legend with totals");
    // Every axis label is a round number (500, 1,500, 0.2, 20), never one like 537.09.
    Matcher m = Pattern.compile("text-anchor=\"(?:end|middle)\">([0-9.,]+)</text>").matcher(html);
    int labels = 0;
    while (m.find()) {
      String digits = m.group(1).replace(",", "").replace(".", "").replaceAll("^0+", "");
      assertTrue(digits.replaceAll("0+$", "").length() <= 2, "not round: " + m.group(1));
      labels++;
    }
    assertTrue(labels > 10, "axis labels found: " + labels);
  }
}
