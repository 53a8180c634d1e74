package dev.dyntokens.internal;

import dev.dyntokens.ObservedCall;
import dev.dyntokens.RetryPolicy;
import io.netty.handler.codec.http.HttpHeaders;
import org.jspecify.annotations.Nullable;

/**
 * One logical call as the facade asked for it, built when the method is called and read by every
 * layer below: what it does, where, with which body and idempotency key, how its answer is read,
 * and the bounds it runs under. Immutable; each subscription runs it once.
 */
final class Call<T> {
  final Operation operation;

  /** {@code user} or {@code environment}, for telemetry. */
  final String target;

  /** The call as telemetry is told about it: templates, never ids. */
  final ObservedCall observed;

  /**
   * The request's path on the API's host ({@code /api/v0/user/tokens}); the host and port are the
   * transport's.
   */
  final String url;

  /** Method and path, for messages: {@code POST /user/tokens}. Never holds a secret. */
  final String description;

  final byte @Nullable [] body;

  /** The same on every attempt of the call; null for a call that sends none. */
  final @Nullable CharSequence idempotencyKey;

  /** Bound on each exchange, from the request being written to the answer's last byte. */
  final long responseTimeoutNanos;

  final RetryPolicy policy;

  final ResponseReader<T> reader;

  /** The caller's headers for this call, checked, without any the client sets; null for none. */
  final @Nullable HttpHeaders extraHeaders;

  Call(
      Operation operation,
      String target,
      ObservedCall observed,
      String url,
      String description,
      byte @Nullable [] body,
      @Nullable CharSequence idempotencyKey,
      long responseTimeoutNanos,
      RetryPolicy policy,
      ResponseReader<T> reader,
      @Nullable HttpHeaders extraHeaders) {
    this.operation = operation;
    this.target = target;
    this.observed = observed;
    this.url = url;
    this.description = description;
    this.body = body;
    this.idempotencyKey = idempotencyKey;
    this.responseTimeoutNanos = responseTimeoutNanos;
    this.policy = policy;
    this.reader = reader;
    this.extraHeaders = extraHeaders;
  }

  /** The same call with this idempotency key: each subscription to a create has its own. */
  Call<T> withIdempotencyKey(CharSequence key) {
    return new Call<>(
        operation,
        target,
        observed,
        url,
        description,
        body,
        key,
        responseTimeoutNanos,
        policy,
        reader,
        extraHeaders);
  }

  /** The same call with another body and key: each reconciled attempt sends its own note. */
  Call<T> withBody(byte[] body, CharSequence idempotencyKey) {
    return new Call<>(
        operation,
        target,
        observed,
        url,
        description,
        body,
        idempotencyKey,
        responseTimeoutNanos,
        policy,
        reader,
        extraHeaders);
  }
}
