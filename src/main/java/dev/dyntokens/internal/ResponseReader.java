package dev.dyntokens.internal;

import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClientResponse;

/** Reads an answer once its status is known; the body must be consumed or not subscribed. */
@FunctionalInterface
interface ResponseReader<T> {
  Mono<T> read(HttpClientResponse response, ByteBufFlux body, String description);
}
