package dev.dyntokens.internal;

import dev.dyntokens.CreateTokenRequest;
import dev.dyntokens.RequestOptions;
import dev.dyntokens.RetryPolicy;
import dev.dyntokens.Token;
import dev.dyntokens.TokenInfo;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.net.URI;
import java.util.EnumMap;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Builds each {@link Call} from what the facade was given: checks ids so that none can change a
 * path, builds the URL and its description, encodes the body, picks the reader of its answer, and
 * applies the caller's {@link RequestOptions} over the client's configuration.
 */
final class CallFactory {
  private final ClientConfig config;
  private final Json json;
  private final ResponseReaders readers;
  private final String basePath;
  private final String userTokensUrl;
  private final String currentTokenUrl;
  private final long responseTimeoutNanos;
  private final CallTemplates templates;

  /** Descriptions of the calls whose paths hold no id, made once: most calls are these. */
  private final EnumMap<Operation, String> userTokensDescriptions = new EnumMap<>(Operation.class);

  private final String currentTokenDescription;

  CallFactory(ClientConfig config, Json json, ResponseReaders readers) {
    this.config = config;
    this.json = json;
    this.readers = readers;
    this.basePath = config.basePath;
    this.userTokensUrl = basePath + "/user/tokens";
    this.currentTokenUrl = basePath + "/tokens/me";
    this.responseTimeoutNanos = config.responseTimeout.toNanos();
    String host = URI.create(config.baseUrl).getHost();
    this.templates = new CallTemplates(host == null ? "" : host);
    for (Operation operation : Operation.values()) {
      userTokensDescriptions.put(operation, redactedDescription(operation, userTokensUrl));
    }
    this.currentTokenDescription = redactedDescription(Operation.CURRENT_TOKEN, currentTokenUrl);
  }

  /** A create; each subscription gives it its own idempotency key unless the caller gave one. */
  Call<Token> create(
      @Nullable String environmentId, CreateTokenRequest request, RequestOptions options) {
    return call(
        Operation.CREATE,
        environmentId,
        tokensUrl(environmentId),
        json.encode(request),
        readers.created,
        options);
  }

  /** {@link Operation#LIST}, or a reconciled create's {@link Operation#RECONCILE_LIST}. */
  Call<List<TokenInfo>> list(
      @Nullable String environmentId, Operation operation, RequestOptions options) {
    return call(operation, environmentId, tokensUrl(environmentId), null, readers.list, options);
  }

  /** {@link Operation#DELETE}, or a reconciled create's {@link Operation#RECONCILE_DELETE}. */
  Call<Void> delete(
      @Nullable String environmentId, String tokenId, Operation operation, RequestOptions options) {
    String url = tokensUrl(environmentId) + "/" + PathIds.check(tokenId, "tokenId");
    return call(operation, environmentId, url, null, readers.nothing, options);
  }

  /** {@code GET /tokens/me}: the API token in use. */
  Call<TokenInfo> currentToken(RequestOptions options) {
    return call(Operation.CURRENT_TOKEN, null, currentTokenUrl, null, readers.current, options);
  }

  Json json() {
    return json;
  }

  private <T> Call<T> call(
      Operation operation,
      @Nullable String environmentId,
      String url,
      byte @Nullable [] body,
      ResponseReader<T> reader,
      RequestOptions options) {
    RetryPolicy policy = options.retryPolicy() == null ? config.retryPolicy : options.retryPolicy();
    String key = options.idempotencyKey();
    if (key != null && operation.isCreate() && policy.reconcileCreates()) {
      throw new IllegalArgumentException(
          "idempotencyKey cannot be used on a create in reconcile mode: each reconciled attempt"
              + " sends its own note and so its own key");
    }
    return new Call<>(
        operation,
        environmentId == null ? "user" : "environment",
        templates.of(operation, environmentId != null),
        url,
        describe(operation, url),
        body,
        key == null ? null : AsciiString.of(key),
        options.responseTimeout() == null
            ? responseTimeoutNanos
            : options.responseTimeout().toNanos(),
        policy,
        reader,
        extraHeaders(options));
  }

  /**
   * The request as messages and logs name it, {@code POST /user/tokens}. The paths without ids were
   * described once, so the common calls do not run the redaction's regular expression.
   */
  private String describe(Operation operation, String url) {
    if (url.equals(userTokensUrl)) {
      return userTokensDescriptions.get(operation);
    }
    if (url.equals(currentTokenUrl)) {
      return currentTokenDescription;
    }
    return redactedDescription(operation, url);
  }

  /**
   * {@code DELETE /user/tokens/<id>}: an id that looks like a secret (a raw token {@code dyn_...}
   * or the API token, passed by mistake as a token id) is masked, as {@link Redactor} masks error
   * bodies; the URL sent keeps the id as given.
   */
  private String redactedDescription(Operation operation, String url) {
    String path = Redactor.redact(url.substring(basePath.length()), null);
    String apiToken = config.apiToken;
    if (apiToken != null && path.contains(apiToken)) {
      // Only a whole path segment: a short API token must not mask parts of the path itself.
      String[] segments = path.split("/", -1);
      for (int i = 0; i < segments.length; i++) {
        if (segments[i].equals(apiToken)) {
          segments[i] = Redactor.MASK;
        }
      }
      path = String.join("/", segments);
    }
    return operation.method.name() + " " + path;
  }

  private static @Nullable HttpHeaders extraHeaders(RequestOptions options) {
    if (options.headers().isEmpty()) {
      return null;
    }
    HttpHeaders headers = new DefaultHttpHeaders();
    options
        .headers()
        .forEach(
            (name, value) -> {
              if (!Exchange.isOwnHeader(name)) {
                headers.set(name, value);
              }
            });
    return headers;
  }

  private String tokensUrl(@Nullable String environmentId) {
    if (environmentId == null) {
      return userTokensUrl;
    }
    PathIds.check(environmentId, "environmentId");
    return basePath + "/environments/" + environmentId + "/tokens";
  }
}
