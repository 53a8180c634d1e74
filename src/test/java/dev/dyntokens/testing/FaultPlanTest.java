package dev.dyntokens.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dyntokens.testing.FaultPlan.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultPlanTest {

  @Test
  void noneHasNoRulesAndInjectsNothing() {
    FaultInjector injector = new FaultInjector(FaultPlan.none());

    assertThat(FaultPlan.none().isEmpty()).isTrue();
    assertThat(injector.pick("POST", "/user/tokens")).isEqualTo(FaultKind.NONE);
  }

  @Test
  void defaultsAreATwoSecondDelayAndTwoMebibytePadding() {
    FaultPlan plan = FaultPlan.builder().build();

    assertThat(plan.delay()).isEqualTo(Duration.ofSeconds(2));
    assertThat(plan.oversizedBytes()).isEqualTo(2 * 1024 * 1024);
  }

  @Test
  void targetsMatchTheirMethodsAndPaths() {
    assertThat(Target.CREATE.matches("POST", "/user/tokens")).isTrue();
    assertThat(Target.CREATE.matches("POST", "/environments/e/tokens")).isTrue();
    assertThat(Target.CREATE.matches("GET", "/user/tokens")).isFalse();
    assertThat(Target.LIST.matches("GET", "/environments/e/tokens")).isTrue();
    assertThat(Target.DELETE.matches("DELETE", "/user/tokens/abc")).isTrue();
    assertThat(Target.DELETE.matches("DELETE", "/user/tokens")).isFalse();
    assertThat(Target.CURRENT.matches("GET", "/tokens/me")).isTrue();
    assertThat(Target.CURRENT.matches("POST", "/tokens/me")).isFalse();
    assertThat(Target.CURRENT.matches("GET", "/user/tokens")).isFalse();
    assertThat(Target.LIST.matches("GET", "/tokens/me")).isFalse();
    assertThat(Target.ALL.matches("PATCH", "/anything")).isTrue();
    assertThat(Target.of("get", "/user/.*").matches("GET", "/user/tokens")).isTrue();
    assertThat(Target.of(null, "/a")).isEqualTo(Target.of(null, "/a"));
  }

  @Test
  void scriptStepsAreHandedOutOnceEachAndAServerStartsItsOwnCopy() {
    FaultPlan plan =
        FaultPlan.builder().script(Target.ALL, FaultKind.STATUS_503, FaultKind.NONE).build();
    FaultInjector first = new FaultInjector(plan);

    assertThat(first.pick("GET", "/x")).isEqualTo(FaultKind.STATUS_503);
    assertThat(first.pick("GET", "/x")).isEqualTo(FaultKind.NONE);
    assertThat(first.pick("GET", "/x")).isEqualTo(FaultKind.NONE);
    assertThat(new FaultInjector(plan).pick("GET", "/x")).isEqualTo(FaultKind.STATUS_503);
  }

  @Test
  void laterRulesApplyWhenEarlierOnesPickNothing() {
    FaultPlan plan =
        FaultPlan.builder()
            .script(Target.CREATE, FaultKind.STATUS_500)
            .random(Target.ALL, FaultKind.STATUS_502, 1)
            .build();
    FaultInjector injector = new FaultInjector(plan);

    assertThat(injector.pick("POST", "/user/tokens")).isEqualTo(FaultKind.STATUS_500);
    assertThat(injector.pick("POST", "/user/tokens")).isEqualTo(FaultKind.STATUS_502);
  }

  @Test
  void sameSeedDrawsTheSameFaults() {
    FaultPlan plan = FaultPlan.uniform(0.5, 99, FaultKind.STATUS_503, FaultKind.DELAY);

    assertThat(draws(plan, 200)).isEqualTo(draws(plan, 200));
    assertThat(draws(plan, 200))
        .isNotEqualTo(
            draws(FaultPlan.uniform(0.5, 100, FaultKind.STATUS_503, FaultKind.DELAY), 200));
  }

  private static List<FaultKind> draws(FaultPlan plan, int n) {
    FaultInjector injector = new FaultInjector(plan);
    List<FaultKind> kinds = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      kinds.add(injector.pick("GET", "/user/tokens"));
    }
    return kinds;
  }

  @Test
  void probabilitiesAboveOneAreRefused() {
    FaultPlan.Builder builder = FaultPlan.builder().random(Target.ALL, FaultKind.STATUS_503, 0.7);

    assertThatThrownBy(() -> builder.random(Target.ALL, FaultKind.STATUS_500, 0.4))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FaultPlan.builder().random(Target.ALL, FaultKind.DELAY, -0.1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FaultPlan.builder().random(Target.ALL, FaultKind.DELAY, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void builderChecksItsArguments() {
    assertThatThrownBy(() -> FaultPlan.builder().script(Target.ALL))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FaultPlan.builder().script(null, FaultKind.DELAY))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("target == null");
    assertThatThrownBy(() -> FaultPlan.builder().delay(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FaultPlan.builder().oversizedBytes(10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FaultPlan.uniform(0.1, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fakeBuilderChecksItsArguments() {
    assertThatThrownBy(() -> FakeDynamicApi.builder().port(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FakeDynamicApi.builder().apiToken(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("apiToken == null");
    assertThatThrownBy(() -> FakeDynamicApi.builder().apiToken("has space"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FakeDynamicApi.builder().maxLiveTokens(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FakeDynamicApi.builder().rateLimitPerSecond(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FakeDynamicApi.builder().deleteStatus(202))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FakeDynamicApi.builder().basePath("api"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FakeDynamicApi.builder().eventLoopThreads(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FakeDynamicApi.builder().clock(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("clock == null");
    assertThatThrownBy(() -> FakeDynamicApi.builder().knownScopes(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("knownScopes == null");
    assertThatThrownBy(() -> FakeDynamicApi.builder().knownScopes(java.util.Set.of("")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
