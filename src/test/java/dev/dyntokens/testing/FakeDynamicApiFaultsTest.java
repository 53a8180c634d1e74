package dev.dyntokens.testing;

import static dev.dyntokens.testing.Http.createBody;
import static dev.dyntokens.testing.Http.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dyntokens.testing.FaultPlan.Target;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class FakeDynamicApiFaultsTest {
  private final List<FakeDynamicApi> started = new ArrayList<>();

  @AfterEach
  void close() {
    started.forEach(FakeDynamicApi::close);
  }

  private FakeDynamicApi start(FaultPlan plan) {
    FakeDynamicApi api = FakeDynamicApi.builder().faults(plan).start();
    started.add(api);
    return api;
  }

  private FakeDynamicApi startWith(FaultKind kind) {
    return start(FaultPlan.builder().script(Target.ALL, kind).build());
  }

  static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within 5 s").isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  private static HttpResponse<String> create(FakeDynamicApi api) {
    return new Http(api).post("/user/tokens", createBody("n"));
  }

  @Test
  void scriptedFaultsHitRequestsInOrderThenStop() {
    FakeDynamicApi api =
        start(
            FaultPlan.builder()
                .script(Target.CREATE, FaultKind.STATUS_503, FaultKind.NONE, FaultKind.STATUS_500)
                .build());

    assertThat(create(api).statusCode()).isEqualTo(503);
    assertThat(create(api).statusCode()).isEqualTo(200);
    assertThat(create(api).statusCode()).isEqualTo(500);
    assertThat(create(api).statusCode()).isEqualTo(200);
    assertThat(api.stats().faultsInjected())
        .containsExactly(
            java.util.Map.entry(FaultKind.STATUS_500, 1L),
            java.util.Map.entry(FaultKind.STATUS_503, 1L));
  }

  @Test
  void faultsOnlyHitTheirTarget() {
    FakeDynamicApi api =
        start(FaultPlan.builder().random(Target.CREATE, FaultKind.STATUS_503, 1).build());
    Http http = new Http(api);

    assertThat(http.get("/user/tokens").statusCode()).isEqualTo(200);
    assertThat(http.delete("/user/tokens/x").statusCode()).isEqualTo(404);
    assertThat(http.post("/environments/e/tokens", createBody("n")).statusCode()).isEqualTo(503);
    assertThat(api.stats().faults(FaultKind.STATUS_503)).isEqualTo(1);
  }

  @Test
  void aCustomTargetMatchesMethodAndPathPattern() {
    FakeDynamicApi api =
        start(
            FaultPlan.builder()
                .random(Target.of("GET", "/environments/flaky/.*"), FaultKind.STATUS_502, 1)
                .build());
    Http http = new Http(api);

    assertThat(http.get("/environments/flaky/tokens").statusCode()).isEqualTo(502);
    assertThat(http.get("/environments/fine/tokens").statusCode()).isEqualTo(200);
    assertThat(http.post("/environments/flaky/tokens", createBody("n")).statusCode())
        .isEqualTo(200);
  }

  @Test
  void randomFaultsWithTheSameSeedRepeatInASingleThreadedRun() {
    FaultPlan plan =
        FaultPlan.builder()
            .seed(7)
            .random(Target.ALL, FaultKind.STATUS_503, 0.3)
            .random(Target.ALL, FaultKind.RATE_LIMIT_429, 0.2)
            .build();
    List<Integer> first = statuses(start(plan), 60);
    List<Integer> second = statuses(start(plan), 60);

    assertThat(first).isEqualTo(second);
    assertThat(first).contains(200, 503, 429);
  }

  @Test
  void randomFaultRatesAreRoughlyTheirProbabilities() {
    FakeDynamicApi api =
        start(FaultPlan.uniform(0.4, 3, FaultKind.STATUS_503, FaultKind.STATUS_504));
    List<Integer> statuses = statuses(api, 500);

    long faults = statuses.stream().filter(s -> s != 200).count();
    assertThat(faults).isBetween(150L, 250L);
    assertThat(api.stats().faults(FaultKind.STATUS_503) + api.stats().faults(FaultKind.STATUS_504))
        .isEqualTo(faults);
  }

  private static List<Integer> statuses(FakeDynamicApi api, int calls) {
    Http http = new Http(api);
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      statuses.add(http.get("/user/tokens").statusCode());
    }
    return statuses;
  }

  @Test
  void delayHoldsTheAnswerAfterProcessing() {
    FakeDynamicApi api =
        start(
            FaultPlan.builder()
                .delay(Duration.ofMillis(300))
                .script(Target.CREATE, FaultKind.DELAY)
                .build());
    long start = System.nanoTime();

    HttpResponse<String> response = create(api);

    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(290));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(api.stats().faults(FaultKind.DELAY)).isEqualTo(1);
  }

  @Test
  void delayedCreateIsStoredEvenIfTheClientGivesUp() throws Exception {
    FakeDynamicApi api =
        start(
            FaultPlan.builder()
                .delay(Duration.ofSeconds(30))
                .script(Target.CREATE, FaultKind.DELAY)
                .build());

    Http.Raw raw = Http.raw(api, "POST", "/user/tokens", createBody("n"), Duration.ofMillis(200));

    assertThat(raw.timedOut()).isTrue();
    assertThat(api.tokens()).hasSize(1);
    await(() -> api.stats().inFlight() == 0);
  }

  @Test
  void jsonStatusFaultsAnswerTheirStatusWithAnErrorBodyBeforeProcessing() {
    for (FaultKind kind :
        List.of(
            FaultKind.STATUS_500,
            FaultKind.STATUS_502,
            FaultKind.STATUS_503,
            FaultKind.STATUS_504)) {
      FakeDynamicApi api = startWith(kind);

      HttpResponse<String> response = create(api);

      assertThat(response.statusCode()).isEqualTo(Integer.parseInt(kind.name().substring(7)));
      assertThat(response.headers().firstValue("content-type")).hasValue(Answer.JSON);
      assertThat(json(response).get("error").asText()).isNotBlank();
      assertThat(api.tokens()).isEmpty();
      assertThat(api.stats().faults(kind)).isEqualTo(1);
    }
  }

  @Test
  void htmlStatusFaultsAnswerAProxyPage() {
    for (FaultKind kind : List.of(FaultKind.HTML_502, FaultKind.HTML_503, FaultKind.HTML_504)) {
      FakeDynamicApi api = startWith(kind);

      HttpResponse<String> response = create(api);

      assertThat(response.statusCode()).isEqualTo(Integer.parseInt(kind.name().substring(5)));
      assertThat(response.headers().firstValue("content-type")).hasValue("text/html");
      assertThat(response.body()).startsWith("<html>");
      assertThat(api.tokens()).isEmpty();
    }
  }

  @Test
  void empty503AnswersNoBody() {
    FakeDynamicApi api = startWith(FaultKind.EMPTY_503);

    HttpResponse<String> response = create(api);

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body()).isEmpty();
  }

  @Test
  void rateLimitFaultAnswers429WithRetryAfter() {
    FakeDynamicApi api = startWith(FaultKind.RATE_LIMIT_429);

    HttpResponse<String> response = create(api);

    assertThat(response.statusCode()).isEqualTo(429);
    assertThat(response.headers().firstValue("retry-after")).hasValue("1");
    assertThat(json(response).get("message").asText()).isEqualTo("Rate limit exceeded");
    assertThat(json(response).get("code").asInt()).isEqualTo(429);
  }

  @Test
  void resetBeforeReadClosesTheConnectionWithoutAnswerOrEffect() throws Exception {
    FakeDynamicApi api = startWith(FaultKind.RESET_BEFORE_READ);

    Http.Raw raw = Http.raw(api, "POST", "/user/tokens", createBody("n"), Duration.ofSeconds(5));

    assertThat(raw.closedByServer()).isTrue();
    assertThat(raw.bytes()).isEmpty();
    assertThat(api.tokens()).isEmpty();
    await(() -> api.stats().inFlight() == 0);
    assertThat(api.stats().answered()).isZero();
  }

  @Test
  void resetBeforeReadFailsAPlainHttpClient() {
    FakeDynamicApi api = startWith(FaultKind.RESET_BEFORE_READ);

    assertThatThrownBy(() -> create(api))
        .isInstanceOf(UncheckedIOException.class)
        .hasCauseInstanceOf(IOException.class);
  }

  @Test
  void createThenDropStoresTheTokenButNeverAnswers() throws Exception {
    FakeDynamicApi api = startWith(FaultKind.CREATE_THEN_DROP);

    Http.Raw raw = Http.raw(api, "POST", "/user/tokens", createBody("lost"), Duration.ofSeconds(5));

    assertThat(raw.closedByServer()).isTrue();
    assertThat(raw.bytes()).isEmpty();
    assertThat(api.tokens()).singleElement().satisfies(t -> assertThat(t.note()).isEqualTo("lost"));
    assertThat(api.stats().tokensCreated()).isEqualTo(1);
    await(() -> api.stats().inFlight() == 0);
  }

  @Test
  void truncatedBodyAnnouncesMoreThanItSendsThenCloses() {
    FakeDynamicApi api = startWith(FaultKind.TRUNCATED_BODY);

    Http.Raw raw = Http.raw(api, "POST", "/user/tokens", createBody("n"), Duration.ofSeconds(5));

    assertThat(raw.closedByServer()).isTrue();
    String text = raw.text();
    int headerEnd = text.indexOf("\r\n\r\n");
    assertThat(text).startsWith("HTTP/1.1 200");
    int announced = Integer.parseInt(text.replaceAll("(?is).*content-length: (\\d+).*", "$1"));
    int sent = raw.bytes().length - headerEnd - 4;
    assertThat(sent).isPositive().isLessThan(announced);
    assertThat(api.tokens()).hasSize(1);
  }

  @Test
  void truncatedBodyFailsAPlainHttpClient() {
    FakeDynamicApi api =
        start(FaultPlan.builder().script(Target.LIST, FaultKind.TRUNCATED_BODY).build());

    assertThatThrownBy(() -> new Http(api).get("/user/tokens"))
        .isInstanceOf(UncheckedIOException.class);
  }

  @Test
  void malformedJsonAnswers200WithABodyThatDoesNotParse() {
    FakeDynamicApi api = startWith(FaultKind.MALFORMED_JSON);

    HttpResponse<String> response = create(api);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue(Answer.JSON);
    assertThatThrownBy(() -> Http.MAPPER.readTree(response.body())).isInstanceOf(IOException.class);
    assertThat(api.tokens()).hasSize(1);
  }

  @Test
  void oversizedBodyIsTheRealAnswerPaddedToTwoMebibytes() {
    FakeDynamicApi api = startWith(FaultKind.OVERSIZED_BODY);

    HttpResponse<String> response = create(api);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body().length()).isEqualTo(2 * 1024 * 1024);
    String id = json(response).get("token").get("id").asText();
    assertThat(api.tokens()).singleElement().satisfies(t -> assertThat(t.id()).isEqualTo(id));
  }

  @Test
  void oversizedDeleteAnswerIsAPaddedObject() {
    FakeDynamicApi api =
        start(
            FaultPlan.builder()
                .oversizedBytes(4096)
                .script(Target.DELETE, FaultKind.OVERSIZED_BODY)
                .build());

    HttpResponse<String> response = new Http(api).delete("/user/tokens/x");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).hasSize(4096);
    assertThat(json(response).get("padding").asText()).startsWith("xxx");
  }

  @Test
  void neverAnswerHoldsTheRequestAndLeavesNothingWhenTheClientGivesUp() throws Exception {
    FakeDynamicApi api = startWith(FaultKind.NEVER_ANSWER);

    Http.Raw raw = Http.raw(api, "POST", "/user/tokens", createBody("n"), Duration.ofMillis(300));

    assertThat(raw.timedOut()).isTrue();
    assertThat(raw.bytes()).isEmpty();
    await(() -> api.stats().inFlight() == 0);
    assertThat(api.tokens()).isEmpty();
    assertThat(api.stats().faults(FaultKind.NEVER_ANSWER)).isEqualTo(1);
  }

  @Test
  void neverAnswerReleasesHeldRequestsOnClose() throws Exception {
    FakeDynamicApi api = startWith(FaultKind.NEVER_ANSWER);
    var pending =
        new Http(api).sendAsync(new Http(api).post("/user/tokens", "{}", Duration.ofSeconds(30)));
    await(() -> api.stats().inFlight() == 1);

    api.closeLater().block(Duration.ofSeconds(5));

    assertThat(pending).failsWithin(Duration.ofSeconds(5));
  }
}
