package dev.dyntokens.internal;

import dev.dyntokens.Token;
import dev.dyntokens.TokenInfo;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.List;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClientResponse;

/**
 * The answers the API gives: a created token, a list, an empty success, or an error mapped to its
 * typed exception. Each reads the body with a bound and decodes it with its integrity checks.
 */
final class ResponseReaders {
  final ResponseReader<Token> created = this::readCreated;
  final ResponseReader<List<TokenInfo>> list = this::readList;
  final ResponseReader<Void> nothing = this::readNothing;
  final ResponseReader<TokenInfo> current = this::readCurrent;

  private final Json json;
  private final @Nullable String apiToken;

  // Built once, so a read allocates no decoder.
  private final Decoder<Token> createdBody;
  private final Decoder<List<TokenInfo>> listBody;
  private final Decoder<TokenInfo> currentBody;

  /**
   * @param apiToken the static API token, masked in any error message that echoes it
   */
  ResponseReaders(Json json, @Nullable String apiToken) {
    this.json = json;
    this.apiToken = apiToken;
    this.createdBody =
        (body, status) ->
            TokenDecoder.created(json.readCreated(body.bytes, body.length, status), status);
    this.listBody =
        (body, status) ->
            TokenDecoder.listed(json.readList(body.bytes, body.length, status), status);
    this.currentBody =
        (body, status) ->
            TokenDecoder.current(json.readCreated(body.bytes, body.length, status), status);
  }

  private Mono<Token> readCreated(HttpClientResponse response, ByteBufFlux in, String what) {
    return readSuccess(response, in, what, createdBody);
  }

  private Mono<List<TokenInfo>> readList(HttpClientResponse response, ByteBufFlux in, String what) {
    return readSuccess(response, in, what, listBody);
  }

  private Mono<TokenInfo> readCurrent(HttpClientResponse response, ByteBufFlux in, String what) {
    return readSuccess(response, in, what, currentBody);
  }

  /** Decodes a body of a 2xx answer; any other status is read as an error. */
  @FunctionalInterface
  private interface Decoder<T> {
    T decode(ResponseBodies.Body body, int status);
  }

  private <T> Mono<T> readSuccess(
      HttpClientResponse response, ByteBufFlux in, String what, Decoder<T> decoder) {
    int status = response.status().code();
    if (status < 200 || status > 299) {
      return readError(response, in, what);
    }
    return ResponseBodies.readAll(in, contentLength(response), status)
        .map(body -> decoder.decode(body, status));
  }

  private Mono<Void> readNothing(HttpClientResponse response, ByteBufFlux in, String what) {
    int status = response.status().code();
    if (status < 200 || status > 299) {
      return readError(response, in, what);
    }
    return in.then();
  }

  private <T> Mono<T> readError(HttpClientResponse response, ByteBufFlux in, String what) {
    int status = response.status().code();
    return ResponseBodies.readPrefix(in, contentLength(response))
        .flatMap(
            body ->
                Mono.error(
                    ErrorMapping.map(
                        status, response.responseHeaders(), body, what, json, apiToken)));
  }

  private static long contentLength(HttpClientResponse response) {
    String value = response.responseHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
