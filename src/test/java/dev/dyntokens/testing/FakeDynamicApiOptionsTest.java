package dev.dyntokens.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class FakeDynamicApiOptionsTest {

  @Test
  void optionsConfigureTheServer() {
    String[] args = {
      "--port", "0", "--api-token", "dyn_cli", "--rate-limit-per-minute", "2", "--base-path", "/v"
    };
    try (FakeDynamicApi api = FakeDynamicApiOptions.parse(args).start()) {
      Http http = new Http(api);

      assertThat(api.apiToken()).isEqualTo("dyn_cli");
      assertThat(api.baseUrl()).endsWith("/v");
      assertThat(http.get("/user/tokens").statusCode()).isEqualTo(200);
      assertThat(http.get("/user/tokens").statusCode()).isEqualTo(200);
      assertThat(http.get("/user/tokens").statusCode()).isEqualTo(429);
    }
  }

  @Test
  void faultRateSpreadsOverTheNamedKinds() {
    String[] args = {"--port", "0", "--fault-rate", "1", "--faults", "status_504"};
    try (FakeDynamicApi api = FakeDynamicApiOptions.parse(args).start()) {
      assertThat(new Http(api).get("/user/tokens").statusCode()).isEqualTo(504);
    }
  }

  @Test
  void fastModeFlagsNeedNoValue() {
    String[] args = {"--port", "0", "--no-validation", "--no-store", "--threads", "2"};
    try (FakeDynamicApi api = FakeDynamicApiOptions.parse(args).start()) {
      assertThat(new Http(api).withToken("").post("/user/tokens", "{}").statusCode())
          .isEqualTo(200);
      assertThat(api.tokens()).isEmpty();
    }
  }

  @Test
  void knownScopesNarrowWhatACreateMayAskFor() {
    String[] args = {"--port", "0", "--known-scopes", "all.read, gasless.read"};
    try (FakeDynamicApi api = FakeDynamicApiOptions.parse(args).start()) {
      Http http = new Http(api);

      assertThat(
              http.post("/user/tokens", Http.createBody("n", "all.read", "gasless.read"))
                  .statusCode())
          .isEqualTo(200);
      assertThat(http.post("/user/tokens", Http.createBody("n", "gasless.write")).statusCode())
          .isEqualTo(422);
    }
  }

  @Test
  void badOptionsAreRefused() {
    assertThatThrownBy(() -> FakeDynamicApiOptions.parse(new String[] {"--bogus", "1"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--bogus");
    assertThatThrownBy(() -> FakeDynamicApiOptions.parse(new String[] {"--port"}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FakeDynamicApiOptions.parse(new String[] {"--fault-rate", "2"}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FakeDynamicApiOptions.parse(new String[] {"--faults", "NOPE"}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> FakeDynamicApiOptions.parse(new String[] {"--known-scopes", "all.read,,x"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--known-scopes");
  }
}
