package dev.dyntokens.spring;

import dev.dyntokens.ReactiveTokenClient;
import dev.dyntokens.RetryPolicy;
import dev.dyntokens.internal.ClientConfig;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code dynamic.tokens.*} properties of the auto-configured {@link ReactiveTokenClient}. The
 * defaults are the client's own; {@link #toString()} never shows the API token.
 */
@ConfigurationProperties("dynamic.tokens")
public class DynamicTokensProperties {
  /** The client's own defaults: every default here is read from them, never restated. */
  private static final ClientConfig.Defaults DEFAULTS = ClientConfig.defaults();

  private static final RetryPolicy POLICY = DEFAULTS.retryPolicy();

  /** Base URL of the Dynamic API; plain http is accepted only for a loopback host. */
  private String baseUrl = DEFAULTS.baseUrl();

  /** API token sent as "Authorization: Bearer ..."; the client bean exists only when it is set. */
  private @Nullable String apiToken;

  /** Bound on establishing a connection (TCP and TLS). */
  private Duration connectTimeout = DEFAULTS.connectTimeout();

  /** Bound on one attempt, from the request being written to the last byte of the answer. */
  private Duration responseTimeout = DEFAULTS.responseTimeout();

  /**
   * Run calls on the event loops of the application's ReactorResourceFactory (the WebFlux server's)
   * when there is one, instead of event loops of the client's own. The connection pool is the
   * client's own either way, with its idle and life-time eviction, and closes with it.
   */
  private boolean sharedResources = true;

  /** Size of the client's own connection pool. */
  private int maxConnections = DEFAULTS.maxConnections();

  /** Calls that may wait for a connection of the client's own pool. */
  private int maxPendingAcquires = DEFAULTS.maxPendingAcquires();

  /** Log the wire at DEBUG under dev.dyntokens.wire, with secrets masked. */
  private boolean wiretap;

  /**
   * Offer HTTP/2 by TLS ALPN (HTTP/1.1 where the server does not take it): concurrent calls share
   * few connections as streams. Needs an https base URL.
   */
  private boolean http2 = DEFAULTS.http2();

  private final Retry retry = new Retry();

  private final Ssl ssl = new Ssl();

  public String getBaseUrl() {
    return baseUrl;
  }

