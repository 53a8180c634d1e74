package dev.dyntokens.testing;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/** Serves one request: route, fault, rate limits, auth, validation, state, answer. */
final class RequestHandler {
  /** Rate limiters held per map at most within one window; more keys share one limiter. */
  static final int MAX_LIMITERS = 10_000;

  /** Marks, inside {@link #serve}, a body that went past the limit. */
  private static final Answer BODY_TOO_LARGE = Answer.empty(413);

  /** Marks, inside {@link #serve}, a body that could not be read. */
  private static final Answer BODY_FAILED = Answer.empty(400);

  private static final byte[] MALFORMED =
      "{\"token\": {\"id\": \"0b1".getBytes(StandardCharsets.UTF_8);

  private final Settings settings;
  private final Counters counters;
  private final Endpoints endpoints;
  private final Responses responses;
  private volatile FaultInjector faults;

  RequestHandler(Settings settings, TokenStore store, Counters counters) {
    this.settings = settings;
    this.counters = counters;
    this.faults = new FaultInjector(settings.faults());
    this.endpoints = new Endpoints(settings, store);
    this.responses = new Responses(counters);
  }

  /** Replaces the fault plan from the next request on; its scripts and random start over. */
  void faults(FaultPlan plan) {
    this.faults = new FaultInjector(plan);
  }

  /** The fault plan in force. */
  FaultPlan faults() {
    return faults.plan();
  }

  /** The per-client rate limiters held now (0 when that limit is off). */
  int clientLimiters() {
    return endpoints.clientLimiters();
  }

  /** The per-environment rate limiters held now (0 when that limit is off). */
  int environmentLimiters() {
    return endpoints.environmentLimiters();
  }

  /**
   * The handler's settings, fixed when the server starts.
   *
   * @param apiTokenInfo what {@code /tokens/me} answers for {@code apiToken}
   * @param readOnlyApiTokenInfo what it answers for {@code readOnlyApiToken}, null when there is no
   *     read-only token
   * @param knownScopes the scope wire values a create may ask for
   * @param maxRequestBodyBytes the largest request body read; a larger one is 413
   * @param trustForwardedFor whether the per-client rate limit keys on {@code X-Forwarded-For}
   */
  record Settings(
      String basePath,
      String apiToken,
      @Nullable String readOnlyApiToken,
      FakeToken apiTokenInfo,
      @Nullable FakeToken readOnlyApiTokenInfo,
      Set<String> knownScopes,
      Clock clock,
      int perClientPerMinute,
      int perEnvironmentPerMinute,
      int perSecond,
      boolean validation,
      int deleteStatus,
      FaultPlan faults,
      int maxRequestBodyBytes,
      boolean trustForwardedFor) {}

