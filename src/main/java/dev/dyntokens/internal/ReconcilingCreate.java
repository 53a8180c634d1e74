package dev.dyntokens.internal;

import dev.dyntokens.CreateTokenRequest;
import dev.dyntokens.Token;
import dev.dyntokens.TokenClientException;
import dev.dyntokens.TokenInfo;
import dev.dyntokens.TokenMayExistException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;
import reactor.util.retry.Retry;

/**
 * One create call that makes ambiguous failures safe to retry. Each attempt appends a fresh marker
 * ({@value #MARKER_PREFIX} and {@value #MARKER_RANDOM} random letters and digits) to the note, so
 * the token an attempt made can be told apart from every other token, even from other calls with
 * the same note. After an ambiguous failure the call lists the tokens and deletes any that carries
 * one of its markers before trying again; the token it delivers has the marker removed from its
 * note. Every token the server made for the call is thus returned or revoked, also when the caller
 * cancels (the clean-up then runs detached).
 */
final class ReconcilingCreate implements Retrier.CreateHooks {
  static final String MARKER_PREFIX = " #";
  static final int MARKER_RANDOM = 12;
  static final int MARKER_LENGTH = MARKER_PREFIX.length() + MARKER_RANDOM;

  /** How long a clean-up after cancellation may take. */
  private static final Duration DETACHED_CLEANUP_TIMEOUT = Duration.ofSeconds(60);

  /**
   * Passes of list-and-delete after the first, when one fails. A clean-up is the only thing between
   * a token the server made and an orphaned secret, so it is not left to the retry budget (which
   * refuses retries in exactly the outage that made the create ambiguous), and a garbled list
   * answer, which the list's own retries treat as final, is asked again.
   */
  static final int RECONCILE_REPEATS = 8;

  private static final Duration RECONCILE_BACKOFF = Duration.ofMillis(50);
  private static final Duration RECONCILE_MAX_BACKOFF = Duration.ofSeconds(1);

  /**
   * After a cancel that cut off an attempt in flight, the server may still make that attempt's
   * token after the first clean-up listed the tokens: a second pass looks again this much later.
   */
  static final Duration DETACHED_SECOND_PASS = Duration.ofSeconds(2);

  private static final Logger log = Loggers.getLogger(ReconcilingCreate.class);

  private final TokenApi api;
  private final @Nullable String environmentId;
  private final CreateTokenRequest request;
  private final String url;
  private final String description;
  private final List<String> markers = new CopyOnWriteArrayList<>();
  private volatile @Nullable String delivered;
  private final AtomicInteger attemptsInFlight = new AtomicInteger();
  private volatile boolean reconciled;

  ReconcilingCreate(
      TokenApi api,
      @Nullable String environmentId,
      CreateTokenRequest request,
      String url,
      String description) {
    this.api = api;
    this.environmentId = environmentId;
    this.request = request;
    this.url = url;
    this.description = description;
  }

  static void checkNoteRoom(CreateTokenRequest request) {
    int max = CreateTokenRequest.MAX_NOTE_LENGTH - MARKER_LENGTH;
    if (request.note().length() > max) {
      throw new IllegalArgumentException(
          "note must be at most "
              + max
              + " characters when reconcileCreates is on (the client adds a "
              + MARKER_LENGTH
              + "-character marker) but was "
              + request.note().length());
    }
  }

  Mono<Token> run() {
    Mono<Token> attempt =
        Mono.defer(
            () -> {
              String marker = MARKER_PREFIX + Ids.alphanumeric(MARKER_RANDOM);
              markers.add(marker);
              CreateTokenRequest marked =
                  new CreateTokenRequest(request.note() + marker, request.scopes());
              // Each attempt sends a different note, so it is a different request with its own
              // key: a server honouring Idempotency-Key must not replay the revoked first token.
              return api.createAttempt(url, description, api.json().encode(marked), Ids.uuidAscii())
                  .doOnSubscribe(s -> attemptsInFlight.incrementAndGet())
                  .doFinally(s -> attemptsInFlight.decrementAndGet())
                  .map(token -> deliver(token, marker));
            });
    return api.retrier()
        .run(attempt, Retrier.Kind.CREATE, description, this)
        .doOnCancel(this::cleanUpDetached)
        .doOnTerminate(this::sweepAfterAmbiguity);
  }

  /**
   * An attempt that timed out may still be processed by the server after the clean-up before the
   * next attempt listed the tokens (its request was queued there): once the call has ended, a call
   * that saw an ambiguous failure looks once more, a little later.
   */
  private void sweepAfterAmbiguity() {
    if (!reconciled) {
      return;
    }
    Mono.delay(DETACHED_SECOND_PASS)
        .then(reconcile())
        .timeout(DETACHED_CLEANUP_TIMEOUT)
        .subscribe(
            null,
            e ->
                log.warn(
                    "{}: final clean-up failed ({}); a token with this call's note may exist",
                    description,
                    e.getClass().getSimpleName()));
  }

  private Token deliver(Token token, String marker) {
    delivered = token.id();
    String note = token.note();
    String clean =
        note != null && note.endsWith(marker)
            ? note.substring(0, note.length() - marker.length())
            : note;
    return new Token(
        token.id(),
        token.rawToken(),
        token.checksum(),
        token.createdBy(),
        token.createdAt(),
        token.active(),
        clean,
        token.projectEnvironmentId(),
        token.scopes());
  }

  @Override
  public Mono<Void> reconcile() {
    reconciled = true;
    return reconcilePass()
        .retryWhen(
            Retry.backoff(RECONCILE_REPEATS, RECONCILE_BACKOFF)
                .maxBackoff(RECONCILE_MAX_BACKOFF)
                .filter(e -> e instanceof TokenClientException)
                .onRetryExhaustedThrow((spec, signal) -> signal.failure()));
  }

  /** One list of the tokens and a delete of each that carries one of this call's markers. */
  private Mono<Void> reconcilePass() {
    return Mono.defer(
        () -> {
          List<String> ours = List.copyOf(markers);
          return api.listOnce(environmentId)
              .flatMapMany(Flux::fromIterable)
              .filter(t -> isOurs(t, ours))
              .concatMap(t -> api.deleteToken(environmentId, t.id()))
              .then();
        });
  }

  private boolean isOurs(TokenInfo token, List<String> ours) {
    String note = token.note();
    if (note == null || token.id().equals(delivered)) {
      return false;
    }
    for (String marker : ours) {
      if (note.endsWith(marker)) {
        return true;
      }
    }
    return false;
  }

  private void cleanUpDetached() {
    if (markers.isEmpty()) {
      return;
    }
    Mono<Void> cleanUp = reconcile();
    if (attemptsInFlight.get() > 0) {
      // The cut-off request may still be processed after the first pass has listed the tokens.
      cleanUp =
          cleanUp
              .onErrorResume(e -> Mono.empty())
              .then(Mono.delay(DETACHED_SECOND_PASS))
              .then(reconcile());
    }
    cleanUp
        .timeout(DETACHED_CLEANUP_TIMEOUT)
        .subscribe(
            null,
            e ->
                log.warn(
                    "{}: clean-up after cancellation failed ({}); a token with this call's note"
                        + " may exist",
                    description,
                    e.getClass().getSimpleName()));
  }

  @Override
  public TokenClientException mayExist(long startMillis, long endMillis) {
    return new TokenMayExistException(
        description,
        request.note(),
        request.scopes(),
        Instant.ofEpochMilli(startMillis),
        Instant.ofEpochMilli(endMillis));
  }
}
