package dev.dyntokens.testing.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dyntokens.CreateTokenRequest;
import dev.dyntokens.ReactiveTokenClient;
import dev.dyntokens.RetryPolicy;
import dev.dyntokens.TokenScope;
import dev.dyntokens.testing.FakeDynamicApi;
import dev.dyntokens.testing.FaultKind;
import dev.dyntokens.testing.FaultPlan;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FakeDynamicApiExtensionPerClassTest {
  @RegisterExtension
  static final FakeDynamicApiExtension FAKE =
      FakeDynamicApiExtension.perClass()
          .configure(api -> api.maxLiveTokens(5))
          .configureClient(client -> client.retryPolicy(RetryPolicy.none()));

  private static FakeDynamicApi shared;

  @BeforeAll
  static void remember(FakeDynamicApi api) {
    shared = api;
  }

  FaultPlan listsFail() {
    return FaultPlan.builder()
        .script(FaultPlan.Target.LIST, FaultKind.STATUS_503, FaultKind.STATUS_503)
        .build();
  }

  @Test
  @Order(1)
  void theTestsOfTheClassShareOneConfiguredFake(FakeDynamicApi api, ReactiveTokenClient client) {
    assertThat(api).isSameAs(shared);
    assertThat(FAKE.lifecycle()).isEqualTo(FakeDynamicApiExtension.Lifecycle.PER_CLASS);

    client
        .createToken(CreateTokenRequest.of("ci", TokenScope.ALL_READ))
        .block(Duration.ofSeconds(10));

    assertThat(api.tokens()).hasSize(1);
  }

  @Test
  @Order(2)
  @WithFaults("listsFail")
  void aTestsWithFaultsPlanReplacesTheSharedFakesPlanForThatTest(
      FakeDynamicApi api, ReactiveTokenClient client) {
    assertThat(api).isSameAs(shared);
    assertThat(api.tokens()).hasSize(1);

    assertThatThrownBy(() -> client.listTokens().collectList().block(Duration.ofSeconds(10)))
        .isInstanceOf(dev.dyntokens.ServerErrorException.class);
    assertThat(api.stats().faults(FaultKind.STATUS_503)).isEqualTo(1);
  }

  @Test
  @Order(3)
  void theNextTestGetsThePlanTheFakeWasBuiltWithBack(
      FakeDynamicApi api, ReactiveTokenClient client) {
    assertThat(client.listTokens().collectList().block(Duration.ofSeconds(10))).hasSize(1);
  }

  @Test
  @Order(4)
  void theSharedFakesLimitsComeFromConfigure(ReactiveTokenClient client) {
    for (int i = 0; i < 4; i++) {
      client
          .createToken(CreateTokenRequest.of("n" + i, TokenScope.ALL_READ))
          .block(Duration.ofSeconds(10));
    }

    assertThatThrownBy(
            () ->
                client
                    .createToken(CreateTokenRequest.of("six", TokenScope.ALL_READ))
                    .block(Duration.ofSeconds(10)))
        .isInstanceOf(dev.dyntokens.UnprocessableEntityException.class);
  }
}
