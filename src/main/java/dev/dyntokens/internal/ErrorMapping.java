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
      message = describeBody(status, headers, body);
    }
    message = Redactor.redact(clip(message, MAX_MESSAGE), apiToken);
    if (code != null) {
      code = Redactor.redact(clip(code, 100), apiToken);
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

  /** Describes a body that is not the API's JSON: a proxy's HTML page, plain text, nothing. */
  static String describeBody(int status, HttpHeaders headers, ResponseBodies.Body body) {
    String reason = HttpResponseStatus.valueOf(status).reasonPhrase();
    if (body.length == 0) {
      return reason + " (empty body)";
    }
    String type = headers.get(HttpHeaderNames.CONTENT_TYPE, "no content type");
    String text = new String(body.bytes, 0, body.length, StandardCharsets.UTF_8);
    text = text.replaceAll("(?s)<(script|style)[^>]*>.*?</\\1>", " ");
    text = text.replaceAll("<[^>]*>", " ").replaceAll("[\\p{Cntrl}\\s\\uFFFD]+", " ").strip();
    String size = body.truncated ? "over " + body.length : Integer.toString(body.length);
    return reason
        + " ("
        + clip(type, 100)
        + " body of "
        + size
        + " bytes"
        + (text.isEmpty() ? ")" : ": " + clip(text, 200) + ")");
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
