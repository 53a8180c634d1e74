package dev.dyntokens.testing;

import static dev.dyntokens.testing.Http.createBody;
import static dev.dyntokens.testing.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dyntokens.testing.FaultPlan.Target;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;

@Timeout(60)
class FakeDynamicApiConcurrencyTest {

  private static List<HttpResponse<String>> createConcurrently(
      FakeDynamicApi api, int calls, int environments) {
    Http http = new Http(api);
    List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      String path = "/environments/env-" + (i % environments) + "/tokens";
      futures.add(http.sendAsync(http.post(path, createBody("n" + i), Duration.ofSeconds(20))));
    }
    return futures.stream().map(CompletableFuture::join).toList();
  }

  @Test
  void hundredsOfConcurrentCreatesAndDeletesKeepTheAccountsConsistent() {
    try (FakeDynamicApi api = FakeDynamicApi.builder().eventLoopThreads(2).start()) {
      List<HttpResponse<String>> created = createConcurrently(api, 400, 4);

      Set<String> ids = new HashSet<>();
      created.forEach(r -> ids.add(json(r).get("token").get("id").asText()));
      assertThat(created).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
      assertThat(ids).hasSize(400);
      assertThat(api.tokens()).hasSize(400);

      Http http = new Http(api);
      List<CompletableFuture<HttpResponse<String>>> deletes = new ArrayList<>();
      for (HttpResponse<String> response : created.subList(0, 250)) {
        var token = json(response).get("token");
        String path =
            "/environments/"
                + token.get("projectEnvironmentId").asText()
                + "/tokens/"
                + token.get("id").asText();
        deletes.add(http.sendAsync(http.request(path).DELETE().build()));
      }
      deletes.forEach(d -> assertThat(d.join().statusCode()).isEqualTo(204));

      // A client has its answer a moment before the fake counts the exchange as done: wait for it.
      long inFlight =
          Mono.fromCallable(() -> api.stats().inFlight())
              .filter(n -> n == 0)
              .repeatWhenEmpty(ticks -> ticks.delayElements(Duration.ofMillis(10)))
              .block(Duration.ofSeconds(5));
      FakeApiStats stats = api.stats();
      assertThat(stats.requests()).isEqualTo(650);
      assertThat(stats.tokensCreated()).isEqualTo(400);
      assertThat(stats.tokensDeleted()).isEqualTo(250);
      assertThat(stats.tokensLive()).isEqualTo(150).isEqualTo(api.tokens().size());
      assertThat(stats.byStatus()).containsOnlyKeys(200, 204);
      assertThat(stats.answered()).isEqualTo(650);
      assertThat(stats.inFlight()).isEqualTo(inFlight).isZero();
      int listed = 0;
      for (int e = 0; e < 4; e++) {
        listed += json(http.get("/environments/env-" + e + "/tokens")).get("tokens").size();
      }
      assertThat(listed).isEqualTo(150);
    }
  }

  @Test
  void maxLiveTokensHoldsUnderConcurrentCreates() {
    try (FakeDynamicApi api =
        FakeDynamicApi.builder().maxLiveTokens(50).eventLoopThreads(2).start()) {
      List<HttpResponse<String>> responses = createConcurrently(api, 300, 1);

      long ok = responses.stream().filter(r -> r.statusCode() == 200).count();
      assertThat(ok).isEqualTo(50);
      assertThat(api.stats().status(422)).isEqualTo(250);
      assertThat(api.stats().tokensLive()).isEqualTo(50);
    }
  }

  @Test
  void faultAccountingMatchesWhatClientsSawUnderLoad() {
    FaultPlan plan =
        FaultPlan.builder()
            .seed(11)
            .random(Target.ALL, FaultKind.STATUS_503, 0.2)
            .random(Target.ALL, FaultKind.RATE_LIMIT_429, 0.1)
            .build();
    try (FakeDynamicApi api = FakeDynamicApi.builder().faults(plan).eventLoopThreads(2).start()) {
      List<HttpResponse<String>> responses = createConcurrently(api, 500, 5);

      FakeApiStats stats = api.stats();
      long ok = responses.stream().filter(r -> r.statusCode() == 200).count();
      long unavailable = responses.stream().filter(r -> r.statusCode() == 503).count();
      long limited = responses.stream().filter(r -> r.statusCode() == 429).count();
      assertThat(ok + unavailable + limited).isEqualTo(500);
      assertThat(stats.faults(FaultKind.STATUS_503)).isEqualTo(unavailable);
      assertThat(stats.faults(FaultKind.RATE_LIMIT_429)).isEqualTo(limited);
      assertThat(stats.tokensCreated()).isEqualTo(ok).isEqualTo(stats.tokensLive());
      assertThat(stats.status(200)).isEqualTo(ok);
      assertThat(stats.requests()).isEqualTo(500);
    }
  }

  @Test
  void fastModeServesThousandsOfCreatesQuickly() {
    try (FakeDynamicApi api =
        FakeDynamicApi.builder().validation(false).storeTokens(false).eventLoopThreads(2).start()) {
      long start = System.nanoTime();
      for (int round = 0; round < 5; round++) {
        createConcurrently(api, 400, 8);
      }
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(api.stats().tokensCreated()).isEqualTo(2000);
      assertThat(api.stats().tokensLive()).isZero();
      assertThat(took).isLessThan(Duration.ofSeconds(20));
    }
  }
}
