package dev.dyntokens;

import static java.util.Objects.requireNonNull;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Overrides for one call, as Stripe's {@code RequestOptions} and the AWS SDK's per-request override
 * configuration give: pass it last to any operation of {@link ReactiveTokenClient}. An immutable
 * value; what it leaves unset comes from the client.
 *
 * <pre>{@code
 * client.createToken(request, RequestOptions.builder()
 *     .responseTimeout(Duration.ofSeconds(2))
 *     .idempotencyKey(orderId)
 *     .header("X-Request-Id", requestId)
 *     .build());
 * }</pre>
 */
public final class RequestOptions {
  private static final RequestOptions NONE = builder().build();

  private final @Nullable Duration responseTimeout;
  private final @Nullable RetryPolicy retryPolicy;
  private final @Nullable String idempotencyKey;
  private final Map<String, String> headers;

  private RequestOptions(Builder b) {
    this.responseTimeout = b.responseTimeout;
    this.retryPolicy = b.retryPolicy;
    this.idempotencyKey = b.idempotencyKey;
    this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
  }

  /** No overrides: the call runs as the client is configured. */
  public static RequestOptions none() {
    return NONE;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The bound on each attempt of this call, or null for the client's. */
  public @Nullable Duration responseTimeout() {
    return responseTimeout;
  }

  /**
   * The policy of this call (attempts, backoff, deadline, reconciling), or null for the client's.
   */
  public @Nullable RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  /**
   * The {@code Idempotency-Key} sent on every attempt of this call, or null for a generated one.
   */
  public @Nullable String idempotencyKey() {
    return idempotencyKey;
  }

  /** Extra headers of this call, in the order given. */
  public Map<String, String> headers() {
    return headers;
  }

  /** Never shows header values or the idempotency key: a caller may put a secret there. */
  @Override
  public String toString() {
    return "RequestOptions[responseTimeout="
        + responseTimeout
        + ", retryPolicy="
        + retryPolicy
        + ", idempotencyKey="
        + (idempotencyKey == null ? "none" : "<set>")
        + ", headers="
        + headers.keySet()
        + "]";
  }

  /** Builds {@link RequestOptions}; each setter checks its argument at once. */
  public static final class Builder {
    private static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);
    private static final int MAX_KEY_LENGTH = 255;

    private @Nullable Duration responseTimeout;
    private @Nullable RetryPolicy retryPolicy;
    private @Nullable String idempotencyKey;
    private final Map<String, String> headers = new LinkedHashMap<>();

    private Builder() {}

    /** Bound on each attempt of this call, 1 ms to 5 minutes (as the client's own option). */
    public Builder responseTimeout(Duration responseTimeout) {
      requireNonNull(responseTimeout, "responseTimeout == null");
      if (responseTimeout.isNegative() || responseTimeout.isZero()) {
        throw new IllegalArgumentException(
            "responseTimeout must be positive but was " + responseTimeout);
      }
      if (responseTimeout.compareTo(MAX_TIMEOUT) > 0) {
        throw new IllegalArgumentException(
            "responseTimeout must be at most " + MAX_TIMEOUT + " but was " + responseTimeout);
      }
      this.responseTimeout = responseTimeout;
      return this;
    }

    /** The policy of this call instead of the client's; the retry budget stays the client's. */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = requireNonNull(retryPolicy, "retryPolicy == null");
      return this;
    }

    /**
     * The {@code Idempotency-Key} sent on every attempt of this call, 1 to 255 visible ASCII
     * characters; by default a create gets a random one per call. Cannot be used on a create in
     * reconcile mode, where each attempt is a different request with its own key.
     */
    public Builder idempotencyKey(String idempotencyKey) {
      requireNonNull(idempotencyKey, "idempotencyKey == null");
      if (idempotencyKey.isEmpty() || idempotencyKey.length() > MAX_KEY_LENGTH) {
        throw new IllegalArgumentException(
            "idempotencyKey must be 1 to "
                + MAX_KEY_LENGTH
                + " characters but was "
                + idempotencyKey.length());
      }
      for (int i = 0; i < idempotencyKey.length(); i++) {
        char c = idempotencyKey.charAt(i);
        if (c < 0x21 || c > 0x7e) {
          throw new IllegalArgumentException(
              "idempotencyKey may contain only visible ASCII characters but has another at index "
                  + i);
        }
      }
      this.idempotencyKey = idempotencyKey;
      return this;
    }

    /**
     * Adds a header to this call. The client's own headers ({@code Authorization}, {@code Host},
     * {@code User-Agent}, {@code Accept}, {@code Content-Type}, {@code Content-Length}, {@code
     * Idempotency-Key} and the framing headers) cannot be replaced: such a header is ignored, as
     * context headers are.
     *
     * @throws IllegalArgumentException if the name is not a valid header name or the value holds a
     *     line break or another control character; the message never shows the value
     */
    public Builder header(String name, String value) {
      requireNonNull(name, "name == null");
      requireNonNull(value, "value == null");
      try {
        new DefaultHttpHeaders().set(name, value); // Netty's own name and value checks
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "header " + (validName(name) ? name : "name") + " is not a valid HTTP header", null);
      }
      headers.put(name, value);
      return this;
    }

    private static boolean validName(String name) {
      try {
        new DefaultHttpHeaders().set(name, "x");
        return true;
      } catch (IllegalArgumentException e) {
        return false;
      }
    }

    public RequestOptions build() {
      return new RequestOptions(this);
    }
  }
}
