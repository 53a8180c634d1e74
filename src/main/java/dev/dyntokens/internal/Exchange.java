package dev.dyntokens.internal;

import dev.dyntokens.TokenClientException;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;
import reactor.util.context.ContextView;

/**
 * One attempt of a call: authorization, headers, the request on a pooled connection, the bound on
 * its answer (carried by the exchange itself, see {@link ExchangeGuard}), the read, and the mapping
 * of transport failures.
 */
final class Exchange implements CallEngine.Exchanges {
  static final AsciiString IDEMPOTENCY_KEY = AsciiString.cached("idempotency-key");

  /** Headers the client sets itself, which the caller's context headers cannot replace. */
  private static final Set<AsciiString> OWN_HEADERS =
      Set.of(
          HttpHeaderNames.HOST,
          HttpHeaderNames.USER_AGENT,
          HttpHeaderNames.ACCEPT,
          HttpHeaderNames.AUTHORIZATION,
          HttpHeaderNames.CONTENT_TYPE,
          HttpHeaderNames.CONTENT_LENGTH,
          HttpHeaderNames.TRANSFER_ENCODING,
          HttpHeaderNames.CONNECTION,
          IDEMPOTENCY_KEY);

  /** Whether {@code name} is a header the client sets itself, which no caller may replace. */
  static boolean isOwnHeader(String name) {
    return OWN_HEADERS.contains(AsciiString.of(name).toLowerCase());
  }

  private final HttpClient http;
  private final ClientConfig config;
  private final Transport transport;

  Exchange(Transport transport, ClientConfig config) {
    this.transport = transport;
    this.http = transport.http();
    this.config = config;
  }

  @Override
  public <T> Mono<T> run(Call<T> call, CallState state) {
    return run(call, state, null);
  }

  @Override
  public <T> Mono<T> run(Call<T> call, CallState state, @Nullable AttemptRequest observed) {
    if (config.apiToken != null) {
      // The static Authorization header is one of the transport's fixed headers.
      return withHeaders(call, state, null, observed);
    }
    Mono<String> provider = config.apiTokenProvider;
    if (provider == null) {
      return Mono.error(new IllegalStateException("no API token"));
    }
    return provider
        .timeout(Duration.ofNanos(call.responseTimeoutNanos))
        .onErrorMap(
            e -> !(e instanceof TokenClientException),
            e ->
                new TokenClientException(
                    call.description
                        + " failed: the API token provider failed ("
                        + e.getClass().getSimpleName()
                        + ")",
                    null))
        .switchIfEmpty(
            Mono.error(
                () ->
                    new TokenClientException(
                        call.description + " failed: the API token provider completed empty")))
        .flatMap(
            token -> {
              try {
                Checks.apiToken(token);
              } catch (IllegalArgumentException e) {
                return Mono.error(
                    new TokenClientException(
                        call.description
                            + " failed: the API token provider gave an invalid token: "
                            + e.getMessage()));
              }
              return withHeaders(call, state, "Bearer " + token, observed);
            });
  }

  /** Adds the caller's context headers, checked before anything is sent. */
  private <T> Mono<T> withHeaders(
      Call<T> call,
      CallState state,
      @Nullable String authorization,
      @Nullable AttemptRequest observed) {
    Function<ContextView, Map<String, String>> source = config.contextHeaders;
    if (source == null) {
      return send(call, state, authorization, null, observed);
    }
    return Mono.deferContextual(
        context -> {
          HttpHeaders extra;
          try {
            extra = contextHeaders(source, context);
          } catch (RuntimeException e) {
            // Nothing was sent: the caller's function or its headers are at fault, not the network.
            return Mono.error(
                new TokenClientException(
                    call.description
                        + " was not sent: the contextHeaders function failed or gave an invalid"
                        + " header ("
                        + e.getClass().getSimpleName()
                        + ")",
                    null));
          }
          return send(call, state, authorization, extra, observed);
        });
  }

