package dev.dyntokens.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dyntokens.BadRequestException;
import dev.dyntokens.DynamicApiException;
import dev.dyntokens.ForbiddenException;
import dev.dyntokens.NotFoundException;
import dev.dyntokens.RateLimitedException;
import dev.dyntokens.ServerErrorException;
import dev.dyntokens.UnauthorizedException;
import dev.dyntokens.UnprocessableEntityException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Schedulers;

/** Maps an HTTP error answer, whatever its body, to the typed exception for its status. */
final class ErrorMapping {
  /** Longest error message kept from a body. */
  static final int MAX_MESSAGE = 500;

  /** Longest Retry-After honoured as such; beyond it the value is clamped. */
  static final Duration MAX_RETRY_AFTER = Duration.ofDays(1);

  private ErrorMapping() {}

  static DynamicApiException map(
      int status,
      HttpHeaders headers,
      ResponseBodies.Body body,
      String request,
      Json json,
      @Nullable String apiToken) {
    String code = null;
    String message = null;
    JsonNode tree = body.length == 0 ? null : json.readErrorTree(body.bytes, body.length);
    if (tree != null) {
      message = text(tree.get("error"));
      if (message == null) {
        message = text(tree.get("message"));
      }
      code = text(tree.get("code"));
    }
    if (message == null) {
      message = describeBody(status, headers, body, apiToken);
    }
    // Redacted, then clipped: clipped first, a secret cut by the clip would no longer be whole
    // (nor, for the API token, recognisable at all) and its first part would survive.
    message = clip(Redactor.redact(message, apiToken), MAX_MESSAGE);
    if (code != null) {
      code = clip(Redactor.redact(code, apiToken), 100);
    }
    switch (status) {
      case 400:
        return new BadRequestException(code, message, request);
      case 401:
        return new UnauthorizedException(code, message, request);
      case 403:
        return new ForbiddenException(code, message, request);
      case 404:
        return new NotFoundException(code, message, request);
      case 422:
        return new UnprocessableEntityException(code, message, request);
      case 429:
        return new RateLimitedException(code, message, request, retryAfter(headers));
      default:
        if (status >= 500 && status <= 599) {
          return new ServerErrorException(status, code, message, request, retryAfter(headers));
        }
        return new DynamicApiException(status, code, message, request);
    }
  }

  private static @Nullable String text(@Nullable JsonNode node) {
    if (node == null || node.isNull() || node.isContainerNode()) {
      return null;
    }
    String text = node.asText();
    return text.isEmpty() ? null : text;
  }

  /**
   * Describes a body that is not the API's JSON: a proxy's HTML page, plain text, nothing. Its text
   * is redacted before it is clipped.
   */
  static String describeBody(
      int status, HttpHeaders headers, ResponseBodies.Body body, @Nullable String apiToken) {
    String reason = HttpResponseStatus.valueOf(status).reasonPhrase();
    if (body.length == 0) {
      return reason + " (empty body)";
    }
    String type = headers.get(HttpHeaderNames.CONTENT_TYPE, "no content type");
    String text = new String(body.bytes, 0, body.length, StandardCharsets.UTF_8);
    text = Redactor.redact(stripTags(text), apiToken);
    String size = body.truncated ? "over " + body.length : Integer.toString(body.length);
    return reason
        + " ("
        + clip(Redactor.redact(type, apiToken), 100)
        + " body of "
        + size
        + " bytes"
        + (text.isEmpty() ? ")" : ": " + clip(text, 200) + ")");
  }

  /**
   * The text of an HTML (or any) body: {@code script} and {@code style} elements and then tags
   * replaced by a space, runs of whitespace, control characters and U+FFFD by one space, the ends
   * stripped. The same text as the regular expressions {@code (?s)<(script|style)[^>]*>.*?</\1>},
   * then {@code <[^>]*>}, then {@code [\p{Cntrl}\s\uFFFD]+} gave, but in time linear in the text:
   * those backtrack, quadratic on a body of {@code <} or of {@code <script} openers with no closer,
   * and this runs on an event loop. Each search ahead (for a {@code >} or a closing tag) remembers
   * what it found, so no part of the text is searched twice.
   */
  static String stripTags(String html) {
    return collapseSpace(stripOtherTags(stripScriptsAndStyles(html)));
  }

  /** {@code (?s)<(script|style)[^>]*>.*?</\1>} replaced by a space. */
  private static String stripScriptsAndStyles(String s) {
    if (s.indexOf("<script") < 0 && s.indexOf("<style") < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    Ahead gt = new Ahead(s, ">");
    Ahead endScript = new Ahead(s, "</script>");
    Ahead endStyle = new Ahead(s, "</style>");
    int i = 0;
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (c == '<') {
        boolean script = s.startsWith("script", i + 1);
        if (script || s.startsWith("style", i + 1)) {
          int open = gt.from(i + (script ? 7 : 6));
          int close = open < 0 ? -1 : (script ? endScript : endStyle).from(open + 1);
          if (close >= 0) {
            out.append(' ');
            i = close + (script ? 9 : 8);
            continue;
          }
        }
      }
      out.append(c);
      i++;
    }
    return out.toString();
  }

  /** {@code <[^>]*>} replaced by a space. */
  private static String stripOtherTags(String s) {
    int last = s.lastIndexOf('>');
    if (last < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    int i = 0;
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (c == '<') {
        if (i > last) {
          break; // no '>' after this '<': the rest is text, every '<' in it unmatched
        }
        out.append(' ');
        i = s.indexOf('>', i + 1) + 1; // ahead of i, so each character is looked at once
        continue;
      }
      out.append(c);
      i++;
    }
    return out.append(s, i, n).toString();
  }

  /** {@code [\p{Cntrl}\s\uFFFD]+} replaced by a space, then {@link String#strip()}. */
  private static String collapseSpace(String s) {
    StringBuilder out = new StringBuilder(s.length());
    boolean inRun = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= 0x20 || c == 0x7f || c == '\uFFFD') {
        if (!inRun) {
          out.append(' ');
          inRun = true;
        }
      } else {
        out.append(c);
        inRun = false;
      }
    }
    return out.toString().strip();
  }

  /**
   * Finds {@code target} at or after an index that never decreases from one call to the next, so
   * that the text is searched once in all: a find is reused until the index passes it, and once
   * nothing is found, nothing is found for any later index.
   */
  private static final class Ahead {
    private final String text;
    private final String target;
    private int found = -2; // not searched yet

    Ahead(String text, String target) {
      this.text = text;
      this.target = target;
    }

    int from(int index) {
      if (found == -2 || (found >= 0 && found < index)) {
        found = text.indexOf(target, index);
      }
      return found;
    }
  }

  /**
   * Parses {@code Retry-After} as delta-seconds or an HTTP date; null if absent or unreadable.
   * Dates are read against the Reactor clock, so virtual-time tests see virtual time.
   */
  static @Nullable Duration retryAfter(HttpHeaders headers) {
    String value = headers.get(HttpHeaderNames.RETRY_AFTER);
    if (value == null) {
      return null;
    }
    value = value.strip();
    if (value.isEmpty() || value.length() > 64) {
      return null;
    }
    if (value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      if (value.length() > 9) {
        return MAX_RETRY_AFTER;
      }
      Duration d = Duration.ofSeconds(Long.parseLong(value));
      return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
    }
    try {
      long at =
          ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)
              .toInstant()
              .toEpochMilli();
      long now = Schedulers.parallel().now(TimeUnit.MILLISECONDS);
      Duration d = Duration.ofMillis(Math.max(0, at - now));
      return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  static String clip(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "…";
  }
}