  /**
   * Serves one request. Nothing here throws: whatever goes wrong (a malformed path included) is an
   * answer or a closed connection, and the in-flight counter always comes down again.
   */
  Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
    counters.started();
    return Mono.defer(() -> route(request, response))
        .onErrorResume(e -> failed(response))
        .doFinally(s -> counters.finished());
  }

  private Mono<Void> route(HttpServerRequest request, HttpServerResponse response) {
    String method = request.method().name();
    String path;
    try {
      path = new QueryStringDecoder(request.uri()).path();
    } catch (IllegalArgumentException e) {
      return refuse(response, Answer.json(400, WireJson.error("Bad request: malformed path")));
    }
    Answer tooLarge = declaredTooLarge(request);
    if (tooLarge != null) {
      return refuse(response, tooLarge);
    }
    String relative = relative(path);
    Route route = Route.parse(method, relative);
    FaultKind fault = faults.pick(method, relative == null ? path : relative);
    counters.fault(fault);
    return serve(request, response, route, fault);
  }

  /**
   * A 400 for a {@code Content-Length} that is not a number, a 413 for one beyond {@linkplain
   * Settings#maxRequestBodyBytes the limit}, else null; nothing of the body is read. (Netty's
   * decoder refuses most malformed lengths before this.)
   */
  private @Nullable Answer declaredTooLarge(HttpServerRequest request) {
    String declared = request.requestHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
    if (declared == null) {
      return null;
    }
    long length;
    try {
      length = Long.parseLong(declared.trim());
    } catch (NumberFormatException e) {
      return Answer.json(400, WireJson.error("Bad request: malformed Content-Length"));
    }
    return length > settings.maxRequestBodyBytes() ? tooLarge() : null;
  }

  private Answer tooLarge() {
    return Answer.json(
        413,
        WireJson.error(
            "Request body larger than " + settings.maxRequestBodyBytes() + " bytes",
            "payload_too_large",
            List.of()));
  }

  /** Answers and closes the connection after, since the request's body is left unread. */
  private Mono<Void> refuse(HttpServerResponse response, Answer answer) {
    response.keepAlive(false);
    return responses.send(response, answer);
  }

  /** A 500 for an unexpected failure, unless the answer has begun (then the connection goes). */
  private Mono<Void> failed(HttpServerResponse response) {
    if (response.hasSentHeaders()) {
      return Responses.close(response);
    }
    return responses.send(response, Answer.json(500, WireJson.error("Internal error of the fake")));
  }

  private @Nullable String relative(String path) {
    String base = settings.basePath();
    if (base.isEmpty()) {
      return path;
    }
    return path.startsWith(base)
            && path.length() > base.length()
            && path.charAt(base.length()) == '/'
        ? path.substring(base.length())
        : null;
  }

  private Mono<Void> serve(
      HttpServerRequest request, HttpServerResponse response, Route route, FaultKind fault) {
    return switch (fault) {
      case RESET_BEFORE_READ -> Responses.reset(response);
      case NEVER_ANSWER -> Responses.connection(response).onDispose();
      case RATE_LIMIT_429 -> responses.send(response, Answer.rateLimited(1));
      case STATUS_500, STATUS_502, STATUS_503, STATUS_504 ->
          responses.send(response, Answer.json(status(fault), WireJson.error("Injected fault")));
      case HTML_502, HTML_503, HTML_504 -> responses.send(response, Answer.html(status(fault)));
      case EMPTY_503 -> responses.send(response, Answer.empty(503));
      default ->
          body(request, route)
              .map(body -> endpoints.process(request, route, body))
              .onErrorResume(
                  e ->
                      Mono.just(
                          e instanceof BodyBuffer.BodyTooLarge ? BODY_TOO_LARGE : BODY_FAILED))
              .flatMap(
                  answer -> {
                    if (answer == BODY_TOO_LARGE) {
                      return refuse(response, tooLarge());
                    }
                    return answer == BODY_FAILED
                        ? Responses.abandon(response)
                        : deliver(response, answer, fault);
                  });
    };
  }

  private static int status(FaultKind fault) {
    return Integer.parseInt(fault.name().substring(fault.name().length() - 3));
  }

  /**
   * The body of a create, or nothing of another request (whose body is read and dropped). Either
   * way at most {@linkplain Settings#maxRequestBodyBytes the limit} is read: past it the read is
   * cancelled and the answer is 413, whoever is asking; nothing beyond the limit is buffered.
   */
  private Mono<byte[]> body(HttpServerRequest request, Route route) {
    BodyBuffer buffer =
        new BodyBuffer(settings.maxRequestBodyBytes(), route.operation() == Route.Operation.CREATE);
    return request.receive().doOnNext(buffer::append).then(Mono.fromCallable(buffer::bytes));
  }

  private Mono<Void> deliver(HttpServerResponse response, Answer answer, FaultKind fault) {
    return switch (fault) {
      case DELAY ->
          Mono.delay(faults.plan().delay())
              .then(Mono.defer(() -> responses.send(response, answer)))
              .takeUntilOther(Responses.connection(response).onDispose());
      case CREATE_THEN_DROP -> Responses.close(response);
      case TRUNCATED_BODY -> responses.truncated(response, answer);
      case MALFORMED_JSON -> responses.send(response, Answer.json(200, MALFORMED));
      case OVERSIZED_BODY ->
          responses.send(
              response,
              Answer.json(200, WireJson.oversized(answer.body(), faults.plan().oversizedBytes())));
      default -> responses.send(response, answer);
    };
  }
}