  /** The caller's headers from the Reactor context, validated, except any the client sets. */
  private static HttpHeaders contextHeaders(
      Function<ContextView, Map<String, String>> source, ContextView context) {
    Map<String, String> given = source.apply(context);
    HttpHeaders headers = new DefaultHttpHeaders(); // validates names and values
    if (given != null) {
      given.forEach(
          (name, value) -> {
            if (!isOwnHeader(name)) {
              headers.set(name, value);
            }
          });
    }
    return headers;
  }

  /**
   * The request, with the caller's headers, then the client's own, then what telemetry added
   * ({@code observed}, already stripped of any header the client sets itself).
   */
  private <T> Mono<T> send(
      Call<T> call,
      CallState state,
      @Nullable String authorization,
      @Nullable HttpHeaders extra,
      @Nullable AttemptRequest observed) {
    return Mono.defer(
        () -> {
          if (transport.isClosed()) {
            return Mono.error(
                new TokenClientException(call.description + " failed: client is closed"));
          }
          Attempt attempt = new Attempt(call.responseTimeoutNanos, config.wiretap);
          byte[] body = call.body;
          return http.request(call.operation.method)
              .uri(call.url)
              .send(
                  (req, out) -> {
                    // Here, not in doOnRequest: that costs an observer per request.
                    out.withConnection(attempt);
                    HttpHeaders h = req.requestHeaders();
                    if (call.extraHeaders != null) {
                      h.setAll(call.extraHeaders);
                    }
                    if (extra != null) {
                      h.setAll(extra);
                    }
                    if (authorization != null) {
                      h.set(HttpHeaderNames.AUTHORIZATION, authorization);
                    }
                    if (call.idempotencyKey != null) {
                      h.set(IDEMPOTENCY_KEY, call.idempotencyKey);
                    }
                    if (body != null) {
                      h.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
                      h.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
                    }
                    if (observed != null) {
                      HttpHeaders propagation = observed.headers();
                      if (propagation != null) {
                        h.setAll(propagation);
                      }
                    }
                    // Only now is anything handed to the connection.
                    attempt.written = true;
                    state.written = true;
                    return body == null ? out : out.send(Mono.just(Unpooled.wrappedBuffer(body)));
                  })
              .response(
                  (response, in) -> {
                    if (observed != null) {
                      observed.answered(response.status().code());
                    }
                    return call.reader.read(response, in, call.description);
                  })
              .singleOrEmpty()
              .doOnCancel(attempt)
              .onErrorMap(
                  e -> !(e instanceof TokenClientException),
                  e ->
                      TransportErrors.map(
                          e, attempt.written, call.description, call.responseTimeoutNanos, config));
        });
  }

  /**
   * One attempt's hold on its connection: whether its request was handed over, and which exchange
   * on which connection it is, so a cancel can abandon exactly that exchange ({@link
   * ExchangeGuard}).
   */
  private static final class Attempt implements Consumer<Connection>, Runnable {
    private final long responseTimeoutNanos;
    private final boolean wiretap;
    volatile boolean written;
    private int exchange;
    private volatile @Nullable ExchangeGuard guard;

    Attempt(long responseTimeoutNanos, boolean wiretap) {
      this.responseTimeoutNanos = responseTimeoutNanos;
      this.wiretap = wiretap;
    }

    /** On the connection's event loop, before the request is written. */
    @Override
    public void accept(Connection connection) {
      if (wiretap) {
        WireLogger.installOnStream(connection.channel()); // HTTP/2 only; HTTP/1.1 has its own
      }
      ExchangeGuard g = ExchangeGuard.install(connection.channel());
      exchange = g.expect(responseTimeoutNanos);
      guard = g;
    }

    /**
     * The caller cancelled: its exchange is abandoned, and its connection closed if still busy. A
     * {@code Runnable} so {@code doOnCancel} takes the attempt itself, not one more object per
     * call.
     */
    @Override
    public void run() {
      ExchangeGuard g = guard;
      if (g != null) {
        g.abandon(exchange);
      }
    }
  }
}
