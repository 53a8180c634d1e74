package dev.dyntokens.internal;

import dev.dyntokens.CreateTokenRequest;
import dev.dyntokens.NotFoundException;
import dev.dyntokens.RequestOptions;
import dev.dyntokens.Token;
import dev.dyntokens.TokenClientException;
import dev.dyntokens.TokenInfo;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Create safety that makes ambiguous failures safe to retry, for one subscription to a create. Each
 * attempt appends a fresh marker ({@value #MARKER_PREFIX} and {@value #MARKER_RANDOM} random
 * letters and digits) to the note, so the token an attempt made can be told apart from every other
 * token, even from other calls with the same note. After an ambiguous failure the call lists the
 * tokens and revokes any that carries one of its markers before trying again, all within the call's
 * deadline; the token it delivers has the marker removed from its note.
 *
 * <p>The promise: every token the server made for the call is delivered, revoked, or reported (a
 * {@link dev.dyntokens.TokenMayExistException} on the call's failure). Whatever races:
 *
 * <ul>
 *   <li>A token is delivered only if it reaches the subscriber before a cancel or the deadline does
 *       (one compare-and-set decides); a token decoded but not delivered is revoked by its id.
 *   <li>An attempt whose outcome is unknown stays "unsettled" until a list finds its token. A call
 *       that ends with unsettled attempts reports them if it failed, and in either case looks again
 *       in the background ({@link #SWEEP_DELAYS}), since the server may make the token after the
 *       call's last list. Those clean-ups belong to the client and stop when it is closed.
 * </ul>
 */
final class ReconcilingCreate implements CreateSafety {
  static final String MARKER_PREFIX = " #";
  static final int MARKER_RANDOM = 12;
  static final int MARKER_LENGTH = MARKER_PREFIX.length() + MARKER_RANDOM;

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
   * When the background looks again after a call that ended with unsettled attempts, counted from
   * the previous look: a request queued at the server may be processed well after the call gave up.
   */
  static final List<Duration> SWEEP_DELAYS =
      List.of(Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(30));

  /** Bound on each background look, its list and deletes together. */
  static final Duration SWEEP_DEADLINE = Duration.ofSeconds(30);

  private static final int OPEN = 0;
  private static final int DELIVERED = 1;
  private static final int ABANDONED = 2;

  private final CallEngine engine;
  private final CallFactory calls;
  private final BackgroundWork background;
  private final @Nullable String environmentId;
  private final CreateTokenRequest request;
  private final Call<Token> call;

  /** The create's options, which its clean-up calls share (timeout, headers). */
  private final RequestOptions options;

  private final List<String> markers = new CopyOnWriteArrayList<>();
  private final Set<String> unsettled = ConcurrentHashMap.newKeySet();
  private final Queue<String> undelivered = new ConcurrentLinkedQueue<>();
  private final AtomicInteger delivery = new AtomicInteger(OPEN);
  private volatile @Nullable String deliveredId;
  private volatile long startMillis;

  ReconcilingCreate(
      CallEngine engine,
      CallFactory calls,
      BackgroundWork background,
      @Nullable String environmentId,
      CreateTokenRequest request,
      Call<Token> call,
      RequestOptions options) {
    this.engine = engine;
    this.calls = calls;
    this.background = background;
    this.environmentId = environmentId;
    this.request = request;
    this.call = call;
    this.options = options;
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
    startMillis = CallEngine.now();
    return engine
        .run(call, this::attempt, this, CallEngine.NO_OUTER_DEADLINE)
        .<Token>handle(
            (token, sink) -> {
              if (claimDelivery(token)) {
                sink.next(token);
              }
            })
        .doOnError(e -> abandon())
        // Downstream of the claim: a cancel and a delivery race on one compare-and-set.
        .doOnCancel(this::abandon)
        .doFinally(signal -> afterCall());
  }

  private Mono<Token> attempt(CallState state) {
    String marker = MARKER_PREFIX + Ids.alphanumeric(MARKER_RANDOM);
    markers.add(marker);
    unsettled.add(marker);
    CreateTokenRequest marked = new CreateTokenRequest(request.note() + marker, request.scopes());
    // Each attempt sends a different note, so it is a different request with its own key: a
    // server honouring Idempotency-Key must not replay the revoked first token.
    Call<Token> attemptCall = call.withBody(calls.json().encode(marked), Ids.uuidAscii());
    return engine
        .exchange(attemptCall, state)
        .map(token -> received(token, marker))
        .doOnError(
            e -> {
              if (e instanceof TokenClientException
                  && !((TokenClientException) e).requestMayHaveBeenProcessed()) {
                unsettled.remove(marker);
              }
            })
        .doOnCancel(
            () -> {
              if (!state.written) {
                unsettled.remove(marker);
              }
            });
  }

  /** A token this call made reached the client: it is delivered or revoked, never dropped. */
  private Token received(Token token, String marker) {
    unsettled.remove(marker);
    undelivered.add(token.id());
    if (delivery.get() == ABANDONED) {
      revokeUndelivered();
    }
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

  private boolean claimDelivery(Token token) {
    if (delivery.compareAndSet(OPEN, DELIVERED)) {
      deliveredId = token.id();
      undelivered.remove(token.id());
      return true;
    }
    return false;
  }

  private void abandon() {
    delivery.compareAndSet(OPEN, ABANDONED);
  }

  private void afterCall() {
    revokeUndelivered();
    if (!unsettled.isEmpty()) {
      background.start(
          Flux.fromIterable(SWEEP_DELAYS)
              .concatMap(
                  delay ->
                      Mono.delay(delay)
                          .then(
                              Mono.defer(
                                  () ->
                                      unsettled.isEmpty()
                                          ? Mono.empty()
                                          : reconcile(
                                              CallEngine.now() + SWEEP_DEADLINE.toMillis()))))
              .then(),
          call.description
              + ": "
              + unsettled.size()
              + " attempt(s) of a reconciled create may still make a token (note ending with one"
              + " of "
              + unsettled
              + ")");
    }
  }

  /** Revokes, by id, every token this call received but did not deliver. */
  private void revokeUndelivered() {
    String id;
    while ((id = undelivered.poll()) != null) {
      background.start(
          revoke(id, CallEngine.now() + SWEEP_DEADLINE.toMillis()),
          call.description + ": token " + id + " was made but not delivered and is not revoked");
    }
  }

  @Override
  public Mono<Void> beforeRetry(TokenClientException failure, CallState state) {
    return reconcile(state.deadline);
  }

  @Override
  public void onFinalFailure(Throwable failure, CallState state) {
    if (!unsettled.isEmpty() || !undelivered.isEmpty()) {
      failure.addSuppressed(
          ReportPossibleToken.mayExist(call.description, request, startMillis, CallEngine.now()));
    }
  }

  /** Lists the tokens and revokes this call's, passes repeated on failure, by the deadline. */
  private Mono<Void> reconcile(long deadline) {
    return Mono.defer(() -> reconcilePass(deadline))
        .retryWhen(
            Retry.backoff(RECONCILE_REPEATS, RECONCILE_BACKOFF)
                .maxBackoff(RECONCILE_MAX_BACKOFF)
                .filter(e -> e instanceof TokenClientException)
                .onRetryExhaustedThrow((spec, signal) -> signal.failure()));
  }

  private Mono<Void> reconcilePass(long deadline) {
    List<String> ours = List.copyOf(markers);
    return engine
        .execute(calls.list(environmentId, Operation.RECONCILE_LIST, options), deadline)
        .flatMapMany(Flux::fromIterable)
        .concatMap(
            token -> {
              String marker = markerOf(token, ours);
              if (marker == null) {
                return Mono.empty();
              }
              return revoke(token.id(), deadline).doOnSuccess(v -> unsettled.remove(marker));
            })
        .then();
  }

  private Mono<Void> revoke(String id, long deadline) {
    return engine
        .execute(calls.delete(environmentId, id, Operation.RECONCILE_DELETE, options), deadline)
        .onErrorResume(NotFoundException.class, e -> Mono.empty())
        .doOnSuccess(v -> undelivered.remove(id));
  }

  private @Nullable String markerOf(TokenInfo token, List<String> ours) {
    String note = token.note();
    if (note == null || token.id().equals(deliveredId)) {
      return null;
    }
    for (String marker : ours) {
      if (note.endsWith(marker)) {
        return marker;
      }
    }
    return null;
  }
}
