package dev.dyntokens.testing;

import io.netty.handler.codec.http.HttpHeaderNames;
import java.net.InetSocketAddress;
import java.util.List;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.server.HttpServerRequest;

/**
 * The endpoints' own work once a request's body is in: rate limits, authentication, validation, the
 * state change and the JSON answer. Runs on the event loop, never blocks.
 */
final class Endpoints {
  private static final long MINUTE = 60_000;

  /** The longest {@code X-Forwarded-For} address kept as a key. */
  private static final int MAX_CLIENT_KEY = 64;

  private final RequestHandler.Settings settings;
  private final TokenStore store;
  private final @Nullable WindowLimiter perSecond;
  private final @Nullable Limiters perClient;
  private final @Nullable Limiters perEnvironment;

  Endpoints(RequestHandler.Settings settings, TokenStore store) {
    this.settings = settings;
    this.store = store;
    this.perSecond =
        settings.perSecond() > 0
            ? new WindowLimiter(settings.perSecond(), 1000, settings.clock())
            : null;
    this.perClient =
        settings.perClientPerMinute() > 0
            ? new Limiters(
                settings.perClientPerMinute(),
                MINUTE,
                settings.clock(),
                RequestHandler.MAX_LIMITERS)
            : null;
    this.perEnvironment =
        settings.perEnvironmentPerMinute() > 0
            ? new Limiters(
                settings.perEnvironmentPerMinute(),
                MINUTE,
                settings.clock(),
                RequestHandler.MAX_LIMITERS)
            : null;
  }

  /** The per-client rate limiters held now (0 when that limit is off). */
  int clientLimiters() {
    return perClient == null ? 0 : perClient.size();
  }

  /** The per-environment rate limiters held now (0 when that limit is off). */
  int environmentLimiters() {
    return perEnvironment == null ? 0 : perEnvironment.size();
  }

  Answer process(HttpServerRequest request, Route route, byte[] body) {
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
}
