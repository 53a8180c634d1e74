package dev.dyntokens.internal;

import dev.dyntokens.CreateTokenRequest;
import dev.dyntokens.TokenClientException;
import dev.dyntokens.TokenMayExistException;
import java.time.Instant;
import reactor.core.publisher.Mono;

/**
 * Create safety without reconciling: an ambiguous create is never repeated, and a call that ends
 * while a request of it may have been processed carries a {@link TokenMayExistException} with what
 * is needed to find the token.
 */
final class ReportPossibleToken implements CreateSafety {
  private final String description;
  private final CreateTokenRequest request;

  ReportPossibleToken(String description, CreateTokenRequest request) {
    this.description = description;
    this.request = request;
  }

  @Override
  public Mono<Void> beforeRetry(TokenClientException failure, CallState state) {
    return Mono.error(failure);
  }

  @Override
  public void onFinalFailure(Throwable failure, CallState state) {
    if (state.mayHaveBeenProcessed()) {
      failure.addSuppressed(mayExist(description, request, state.start, CallEngine.now()));
    }
  }

  static TokenMayExistException mayExist(
      String description, CreateTokenRequest request, long startMillis, long endMillis) {
    return new TokenMayExistException(
        description,
        request.note(),
        request.scopes(),
        Instant.ofEpochMilli(startMillis),
        Instant.ofEpochMilli(endMillis));
  }
}
