package dev.dyntokens.testing;

import static dev.dyntokens.testing.Http.createBody;
import static dev.dyntokens.testing.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class FakeDynamicApiRateLimitTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private FakeDynamicApi api = FakeDynamicApi.builder().start();

  @AfterEach
  void close() {
    api.close();
  }

  private void restart(FakeDynamicApi.Builder builder) {
    api.close();
    api = builder.start();
  }

  private static int count(List<HttpResponse<String>> responses, int status) {
    return (int) responses.stream().filter(r -> r.statusCode() == status).count();
  }

  private List<HttpResponse<String>> concurrently(int calls, HttpRequest request) {
    List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
    Http http = new Http(api);
    for (int i = 0; i < calls; i++) {
      futures.add(http.sendAsync(request));
    }
    return futures.stream().map(CompletableFuture::join).toList();
  }

  @Test
  void perClientLimitAdmitsExactlyTheLimitPerMinuteWindow() {
    restart(FakeDynamicApi.builder().clock(clock).rateLimitPerMinutePerClient(100));
    HttpRequest list = new Http(api).request("/user/tokens").build();

    List<HttpResponse<String>> first = concurrently(250, list);
    clock.advance(Duration.ofSeconds(60));
    List<HttpResponse<String>> second = concurrently(150, list);

    assertThat(count(first, 200)).isEqualTo(100);
    assertThat(count(first, 429)).isEqualTo(150);
    assertThat(count(second, 200)).isEqualTo(100);
    assertThat(api.stats().status(429)).isEqualTo(200);
  }

  @Test
  void rateLimitedAnswerHasTheDocumentedBodyAndRetryAfterUntilTheWindowEnds() {
    restart(FakeDynamicApi.builder().clock(clock).rateLimitPerMinutePerClient(1));
    Http http = new Http(api);
    http.get("/user/tokens");
    clock.advance(Duration.ofMillis(45_500));

    HttpResponse<String> limited = http.get("/user/tokens");

    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(json(limited).get("message").asText()).isEqualTo("Rate limit exceeded");
    assertThat(json(limited).get("code").asInt()).isEqualTo(429);
    assertThat(limited.headers().firstValue("retry-after")).hasValue("15");
  }

  @Test
  void perClientLimitTellsClientsApartByForwardedForWhenTrusted() {
    restart(
        FakeDynamicApi.builder()
            .clock(clock)
            .rateLimitPerMinutePerClient(2)
            .trustForwardedFor(true));
    Http http = new Http(api);
    HttpRequest a = http.request("/user/tokens").header("X-Forwarded-For", "10.0.0.1").build();
    HttpRequest b = http.request("/user/tokens").header("X-Forwarded-For", "10.0.0.2").build();

    List<Integer> statuses = new ArrayList<>();
    for (HttpRequest request : List.of(a, a, a, b, b, b)) {
      statuses.add(Http.send(request).statusCode());
    }

    assertThat(statuses).containsExactly(200, 200, 429, 200, 200, 429);
  }

  /** Sends one list per address, 200 at a time; the statuses in order. */
  private List<Integer> listAs(List<String> forwardedFor) {
    Http http = new Http(api);
    List<Integer> statuses = new ArrayList<>();
    for (int from = 0; from < forwardedFor.size(); from += 200) {
      List<CompletableFuture<HttpResponse<String>>> batch = new ArrayList<>();
      for (String address : forwardedFor.subList(from, Math.min(from + 200, forwardedFor.size()))) {
        batch.add(
            http.sendAsync(
                http.request("/user/tokens").header("X-Forwarded-For", address).build()));
      }
      batch.forEach(f -> statuses.add(f.join().statusCode()));
    }
    return statuses;
  }

  private static List<String> addresses(int count) {
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      addresses.add("10." + (i >> 16 & 0xff) + "." + (i >> 8 & 0xff) + "." + (i & 0xff));
    }
    return addresses;
  }

  @Test
  void untrustedForwardedForAddressesShareTheRemoteAddressesLimiterAndCreateNoLimiters() {
    restart(FakeDynamicApi.builder().clock(clock).rateLimitPerMinutePerClient(5));

    List<Integer> statuses = listAs(addresses(10_000));

    assertThat(statuses.stream().filter(s -> s == 200).count()).isEqualTo(5);
    assertThat(statuses.stream().filter(s -> s == 429).count()).isEqualTo(9_995);
    assertThat(api.clientLimiters()).isEqualTo(1);
  }

  @Test
  void trustedForwardedForLimitersAreDroppedOnceTheirWindowHasEnded() {
    restart(
        FakeDynamicApi.builder()
            .clock(clock)
            .rateLimitPerMinutePerClient(1)
            .rateLimitPerMinutePerEnvironment(1)
            .trustForwardedFor(true));
    Http http = new Http(api);

    List<Integer> first = listAs(addresses(1_000));
    for (int i = 0; i < 100; i++) {
      Http.send(
          http.request("/environments/env-" + i + "/tokens")
              .header("X-Forwarded-For", "20.0.0." + i)
              .build());
    }
    assertThat(first).containsOnly(200);
    assertThat(api.clientLimiters()).isEqualTo(1_100);
    assertThat(api.environmentLimiters()).isEqualTo(100);

    clock.advance(Duration.ofSeconds(60));
    List<Integer> second = listAs(addresses(1));
    Http.send(
        http.request("/environments/env-0/tokens").header("X-Forwarded-For", "20.0.0.0").build());

    assertThat(second).containsExactly(200);
    assertThat(api.clientLimiters()).isLessThanOrEqualTo(2);
    assertThat(api.environmentLimiters()).isEqualTo(1);
  }

  @Test
  void perEnvironmentLimitCountsEachEnvironmentAndSparesUserEndpoints() {
    restart(FakeDynamicApi.builder().clock(clock).rateLimitPerMinutePerEnvironment(3));
    Http http = new Http(api);

    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      statuses.add(http.get("/environments/a/tokens").statusCode());
    }
    statuses.add(http.post("/environments/b/tokens", createBody("n")).statusCode());
    statuses.add(http.get("/user/tokens").statusCode());

    assertThat(statuses).containsExactly(200, 200, 200, 429, 200, 200);
  }

  @Test
  void rateLimitedCreatesStoreNothing() {
    restart(FakeDynamicApi.builder().clock(clock).rateLimitPerSecond(5));
    List<HttpResponse<String>> responses =
        concurrently(
            20, new Http(api).post("/user/tokens", createBody("n"), Duration.ofSeconds(5)));

    assertThat(count(responses, 200)).isEqualTo(5);
    assertThat(api.stats().tokensLive()).isEqualTo(5);
    assertThat(api.tokens()).hasSize(5);
  }

  @Test
  void perSecondLimiterAdmitsTheLimitPerSecondInRealTimeWithinAFewPercent() throws Exception {
    int limit = 100;
    restart(FakeDynamicApi.builder().rateLimitPerSecond(limit).eventLoopThreads(2));
    HttpRequest list = new Http(api).request("/user/tokens").build();
    ConcurrentHashMap<Long, AtomicInteger> admittedPerSecond = new ConcurrentHashMap<>();
    long end = System.currentTimeMillis() + 3_200;

    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<CompletableFuture<Void>> workers = new ArrayList<>();
      for (int w = 0; w < 8; w++) {
        workers.add(CompletableFuture.runAsync(() -> drive(list, end, admittedPerSecond), pool));
      }
      CompletableFuture.allOf(workers.toArray(new CompletableFuture<?>[0])).get();
    } finally {
      pool.shutdownNow();
    }

    long first = admittedPerSecond.keySet().stream().min(Long::compare).orElseThrow();
    long last = admittedPerSecond.keySet().stream().max(Long::compare).orElseThrow();
    long windows = last - first + 1;
    long total = admittedPerSecond.values().stream().mapToLong(AtomicInteger::get).sum();
    // Seconds are read when each answer arrives, which on a loaded machine can be a little after
    // its window: judge the total over the run, not each second (the test-clock tests above check
    // each window exactly). The first and last windows are cut by the start and end of the run.
    assertThat(total).isBetween(limit * (windows - 2) * 95 / 100, limit * windows);
    assertThat(last - first).isGreaterThanOrEqualTo(2);
  }

  private static void drive(
      HttpRequest request, long end, ConcurrentHashMap<Long, AtomicInteger> admitted) {
    while (System.currentTimeMillis() < end) {
      HttpResponse<String> response = Http.send(request);
      long second = System.currentTimeMillis() / 1000;
      if (response.statusCode() == 200) {
        admitted.computeIfAbsent(second, s -> new AtomicInteger()).incrementAndGet();
      }
    }
  }
}
