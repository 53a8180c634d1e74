package dev.dyntokens.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dyntokens.CreateTokenRequest;
import dev.dyntokens.NotFoundException;
import dev.dyntokens.ReactiveTokenClient;
import dev.dyntokens.RetryPolicy;
import dev.dyntokens.TokenClientException;
import dev.dyntokens.TokenScope;
import dev.dyntokens.UnauthorizedException;
import dev.dyntokens.UnprocessableEntityException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.test.StepVerifier;

/** The library's client against the fake: both sides written independently of each other. */
@Timeout(60)
class ReactiveTokenClientAgainstFakeTest {
  private final FakeDynamicApi api = FakeDynamicApi.builder().start();
  private final ReactiveTokenClient client =
      ReactiveTokenClient.builder()
          .baseUrl(api.baseUrl())
          .apiToken(api.apiToken())
          .retryPolicy(RetryPolicy.none())
          .build();

  @AfterEach
  void close() {
    client.close();
    api.close();
  }

  @Test
  void currentTokenIntrospectsTheApiTokenInUseWithEveryNewerScope() {
    StepVerifier.create(client.currentToken())
        .assertNext(
            me -> {
              assertThat(me.id()).isEqualTo(api.apiTokenInfo().id());
              assertThat(me.scopes())
                  .contains(TokenScope.ALL_READ, TokenScope.GASLESS_READ, TokenScope.GASLESS_WRITE);
            })
        .verifyComplete();
  }

  @Test
  void theNewerScopesAreAcceptedOnCreate() {
    StepVerifier.create(
            client.createToken(
                CreateTokenRequest.of(
                    "gasless relayer", TokenScope.GASLESS_READ, TokenScope.GASLESS_WRITE)))
        .assertNext(
            t ->
                assertThat(t.scopes())
                    .containsExactly(TokenScope.GASLESS_READ, TokenScope.GASLESS_WRITE))
        .verifyComplete();
  }

  @Test
  void createListAndDeleteRoundTrip() {
    CreateTokenRequest request =
        CreateTokenRequest.of("round trip", TokenScope.ENVIRONMENT_USERS_READ);

    StepVerifier.create(client.createEnvironmentToken("env-1", request))
        .assertNext(
            token -> {
              assertThat(token.rawToken()).startsWith("dyn_");
              assertThat(token.checksum()).isEqualTo(api.tokens().get(0).checksum());
              assertThat(token.projectEnvironmentId()).isEqualTo("env-1");
              assertThat(token.scopes()).containsExactly(TokenScope.ENVIRONMENT_USERS_READ);
            })
        .verifyComplete();
    String id = api.tokens().get(0).id();

    StepVerifier.create(client.listEnvironmentTokens("env-1"))
        .assertNext(info -> assertThat(info.id()).isEqualTo(id))
        .verifyComplete();
    StepVerifier.create(client.deleteEnvironmentToken("env-1", id)).verifyComplete();
    assertThat(api.tokens()).isEmpty();
    StepVerifier.create(client.deleteEnvironmentToken("env-1", id))
        .expectError(NotFoundException.class)
        .verify(Duration.ofSeconds(10));
  }

  @Test
  void apiErrorsArriveAsTheirExceptions() {
    StepVerifier.create(
            client.createToken(CreateTokenRequest.of("n", TokenScope.of("made.up.scope"))))
        .expectError(UnprocessableEntityException.class)
        .verify(Duration.ofSeconds(10));

    try (ReactiveTokenClient wrong =
        ReactiveTokenClient.builder()
            .baseUrl(api.baseUrl())
            .apiToken("dyn_wrong")
            .retryPolicy(RetryPolicy.none())
            .build()) {
      StepVerifier.create(wrong.listTokens())
          .expectError(UnauthorizedException.class)
          .verify(Duration.ofSeconds(10));
    }
  }

  private static ReactiveTokenClient retrying(FakeDynamicApi api) {
    return ReactiveTokenClient.builder()
        .baseUrl(api.baseUrl())
        .apiToken(api.apiToken())
        .responseTimeout(Duration.ofSeconds(2))
        .retryPolicy(
            RetryPolicy.builder()
                .maxAttempts(3)
                .initialBackoff(Duration.ofMillis(10))
                .maxBackoff(Duration.ofMillis(50))
                .build())
        .build();
  }

  @Test
  void aScripted503IsRetriedAndTheSecondAttemptCreatesOneToken() {
    FaultPlan plan =
        FaultPlan.builder().script(FaultPlan.Target.CREATE, FaultKind.STATUS_503).build();
    try (FakeDynamicApi flaky = FakeDynamicApi.builder().faults(plan).start();
        ReactiveTokenClient retrying = retrying(flaky)) {
      StepVerifier.create(retrying.createToken(CreateTokenRequest.of("retried")))
          .assertNext(token -> assertThat(token.note()).isEqualTo("retried"))
          .verifyComplete();

      assertThat(flaky.stats().requests()).isEqualTo(2);
      assertThat(flaky.tokens()).hasSize(1);
    }
  }

  @Test
  void aCreateDroppedAfterStoringIsNotRetriedIntoADuplicate() {
    FaultPlan plan =
        FaultPlan.builder().script(FaultPlan.Target.CREATE, FaultKind.CREATE_THEN_DROP).build();
    try (FakeDynamicApi dropping = FakeDynamicApi.builder().faults(plan).start();
        ReactiveTokenClient retrying = retrying(dropping)) {
      StepVerifier.create(retrying.createToken(CreateTokenRequest.of("ambiguous")))
          .expectError(TokenClientException.class)
          .verify(Duration.ofSeconds(10));

      assertThat(dropping.tokens()).hasSize(1);
      assertThat(dropping.stats().tokensCreated()).isEqualTo(1);
    }
  }
}
