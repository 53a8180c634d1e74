package dev.dyntokens.internal;

import dev.dyntokens.CreateTokenRequest;
import dev.dyntokens.Token;
import dev.dyntokens.TokenInfo;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Builds each {@link Call} from what the facade was given: checks ids so that none can change a
 * path, builds the URL and its description, encodes the body, and picks the reader of its answer.
 */
final class CallFactory {
  private final ClientConfig config;
  private final Json json;
  private final ResponseReaders readers;
  private final String userTokensUrl;
  private final long responseTimeoutNanos;

  CallFactory(ClientConfig config, Json json, ResponseReaders readers) {
    this.config = config;
    this.json = json;
    this.readers = readers;
    this.userTokensUrl = config.baseUrl + "/user/tokens";
    this.responseTimeoutNanos = config.responseTimeout.toNanos();
  }

  /** A create; each subscription gives it its own idempotency key. */
  Call<Token> create(@Nullable String environmentId, CreateTokenRequest request) {
    return create(environmentId, json.encode(request));
  }

  /** A create with this body (a reconciled attempt's marked note). */
  Call<Token> create(@Nullable String environmentId, byte[] body) {
    String url = tokensUrl(environmentId);
    return new Call<>(
        Operation.CREATE,
        target(environmentId),
        url,
        "POST " + path(url),
        body,
        null,
        responseTimeoutNanos,
        config.retryPolicy,
        readers.created);
  }

  /** {@link Operation#LIST}, or a reconciled create's {@link Operation#RECONCILE_LIST}. */
  Call<List<TokenInfo>> list(@Nullable String environmentId, Operation operation) {
    String url = tokensUrl(environmentId);
    return new Call<>(
        operation,
        target(environmentId),
        url,
        "GET " + path(url),
        null,
        null,
        responseTimeoutNanos,
        config.retryPolicy,
        readers.list);
  }

  /** {@link Operation#DELETE}, or a reconciled create's {@link Operation#RECONCILE_DELETE}. */
  Call<Void> delete(@Nullable String environmentId, String tokenId, Operation operation) {
    String url = tokensUrl(environmentId) + "/" + PathIds.check(tokenId, "tokenId");
    return new Call<>(
        operation,
        target(environmentId),
        url,
        "DELETE " + path(url),
        null,
        null,
        responseTimeoutNanos,
        config.retryPolicy,
        readers.nothing);
  }

  Json json() {
    return json;
  }

  private String tokensUrl(@Nullable String environmentId) {
    if (environmentId == null) {
      return userTokensUrl;
    }
    PathIds.check(environmentId, "environmentId");
    return config.baseUrl + "/environments/" + environmentId + "/tokens";
  }

  private String path(String url) {
    return url.substring(config.baseUrl.length());
  }

  private static String target(@Nullable String environmentId) {
    return environmentId == null ? "user" : "environment";
  }
}
