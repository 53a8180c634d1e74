package dev.dyntokens.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/** Serves one request: route, fault, rate limits, auth, validation, state, answer. */
final class RequestHandler {
  private static final long MINUTE = 60_000;

  /** Rate limiters held per map at most within one window; more keys share one limiter. */
  static final int MAX_LIMITERS = 10_000;

  /** The longest {@code X-Forwarded-For} address kept as a key. */
  private static final int MAX_CLIENT_KEY = 64;

  /** Marks, inside {@link #serve}, a body that went past the limit. */
  private static final Answer BODY_TOO_LARGE = Answer.empty(413);

  /** Marks, inside {@link #serve}, a body that could not be read. */
  private static final Answer BODY_FAILED = Answer.empty(400);

  private static final byte[] MALFORMED =
      "{\"token\": {\"id\": \"0b1".getBytes(StandardCharsets.UTF_8);

  private final Settings settings;
  private final TokenStore store;
  private final Counters counters;
  private volatile FaultInjector faults;
  private final @Nullable WindowLimiter perSecond;
  private final @Nullable Limiters perClient;
  private final @Nullable Limiters perEnvironment;

  RequestHandler(Settings settings, TokenStore store, Counters counters) {
    this.settings = settings;
    this.store = store;
    this.counters = counters;
    this.faults = new FaultInjector(settings.faults());
    this.perSecond =
        settings.perSecond() > 0
            ? new WindowLimiter(settings.perSecond(), 1000, settings.clock())
            : null;
    this.perClient =
        settings.perClientPerMinute() > 0
            ? new Limiters(settings.perClientPerMinute(), MINUTE, settings.clock(), MAX_LIMITERS)
            : null;
    this.perEnvironment =
        settings.perEnvironmentPerMinute() > 0
            ? new Limiters(
                settings.perEnvironmentPerMinute(), MINUTE, settings.clock(), MAX_LIMITERS)
            : null;
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
    return perClient == null ? 0 : perClient.size();
  }

  /** The per-environment rate limiters held now (0 when that limit is off). */
  int environmentLimiters() {
    return perEnvironment == null ? 0 : perEnvironment.size();
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
    return send(response, answer);
  }

