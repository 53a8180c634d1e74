package dev.dyntokens.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dyntokens.ReactiveTokenClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;

/** The auto-configuration's conditions, without a server (ApplicationContextRunner). */
class DynamicTokensAutoConfigurationTest {
  private static final String TOKEN = "dyn_springPropertyTokenSecret0123456789";

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(DynamicTokensAutoConfiguration.class));

  @Test
  void backsOffWhenTheApplicationDefinesItsOwnClient() {
    runner
        .withPropertyValues("dynamic.tokens.api-token=" + TOKEN)
        .withUserConfiguration(OwnClient.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed().hasSingleBean(ReactiveTokenClient.class);
              assertThat(context.getBean(ReactiveTokenClient.class))
                  .isSameAs(context.getBean(OwnClient.class).client);
              assertThat(context).doesNotHaveBean("dynamicTokensClient");
            });
  }

  @Test
  void noClientWithoutAnApiToken() {
    runner.run(
        context ->
            assertThat(context)
                .hasNotFailed()
                .doesNotHaveBean(ReactiveTokenClient.class)
                .doesNotHaveBean(DynamicTokensProperties.class));
  }

  @Test
  void everyPropertyReachesTheClient() {
    runner
        .withPropertyValues(
            "dynamic.tokens.api-token=" + TOKEN,
            "dynamic.tokens.base-url=http://127.0.0.1:9/api/v0",
            "dynamic.tokens.connect-timeout=2s",
            "dynamic.tokens.response-timeout=3s",
            "dynamic.tokens.max-connections=8",
            "dynamic.tokens.max-pending-acquires=16",
            "dynamic.tokens.wiretap=true",
            "dynamic.tokens.retry.max-attempts=4",
            "dynamic.tokens.retry.initial-backoff=50ms",
            "dynamic.tokens.retry.max-backoff=2s",
            "dynamic.tokens.retry.throttled-backoff=500ms",
            "dynamic.tokens.retry.max-retry-after=10s",
            "dynamic.tokens.retry.deadline=12s",
            "dynamic.tokens.retry.reconcile-creates=true",
            "dynamic.tokens.retry.budget-ratio=0.5",
            "dynamic.tokens.retry.budget-min-per-second=3",
            "dynamic.tokens.retry.adaptive-throttling=false")
        .run(
            context -> {
              assertThat(context).hasNotFailed().hasSingleBean(ReactiveTokenClient.class);
              ReactiveTokenClient client = context.getBean(ReactiveTokenClient.class);
              assertThat(client.baseUrl()).isEqualTo("http://127.0.0.1:9/api/v0");
              // No ReactorResourceFactory in this context: the client has its own pool.
              assertThat(client.toString())
                  .contains("connectTimeout=PT2S", "responseTimeout=PT3S")
                  .contains("httpClient=own, 8 connections")
                  .contains("maxAttempts=4", "initialBackoff=PT0.05S", "maxBackoff=PT2S")
                  .contains("throttledBackoff=PT0.5S", "maxRetryAfter=PT10S", "deadline=PT12S")
                  .contains("reconcileCreates=true", "budget=0.5 + 3/s")
                  .contains("adaptiveThrottling=false")
                  .doesNotContain(TOKEN);
              DynamicTokensProperties properties = context.getBean(DynamicTokensProperties.class);
              assertThat(properties.getMaxPendingAcquires()).isEqualTo(16);
              assertThat(properties.isWiretap()).isTrue();
              assertThat(properties.toString()).doesNotContain(TOKEN);
            });
  }

  @Test
  void retryBudgetCanBeTurnedOff() {
    runner
        .withPropertyValues(
            "dynamic.tokens.api-token=" + TOKEN, "dynamic.tokens.retry.budget-enabled=false")
        .run(context -> assertThat(clientString(context)).contains("budget=off"));
  }

  @Test
  void usesTheApplicationsReactorResourceFactory() {
    runner
        .withPropertyValues("dynamic.tokens.api-token=" + TOKEN)
        .withBean(ReactorResourceFactory.class, ReactorResourceFactory::new)
        .run(
            context ->
                // The factory's event loops, with the client's own pool (its size and eviction).
                assertThat(clientString(context))
                    .contains("httpClient=own, 512 connections, caller's event loops"));
  }

  @Test
  void sharedResourcesCanBeTurnedOff() {
    runner
        .withPropertyValues(
            "dynamic.tokens.api-token=" + TOKEN, "dynamic.tokens.shared-resources=false")
        .withBean(ReactorResourceFactory.class, ReactorResourceFactory::new)
        .run(
            context ->
                assertThat(clientString(context))
                    .contains("httpClient=own, 512 connections")
                    .doesNotContain("caller's"));
  }

  @Test
  void worksWithoutSpringWebOrMicrometerOnTheClasspath() {
    runner
        .withPropertyValues("dynamic.tokens.api-token=" + TOKEN)
        .withClassLoader(
            new FilteredClassLoader(
                ReactorResourceFactory.class, MeterRegistry.class, ObservationRegistry.class))
        .run(
            context -> {
              assertThat(context).hasNotFailed().hasSingleBean(ReactiveTokenClient.class);
              assertThat(context).getBeans(ReactiveTokenClientCustomizer.class).isEmpty();
            });
  }

  @Test
  void actuatorMasksTheApiTokenUnderEverySpellingOfItsKey() {
    runner
        .withPropertyValues("dynamic.tokens.api-token=" + TOKEN)
        .run(
            context -> {
              org.springframework.boot.actuate.endpoint.SanitizingFunction f =
                  context.getBean(
                      org.springframework.boot.actuate.endpoint.SanitizingFunction.class);
              for (String key :
                  java.util.List.of(
                      "dynamic.tokens.api-token", "apiToken", "DYNAMIC_TOKENS_API_TOKEN")) {
                Object shown =
                    f.applyUnlessFiltered(
                            new org.springframework.boot.actuate.endpoint.SanitizableData(
                                null, key, TOKEN))
                        .getValue();
                assertThat(shown).as(key).isEqualTo("******");
              }
              Object port =
                  f.applyUnlessFiltered(
                          new org.springframework.boot.actuate.endpoint.SanitizableData(
                              null, "server.port", "8080"))
                      .getValue();
              assertThat(port).isEqualTo("8080");
            });
  }

  @Test
  void registriesAndCustomizersAreApplied() {
    List<String> applied = new ArrayList<>();
    runner
        .withPropertyValues("dynamic.tokens.api-token=" + TOKEN)
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withBean(ObservationRegistry.class, ObservationRegistry::create)
        .withBean(
            ReactiveTokenClientCustomizer.class, () -> builder -> applied.add("user customizer"))
        .run(
            context -> {
              assertThat(context).hasNotFailed().hasSingleBean(ReactiveTokenClient.class);
              assertThat(context).getBeans(ReactiveTokenClientCustomizer.class).hasSize(3);
              assertThat(applied).containsExactly("user customizer");
            });
  }

  @Test
  void invalidPropertyFailsStartupWithItsName() {
    runner
        .withPropertyValues(
            "dynamic.tokens.api-token=" + TOKEN, "dynamic.tokens.retry.max-attempts=0")
        .run(
            context ->
                assertThat(context)
                    .hasFailed()
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("maxAttempts")
                    .hasMessageNotContaining(TOKEN));
  }

  private static String clientString(
      org.springframework.boot.test.context.assertj.AssertableApplicationContext context) {
    assertThat(context).hasNotFailed().hasSingleBean(ReactiveTokenClient.class);
    return context.getBean(ReactiveTokenClient.class).toString();
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnClient {
    final ReactiveTokenClient client =
        ReactiveTokenClient.builder().apiToken("dyn_ownClientToken0123456789").build();

    @Bean(destroyMethod = "close")
    ReactiveTokenClient ownTokenClient() {
      return client;
    }
  }
}
