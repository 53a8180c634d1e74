package dev.dyntokens.internal;

import dev.dyntokens.ResponseDecodingException;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;

/**
 * Reads response bodies into byte arrays with a bound, copying each buffer as it arrives (Reactor
 * Netty releases it right after), so no buffer outlives the exchange.
 */
final class ResponseBodies {
  /** Largest success body accepted: a list of hundreds of tokens is under 300 KiB. */
  static final int MAX_SUCCESS_BODY = 1 << 20;

  /** Largest part of an error body read; the rest is not read and the connection is closed. */
  static final int MAX_ERROR_BODY = 16 << 10;

  private ResponseBodies() {}

  /** A body read into {@code bytes[0, length)}; {@code truncated} if there was more. */
  static final class Body {
    byte[] bytes;
    int length;
    boolean truncated;

    Body(int capacity) {
      this.bytes = new byte[capacity];
    }

    /** Appends up to {@code limit} bytes in all; returns false once more arrived than fit. */
    boolean append(ByteBuf buf, int limit) {
      int n = buf.readableBytes();
      int room = limit - length;
      int take = Math.min(n, room);
      if (length + take > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.min(limit, Math.max(length + take, bytes.length * 2)));
      }
      buf.getBytes(buf.readerIndex(), bytes, length, take);
      length += take;
      if (take < n) {
        truncated = true;
        return false;
      }
      return true;
    }
  }

  /**
   * Reads a whole success body ({@code collect} emits the empty container for an empty body).
   *
   * @return the body, or a {@link ResponseDecodingException} naming the limit if it is larger than
   *     {@value #MAX_SUCCESS_BODY} bytes (checked against Content-Length first, so a huge declared
   *     body is refused before any byte is read)
   */
  static Mono<Body> readAll(ByteBufFlux in, long contentLength, int status) {
    if (contentLength > MAX_SUCCESS_BODY) {
      return Mono.error(tooLarge(status, contentLength + " bytes declared"));
    }
    int capacity = contentLength >= 0 ? (int) contentLength : 1024;
    return in.collect(
        () -> new Body(capacity),
        (body, buf) -> {
          if (!body.append(buf, MAX_SUCCESS_BODY)) {
            throw tooLarge(status, "more than " + MAX_SUCCESS_BODY + " bytes sent");
          }
        });
  }

  /** Reads at most {@value #MAX_ERROR_BODY} bytes of an error body, then stops reading. */
  static Mono<Body> readPrefix(ByteBufFlux in, long contentLength) {
    Body body =
        new Body(contentLength >= 0 && contentLength < MAX_ERROR_BODY ? (int) contentLength : 1024);
    return in.<Void>handle(
            (buf, sink) -> {
              if (!body.append(buf, MAX_ERROR_BODY)) {
                sink.complete();
              }
            })
        .then(Mono.fromSupplier(() -> body));
  }

  private static ResponseDecodingException tooLarge(int status, String what) {
    return new ResponseDecodingException(
        status,
        null,
        "response body (HTTP "
            + status
            + ") is larger than the client's limit of "
            + MAX_SUCCESS_BODY
            + " bytes: "
            + what,
        null);
  }
}