  /** A 500 for an unexpected failure, unless the answer has begun (then the connection goes). */
  private Mono<Void> failed(HttpServerResponse response) {
    if (response.hasSentHeaders()) {
      return close(response);
    }
    return send(response, Answer.json(500, WireJson.error("Internal error of the fake")));
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
      case RESET_BEFORE_READ -> reset(response);
      case NEVER_ANSWER -> connection(response).onDispose();
      case RATE_LIMIT_429 -> send(response, Answer.rateLimited(1));
      case STATUS_500, STATUS_502, STATUS_503, STATUS_504 ->
          send(response, Answer.json(status(fault), WireJson.error("Injected fault")));
      case HTML_502, HTML_503, HTML_504 -> send(response, Answer.html(status(fault)));
      case EMPTY_503 -> send(response, Answer.empty(503));
      default ->
          body(request, route)
              .map(body -> process(request, route, body))
              .onErrorResume(
                  e -> Mono.just(e instanceof BodyTooLarge ? BODY_TOO_LARGE : BODY_FAILED))
              .flatMap(
                  answer -> {
                    if (answer == BODY_TOO_LARGE) {
                      return refuse(response, tooLarge());
                    }
                    return answer == BODY_FAILED
                        ? abandon(response)
                        : deliver(response, answer, fault);
                  });
    };
  }

  /**
   * Closes the connection, unanswered, after the body could not be read (a read or request timeout,
   * the client gone). Closed on a later turn of the event loop, since answering or closing from
   * within the inbound's error signal makes Reactor Netty signal it a second time.
   */
  private static Mono<Void> abandon(HttpServerResponse response) {
    Connection connection = connection(response);
    connection.channel().eventLoop().execute(connection::dispose);
    return connection.onDispose();
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
              .then(Mono.defer(() -> send(response, answer)))
              .takeUntilOther(connection(response).onDispose());
      case CREATE_THEN_DROP -> close(response);
      case TRUNCATED_BODY -> truncated(response, answer);
      case MALFORMED_JSON -> send(response, Answer.json(200, MALFORMED));
      case OVERSIZED_BODY ->
          send(
              response,
              Answer.json(200, WireJson.oversized(answer.body(), faults.plan().oversizedBytes())));
      default -> send(response, answer);
    };
  }

  private Answer process(HttpServerRequest request, Route route, byte[] body) {
    if (route.operation() == Route.Operation.NOT_FOUND) {
      return Answer.json(404, WireJson.error("Not found", "not_found", List.of()));
    }
    if (route.operation() == Route.Operation.METHOD_NOT_ALLOWED) {
      return Answer.json(405, WireJson.error("Method not allowed"));
    }
    Answer refused = rateLimit(request, route);
    String token = bearer(request);
    if (refused == null && settings.validation()) {
      refused = authorize(token, route);
    }
    if (refused != null) {
      return refused;
    }
    return switch (route.operation()) {
      case CREATE -> create(route, body);
      case LIST -> Answer.json(200, WireJson.list(store.list(route.environmentId())));
      case CURRENT -> Answer.json(200, WireJson.current(identity(token)));
      default -> delete(route);
    };
  }

  /**
   * The token {@code /tokens/me} describes: the read-only one when it is presented (and is not also
   * the main one, which {@link #authorize} lets do everything), else the main one, also in fast
   * mode, where any or no token is let in.
   */
  private FakeToken identity(@Nullable String token) {
    FakeToken readOnly = settings.readOnlyApiTokenInfo();
    return readOnly != null
            && token != null
            && !token.equals(settings.apiToken())
            && token.equals(settings.readOnlyApiToken())
        ? readOnly
        : settings.apiTokenInfo();
  }

  private @Nullable Answer rateLimit(HttpServerRequest request, Route route) {
    long wait = perSecond == null ? 0 : perSecond.tryAcquire();
    if (wait == 0 && perClient != null) {
      wait = perClient.tryAcquire(client(request));
    }
    String environmentId = route.environmentId();
    if (wait == 0 && environmentId != null && perEnvironment != null) {
      wait = perEnvironment.tryAcquire(environmentId);
    }
    return wait == 0 ? null : Answer.rateLimited(wait);
  }

  /**
   * The client's identity for rate limits: its IP address, or the first {@code X-Forwarded-For}
   * address when {@linkplain Settings#trustForwardedFor trusted} and present.
   */
  private String client(HttpServerRequest request) {
    if (settings.trustForwardedFor()) {
      String forwarded = request.requestHeaders().get("X-Forwarded-For");
      if (forwarded != null && !forwarded.isBlank()) {
        String first = forwarded.split(",", 2)[0].trim();
        return first.length() > MAX_CLIENT_KEY ? first.substring(0, MAX_CLIENT_KEY) : first;
      }
    }
    InetSocketAddress remote = request.remoteAddress();
    return remote == null ? "unknown" : remote.getAddress().getHostAddress();
  }

  private static @Nullable String bearer(HttpServerRequest request) {
    String header = request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
    return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
        ? header.substring(7).trim()
        : null;
  }

  private @Nullable Answer authorize(@Nullable String token, Route route) {
    if (settings.apiToken().equals(token)) {
      return null;
    }
    if (token != null && token.equals(settings.readOnlyApiToken())) {
      return route.operation() == Route.Operation.LIST
              || route.operation() == Route.Operation.CURRENT
          ? null
          : Answer.json(403, WireJson.error("Forbidden: the API token lacks the required scope"));
    }
    return Answer.json(401, WireJson.error("Unauthorized: missing or invalid API token"));
  }

  private Answer create(Route route, byte[] body) {
    Validator.Parsed parsed =
        settings.validation()
            ? Validator.parse(body, settings.knownScopes())
            : Validator.lenient(body);
    Answer error = parsed.error();
    if (error != null) {
      return error;
    }
    TokenStore.Created created =
        store.create(route.environmentId(), parsed.note(), parsed.scopes());
    if (created == null) {
      return Answer.json(
          422, WireJson.error("Too many API tokens", "too_many_api_tokens", List.of()));
    }
    return Answer.json(200, WireJson.created(created.token(), created.rawToken()));
  }

  private Answer delete(Route route) {
    String tokenId = route.tokenId();
    boolean deleted = tokenId != null && store.delete(route.environmentId(), tokenId);
    if (deleted || !settings.validation()) {
      return Answer.empty(settings.deleteStatus());
    }
    return Answer.json(404, WireJson.error("Token not found", "token_not_found", List.of()));
  }

  private Mono<Void> send(HttpServerResponse response, Answer answer) {
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
  private Mono<Void> truncated(HttpServerResponse response, Answer real) {
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

  private static Mono<Void> close(HttpServerResponse response) {
    Connection connection = connection(response);
    connection.dispose();
    return connection.onDispose();
  }

  private static Mono<Void> reset(HttpServerResponse response) {
    Connection connection = connection(response);
    try {
      connection.channel().config().setOption(ChannelOption.SO_LINGER, 0);
    } catch (RuntimeException e) {
      // A transport without SO_LINGER closes normally instead.
    }
    connection.dispose();
    return connection.onDispose();
  }

  private static Connection connection(HttpServerResponse response) {
    Connection[] holder = new Connection[1];
    response.withConnection(c -> holder[0] = c);
    if (holder[0] == null) {
      throw new IllegalStateException("no connection");
    }
    return holder[0];
  }

  /** Thrown, without a stack trace, when a body goes past the limit; cancels the read. */
  private static final class BodyTooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BodyTooLarge() {
      super("request body too large", null, false, false);
    }
  }

  /**
   * The bytes of a body read so far, up to a limit; keeps them only when asked to. Filled from one
   * subscriber's signals, one at a time.
   */
  private static final class BodyBuffer {
    private final int max;
    private final boolean keep;
    private byte[] bytes = new byte[0];
    private int size;

    BodyBuffer(int max, boolean keep) {
      this.max = max;
      this.keep = keep;
    }

    void append(ByteBuf buf) {
      int n = buf.readableBytes();
      if (n > max - size) {
        throw new BodyTooLarge();
      }
      if (keep) {
        if (size + n > bytes.length) {
          bytes = Arrays.copyOf(bytes, Math.min(max, Math.max(size + n, bytes.length * 2)));
        }
        buf.getBytes(buf.readerIndex(), bytes, size, n);
      }
      size += n;
    }

    byte[] bytes() {
      return bytes.length == size ? bytes : Arrays.copyOf(bytes, size);
    }
  }
}
