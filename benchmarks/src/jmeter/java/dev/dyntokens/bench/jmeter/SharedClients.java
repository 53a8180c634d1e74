package dev.dyntokens.bench.jmeter;

import dev.dyntokens.ReactiveTokenClient;
import dev.dyntokens.RetryPolicy;
import dev.dyntokens.testing.FakeDynamicApi;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The clients of one JMeter engine process, shared by its threads.
 *
 * <p>JMeter makes one sampler instance per thread and calls {@code setupTest}/{@code teardownTest}
 * on each, so a client per instance would mean one connection pool and one set of event loops per
 * thread (64 threads: 64 pools, 128 event loops on a 2-core machine). Instead each distinct
 * configuration gets one client, counted by the threads that hold it, and is closed when the last
 * one lets go; the embedded fake is shared the same way. A {@code jmeter-server} process runs
 * many tests in its life, so the count, not the JVM's exit, is what ends them.
 */
final class SharedClients {
  private static final Logger LOG = LoggerFactory.getLogger(SharedClients.class);

  /** How the client is configured; an empty {@code baseUrl} means the embedded fake. */
  record Settings(String baseUrl, Duration responseTimeout, boolean retries, boolean keepTokens) {
    boolean embeddedFake() {
      return baseUrl.isEmpty();
    }
  }

  private static final Map<Settings, Shared> CLIENTS = new HashMap<>();
  private static FakeDynamicApi fake;
  private static int fakeUsers;

  private SharedClients() {}

  /**
   * A lease on the shared client for {@code settings}, starting the client (and the fake) if no
   * thread holds one yet.
   *
   * @throws IllegalStateException if {@code baseUrl} is set and {@code DYNAMIC_API_TOKEN} is not
   */
  static synchronized Lease acquire(Settings settings) {
    Shared shared = CLIENTS.get(settings);
    if (shared == null) {
      shared = start(settings);
      CLIENTS.put(settings, shared);
    }
    shared.users++;
    return new Lease(shared);
  }

  private static Shared start(Settings s) {
    String baseUrl;
    String apiToken;
    if (s.embeddedFake()) {
      if (fake == null) {
        fake =
            FakeDynamicApi.builder()
                .port(0)
                .validation(true)
                .storeTokens(false) // memory stays flat on long runs; counters still count
                .start();
        LOG.info("embedded FakeDynamicApi at {}", fake.baseUrl());
      }
      fakeUsers++;
      baseUrl = fake.baseUrl();
      apiToken = fake.apiToken();
    } else {
      // Never a plan parameter: a .jmx file is shared, checked in and sent to every remote engine.
      apiToken = System.getenv("DYNAMIC_API_TOKEN");
      if (apiToken == null || apiToken.isBlank()) {
        throw new IllegalStateException(
            "baseUrl is set but the DYNAMIC_API_TOKEN environment variable is not");
      }
      baseUrl = s.baseUrl();
    }
    RetryPolicy policy = s.retries() ? RetryPolicy.defaults() : RetryPolicy.none();
    ReactiveTokenClient client;
    try {
      client =
          ReactiveTokenClient.builder()
              .baseUrl(baseUrl)
              .apiToken(apiToken)
              .retryPolicy(policy)
              .responseTimeout(s.responseTimeout())
              .build();
    } catch (RuntimeException e) {
      releaseFake(s);
      throw e;
    }
    // The client bounds each call itself (the policy's deadline, or one response timeout without
    // retries); the sampler's block() bound is only a backstop a little beyond that.
    Duration callBound =
        s.retries()
            ? policy.deadline()
            : min(policy.deadline(), s.responseTimeout());
    LOG.info("shared client for {} (retries {}, response timeout {} ms)",
        s.embeddedFake() ? "the embedded fake" : baseUrl,
        s.retries() ? "default policy" : "off",
        s.responseTimeout().toMillis());
    return new Shared(s, client, callBound.plusSeconds(1));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static synchronized void release(Shared shared) {
    if (--shared.users > 0) {
      return;
    }
    CLIENTS.remove(shared.settings);
    try {
      if (!shared.settings.embeddedFake() && !shared.settings.keepTokens()) {
        deleteCreated(shared);
      }
    } finally {
      shared.client.close();
      releaseFake(shared.settings);
    }
  }

  private static void releaseFake(Settings s) {
    if (s.embeddedFake() && --fakeUsers == 0 && fake != null) {
      LOG.info("embedded FakeDynamicApi stopped: {}", fake.stats());
      fake.close();
      fake = null;
    }
  }

  /** Deletes, by id, every token this process created against a real API. */
  private static void deleteCreated(Shared shared) {
    List<String> ids = new ArrayList<>(shared.created);
    if (ids.isEmpty()) {
      return;
    }
    AtomicLong deleted = new AtomicLong();
    Queue<String> failed = new ConcurrentLinkedQueue<>();
    // A handful at a time: clean-up should not look like a second load test to the API.
    Duration bound = shared.blockTimeout.multipliedBy(Math.max(1, ids.size() / 4 + 1));
    try {
      Flux.fromIterable(ids)
          .flatMap(
              id ->
                  shared
                      .client
                      .deleteToken(id)
                      .doOnSuccess(v -> deleted.incrementAndGet())
                      .onErrorResume(
                          e -> {
                            failed.add(id);
                            return Mono.empty();
                          }),
              4)
          .then()
          .block(bound);
    } catch (RuntimeException e) {
      LOG.warn("token clean-up stopped: {}", e.toString());
    }
    LOG.info(
        "token clean-up: created {}, deleted {}, failed {}", ids.size(), deleted.get(), failed.size());
    if (!failed.isEmpty()) {
      LOG.warn("tokens not deleted (ids): {}", failed);
    }
  }

  /** One client and what its threads share. */
  private static final class Shared {
    final Settings settings;
    final ReactiveTokenClient client;
    final Duration blockTimeout;
    /** Ids only, never secrets: what the clean-up needs. */
    final Queue<String> created = new ConcurrentLinkedQueue<>();

    int users;

    Shared(Settings settings, ReactiveTokenClient client, Duration blockTimeout) {
      this.settings = settings;
      this.client = client;
      this.blockTimeout = blockTimeout;
    }
  }

  /** One thread's hold on a shared client; {@link #release()} once, at the thread's end. */
  static final class Lease {
    private final Shared shared;
    private final AtomicBoolean released = new AtomicBoolean();

    private Lease(Shared shared) {
      this.shared = shared;
    }

    ReactiveTokenClient client() {
      return shared.client;
    }

    /** The bound for {@code block()} on one call of this client. */
    Duration blockTimeout() {
      return shared.blockTimeout;
    }

    /** Remembers a created token's id for the clean-up, when the clean-up will run. */
    void created(String tokenId) {
      if (!shared.settings.embeddedFake() && !shared.settings.keepTokens()) {
        shared.created.add(tokenId);
      }
    }

    void release() {
      if (released.compareAndSet(false, true)) {
        SharedClients.release(shared);
      }
    }
  }
}
