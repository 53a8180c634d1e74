package dev.dyntokens.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InstantsTest {
  /** What the client accepted before the fast path: the JDK's two ISO parsers. */
  private static @Nullable Instant jdk(String s) {
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      try {
        return OffsetDateTime.parse(s).toInstant();
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2023-11-07T05:31:56Z",
        "2023-11-07T05:31:56.1Z",
        "2023-11-07T05:31:56.123Z",
        "2023-11-07T05:31:56.123456789Z",
        "2024-02-29T23:59:59.999+05:30",
        "1970-01-01T00:00:00Z",
        "2023-11-07T05:31:56-00:00",
        "0000-01-01T00:00:00Z",
        "1969-12-31T23:59:59.5-08:00",
        "9999-12-31T23:59:59.999999999-17:59"
      })
  void apiShapedTimestampsTakeTheFastPathAndMatchTheJdk(String s) {
    assertThat(Instants.parse(s)).isNotNull().isEqualTo(jdk(s));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2023-02-29T00:00:00Z",
        "2023-04-31T00:00:00Z",
        "2023-13-01T00:00:00Z",
        "2023-00-01T00:00:00Z",
        "2023-11-07T24:00:00Z",
        "2023-11-07T05:60:00Z",
        "2023-11-07T05:31:56.Z",
        "2023-11-07T05:31:56.1234567890Z",
        "2023-11-07T05:31:56",
        "2023-11-07 05:31:56Z",
        "2023-11-07T05:31:56ZZ",
        "2023-11-07T05:31:56+5:30",
        "2023-11-07T05:31:56+18:00",
        "2023-11-07t05:31:56z",
        "+12023-11-07T05:31:56Z",
        "yesterday, around noon"
      })
  void anythingElseIsLeftToTheJdk(String s) {
    assertThat(Instants.parse(s)).isNull();
  }

  @Test
  void neverAcceptsWhatTheJdkRefusesNorDisagreesWithIt() {
    SplittableRandom random = new SplittableRandom(20261128L);
    String alphabet = "0123456789-:T.Z+z ";
    int fast = 0;
    for (int i = 0; i < 200_000; i++) {
      Instant instant =
          Instant.ofEpochSecond(
              random.nextLong(-62_167_219_200L, 253_402_300_799L), random.nextInt(1_000_000_000));
      int offsetMinutes = random.nextInt(-17 * 60 - 59, 17 * 60 + 60);
      String s =
          instant
              .atOffset(ZoneOffset.ofTotalSeconds(offsetMinutes * 60))
              .toString(); // ISO with 0, 3, 6 or 9 fraction digits, Z or +hh:mm
      if (random.nextInt(3) == 0) {
        char[] chars = s.toCharArray();
        chars[random.nextInt(chars.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
        s = new String(chars);
      }
      Instant parsed = Instants.parse(s);
      if (parsed != null) {
        fast++;
        assertThat(parsed).as(s).isEqualTo(jdk(s));
      }
    }
    assertThat(fast).as("inputs on the fast path").isGreaterThan(100_000);
  }

  @Test
  void daysFromCivilMatchesLocalDate() {
    for (long day = -800_000; day <= 3_000_000; day += 97) {
      java.time.LocalDate d = java.time.LocalDate.ofEpochDay(day);
      assertThat(Instants.daysFromCivil(d.getYear(), d.getMonthValue(), d.getDayOfMonth()))
          .isEqualTo(day);
    }
  }
}