  public void setBaseUrl(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  public @Nullable String getApiToken() {
    return apiToken;
  }

  public void setApiToken(@Nullable String apiToken) {
    this.apiToken = apiToken;
  }

  public Duration getConnectTimeout() {
    return connectTimeout;
  }

  public void setConnectTimeout(Duration connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  public Duration getResponseTimeout() {
    return responseTimeout;
  }

  public void setResponseTimeout(Duration responseTimeout) {
    this.responseTimeout = responseTimeout;
  }

  public boolean isSharedResources() {
    return sharedResources;
  }

  public void setSharedResources(boolean sharedResources) {
    this.sharedResources = sharedResources;
  }

  public int getMaxConnections() {
    return maxConnections;
  }

  public void setMaxConnections(int maxConnections) {
    this.maxConnections = maxConnections;
  }

  public int getMaxPendingAcquires() {
    return maxPendingAcquires;
  }

  public void setMaxPendingAcquires(int maxPendingAcquires) {
    this.maxPendingAcquires = maxPendingAcquires;
  }

  public boolean isWiretap() {
    return wiretap;
  }

  public void setWiretap(boolean wiretap) {
    this.wiretap = wiretap;
  }

  public boolean isHttp2() {
    return http2;
  }

  public void setHttp2(boolean http2) {
    this.http2 = http2;
  }

  public Retry getRetry() {
    return retry;
  }

  public Ssl getSsl() {
    return ssl;
  }

  /**
   * A builder configured from these properties, without the shared event loops, the SSL bundle and
   * the registries the auto-configuration adds.
   *
   * @throws IllegalStateException if no API token is set
   * @throws IllegalArgumentException if a value is out of the client's range
   */
  public ReactiveTokenClient.Builder toBuilder() {
    String token = apiToken;
    if (token == null || token.isBlank()) {
      throw new IllegalStateException("dynamic.tokens.api-token is not set");
    }
    return ReactiveTokenClient.builder()
        .baseUrl(baseUrl)
        .apiToken(token)
        .connectTimeout(connectTimeout)
        .responseTimeout(responseTimeout)
        .maxConnections(maxConnections)
        .maxPendingAcquires(maxPendingAcquires)
        .wiretap(wiretap)
        .http2(http2)
        .retryPolicy(retry.toPolicy());
  }

  @Override
  public String toString() {
    return "DynamicTokensProperties[baseUrl="
        + baseUrl
        + ", apiToken="
        + (apiToken == null ? "(not set)" : "(set)")
        + ", connectTimeout="
        + connectTimeout
        + ", responseTimeout="
        + responseTimeout
        + ", sharedResources="
        + sharedResources
        + ", maxConnections="
        + maxConnections
        + ", maxPendingAcquires="
        + maxPendingAcquires
        + ", wiretap="
        + wiretap
        + ", retry="
        + retry
        + ", ssl="
        + ssl
        + "]";
  }

  /** The {@code dynamic.tokens.ssl.*} properties: TLS of the client's connections. */
  public static class Ssl {
    /**
     * Name of the SSL bundle (spring.ssl.bundle.*) whose trust material, key and certificate,
     * protocols and ciphers the client's https connections use; unset, the JDK's trust store.
     */
    private @Nullable String bundle;

    public @Nullable String getBundle() {
      return bundle;
    }

    public void setBundle(@Nullable String bundle) {
      this.bundle = bundle;
    }

    @Override
    public String toString() {
      return "Ssl[bundle=" + bundle + "]";
    }
  }

  /** The {@code dynamic.tokens.retry.*} properties: the client's {@link RetryPolicy}. */
  public static class Retry {
    /** Total attempts of one call, the first included (1 to 10); 1 turns retries off. */
    private int maxAttempts = POLICY.maxAttempts();

    /** Cap on the first retry's random wait (full jitter); doubles per retry. */
    private Duration initialBackoff = POLICY.initialBackoff();

    /** The largest wait between attempts. */
    private Duration maxBackoff = POLICY.maxBackoff();

    /** Least wait after a 429 without Retry-After. */
    private Duration throttledBackoff = POLICY.throttledBackoff();

    /** Longest Retry-After honoured; a longer one surfaces the failure at once. */
    private Duration maxRetryAfter = POLICY.maxRetryAfter();

    /** Bound on one whole call, attempts and waits together. */
    private Duration deadline = POLICY.deadline();

    /**
     * Make ambiguous creates safe to retry: mark each create's note, and after an unknown outcome
     * list, revoke this call's token and try again.
     */
    private boolean reconcileCreates = POLICY.reconcileCreates();

    /** Whether retries draw on the client's retry budget. */
    private boolean budgetEnabled = POLICY.budgetEnabled();

    /** Retry budget: retries may add this share of the calls of the last 10 seconds (0 to 10). */
    private double budgetRatio = POLICY.budgetRatio();

    /** Retry budget: retries allowed per second on top of the ratio. */
    private int budgetMinPerSecond = POLICY.budgetMinPerSecond();

    /** Pace the client's own sends after a 429 (AIMD). */
    private boolean adaptiveThrottling = POLICY.adaptiveThrottling();

    public int getMaxAttempts() {
      return maxAttempts;
    }

    public void setMaxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
    }

    public Duration getInitialBackoff() {
      return initialBackoff;
    }

    public void setInitialBackoff(Duration initialBackoff) {
      this.initialBackoff = initialBackoff;
    }

    public Duration getMaxBackoff() {
      return maxBackoff;
    }

    public void setMaxBackoff(Duration maxBackoff) {
      this.maxBackoff = maxBackoff;
    }

    public Duration getThrottledBackoff() {
      return throttledBackoff;
    }

    public void setThrottledBackoff(Duration throttledBackoff) {
      this.throttledBackoff = throttledBackoff;
    }

    public Duration getMaxRetryAfter() {
      return maxRetryAfter;
    }

    public void setMaxRetryAfter(Duration maxRetryAfter) {
      this.maxRetryAfter = maxRetryAfter;
    }

    public Duration getDeadline() {
      return deadline;
    }

    public void setDeadline(Duration deadline) {
      this.deadline = deadline;
    }

    public boolean isReconcileCreates() {
      return reconcileCreates;
    }

    public void setReconcileCreates(boolean reconcileCreates) {
      this.reconcileCreates = reconcileCreates;
    }

    public boolean isBudgetEnabled() {
      return budgetEnabled;
    }

    public void setBudgetEnabled(boolean budgetEnabled) {
      this.budgetEnabled = budgetEnabled;
    }

    public double getBudgetRatio() {
      return budgetRatio;
    }

    public void setBudgetRatio(double budgetRatio) {
      this.budgetRatio = budgetRatio;
    }

    public int getBudgetMinPerSecond() {
      return budgetMinPerSecond;
    }

    public void setBudgetMinPerSecond(int budgetMinPerSecond) {
      this.budgetMinPerSecond = budgetMinPerSecond;
    }

    public boolean isAdaptiveThrottling() {
      return adaptiveThrottling;
    }

    public void setAdaptiveThrottling(boolean adaptiveThrottling) {
      this.adaptiveThrottling = adaptiveThrottling;
    }

    /** The retry policy these properties describe. */
    public RetryPolicy toPolicy() {
      RetryPolicy.Builder policy =
          RetryPolicy.builder()
              .maxAttempts(maxAttempts)
              .initialBackoff(initialBackoff)
              .maxBackoff(maxBackoff)
              .throttledBackoff(throttledBackoff)
              .maxRetryAfter(maxRetryAfter)
              .deadline(deadline)
              .reconcileCreates(reconcileCreates)
              .adaptiveThrottling(adaptiveThrottling);
      if (budgetEnabled) {
        policy.retryBudget(budgetRatio, budgetMinPerSecond);
      } else {
        policy.noRetryBudget();
      }
      return policy.build();
    }

    @Override
    public String toString() {
      return "Retry[maxAttempts="
          + maxAttempts
          + ", initialBackoff="
          + initialBackoff
          + ", maxBackoff="
          + maxBackoff
          + ", throttledBackoff="
          + throttledBackoff
          + ", maxRetryAfter="
          + maxRetryAfter
          + ", deadline="
          + deadline
          + ", reconcileCreates="
          + reconcileCreates
          + ", budgetEnabled="
          + budgetEnabled
          + ", budgetRatio="
          + budgetRatio
          + ", budgetMinPerSecond="
          + budgetMinPerSecond
          + ", adaptiveThrottling="
          + adaptiveThrottling
          + "]";
    }
  }
}
