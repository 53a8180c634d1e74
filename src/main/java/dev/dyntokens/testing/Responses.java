package dev.dyntokens.testing;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerResponse;

/** Writes answers, whole or broken on purpose, and ends connections; counts what it answers. */
final class Responses {
  private final Counters counters;

  Responses(Counters counters) {
    this.counters = counters;
  }

  Mono<Void> send(HttpServerResponse response, Answer answer) {
    counters.answered(answer.status());
    headers(response, answer, answer.body().length);
    if (answer.body().length == 0) {
      return response.send().then();
    }
    return response.sendByteArray(Mono.just(answer.body())).then();
  }

  private static void headers(HttpServerResponse response, Answer answer, int contentLength) {
    response.status(answer.status());
    if (answer.status() != 204) {
      response.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(contentLength));
    }
    String contentType = answer.contentType();
    if (contentType != null) {
      response.header(HttpHeaderNames.CONTENT_TYPE, contentType);
    }
    if (answer.retryAfterSeconds() > 0) {
      response.header(HttpHeaderNames.RETRY_AFTER, Long.toString(answer.retryAfterSeconds()));
    }
  }

  /** Announces the whole body, sends half of it, then closes the connection. */
  Mono<Void> truncated(HttpServerResponse response, Answer real) {
    Answer answer = real.body().length > 0 ? real : Answer.json(200, WireJson.error("truncated"));
    byte[] body = answer.body();
    counters.answered(answer.status());
    headers(response, answer, body.length);
    Connection connection = connection(response);
    return response
        .sendHeaders()
        .then()
        .then(
            Mono.fromRunnable(
                () ->
                    connection
                        .channel()
                        .writeAndFlush(Unpooled.wrappedBuffer(body, 0, body.length / 2))
                        .addListener(ChannelFutureListener.CLOSE)))
        .then(connection.onDispose());
  }

  static Mono<Void> close(HttpServerResponse response) {
    Connection connection = connection(response);
    connection.dispose();
    return connection.onDispose();
  }

  static Mono<Void> reset(HttpServerResponse response) {
    Connection connection = connection(response);
    try {
      connection.channel().config().setOption(ChannelOption.SO_LINGER, 0);
    } catch (RuntimeException e) {
      // A transport without SO_LINGER closes normally instead.
    }
    connection.dispose();
    return connection.onDispose();
  }

  static Connection connection(HttpServerResponse response) {
    Connection[] holder = new Connection[1];
    response.withConnection(c -> holder[0] = c);
    if (holder[0] == null) {
      throw new IllegalStateException("no connection");
    }
    return holder[0];
  }

  /**
   * Closes the connection, unanswered, after the body could not be read (a read or request timeout,
   * the client gone). Closed on a later turn of the event loop, since answering or closing from
   * within the inbound's error signal makes Reactor Netty signal it a second time.
   */
  static Mono<Void> abandon(HttpServerResponse response) {
    Connection connection = connection(response);
    connection.channel().eventLoop().execute(connection::dispose);
    return connection.onDispose();
  }
}
