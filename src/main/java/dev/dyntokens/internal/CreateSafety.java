package dev.dyntokens.internal;

import dev.dyntokens.TokenClientException;
import reactor.core.publisher.Mono;

/**
 * What a call does about a request whose outcome it does not know. For a create that matters: the
 * server may have made a token whose secret nobody holds. Two strategies: {@link
 * ReportPossibleToken} tells the caller, {@link ReconcilingCreate} finds and revokes the token and
 * tries again. Lists and deletes use {@link #IDEMPOTENT}: repeating them is safe.
 */
interface CreateSafety {
  /** For calls whose repetition is harmless: retry after any failure, report nothing. */
  CreateSafety IDEMPOTENT =
      new CreateSafety() {
        @Override
        public Mono<Void> beforeRetry(TokenClientException failure, CallState state) {
          return Mono.empty();
        }

        @Override
        public void onFinalFailure(Throwable failure, CallState state) {}
      };

  /**
   * Called after an attempt failed in a way that may have been processed ({@link
   * TokenClientException#requestMayHaveBeenProcessed()}): completes when another attempt is safe,
   * or fails (with {@code failure} itself to end the call with it).
   */
  Mono<Void> beforeRetry(TokenClientException failure, CallState state);

  /** The call ends with {@code failure}: attach what the caller needs to know. */
  void onFinalFailure(Throwable failure, CallState state);
}
