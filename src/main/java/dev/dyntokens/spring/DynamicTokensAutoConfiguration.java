package dev.dyntokens.spring;

import dev.dyntokens.ReactiveTokenClient;
import dev.dyntokens.micrometer.MicrometerTelemetry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.client.ReactorResourceFactory;
import reactor.netty.http.client.HttpClient;

/**
 * Creates one {@link ReactiveTokenClient} bean from the {@code dynamic.tokens.*} properties ({@link
 * DynamicTokensProperties}) when {@code dynamic.tokens.api-token} is set and the application has no
 * {@code ReactiveTokenClient} bean of its own.
 *
 * <p>The client sends its calls through the application's {@link ReactorResourceFactory} (the
 * WebFlux server's event loops and connection pool) when there is one, unless {@code
 * dynamic.tokens.shared-resources=false}; it records into the application's {@link MeterRegistry}
 * and {@link ObservationRegistry} when there are such beans (Micrometer stays optional). Beans of
 * type {@link ReactiveTokenClientCustomizer} are applied last. The bean is closed with the context;
 * closing it never disposes the shared resources.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.reactor.netty.autoconfigure.NettyReactiveWebServerAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration"
    })
@ConditionalOnClass(ReactiveTokenClient.class)
@ConditionalOnProperty(prefix = "dynamic.tokens", name = "api-token")
@EnableConfigurationProperties(DynamicTokensProperties.class)
public class DynamicTokensAutoConfiguration {

  /** The client, configured from properties, then by every customizer in order. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public ReactiveTokenClient dynamicTokensClient(
      DynamicTokensProperties properties,
      ObjectProvider<ReactiveTokenClientCustomizer> customizers) {
    ReactiveTokenClient.Builder builder = properties.toBuilder();
    customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
    return builder.build();
  }

  /** Shares the application's Reactor Netty event loops and connection pool. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({ReactorResourceFactory.class, HttpClient.class})
  @ConditionalOnProperty(
      prefix = "dynamic.tokens",
      name = "shared-resources",
      havingValue = "true",
      matchIfMissing = true)
  static class SharedResourcesConfiguration {
    @Bean
    @Order(0)
    ReactiveTokenClientCustomizer dynamicTokensSharedResourcesCustomizer(
        ObjectProvider<ReactorResourceFactory> resourceFactory) {
      return builder -> {
        ReactorResourceFactory factory = resourceFactory.getIfUnique();
        if (factory != null) {
          builder.httpClient(
              HttpClient.create(factory.getConnectionProvider()).runOn(factory.getLoopResources()));
        }
      };
    }
  }

  /**
   * Records meters and observations with the application's registries; absent without Micrometer.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({MeterRegistry.class, ObservationRegistry.class})
  static class TelemetryConfiguration {
    @Bean
    @Order(0)
    ReactiveTokenClientCustomizer dynamicTokensTelemetryCustomizer(
        ObjectProvider<MeterRegistry> meterRegistry,
        ObjectProvider<ObservationRegistry> observationRegistry) {
      return builder -> {
        MeterRegistry meters = meterRegistry.getIfUnique();
        ObservationRegistry observations = observationRegistry.getIfUnique();
        if (meters == null && observations == null) {
          return;
        }
        MicrometerTelemetry.Builder telemetry = MicrometerTelemetry.builder();
        if (meters != null) {
          telemetry.meterRegistry(meters);
        }
        if (observations != null) {
          telemetry.observationRegistry(observations);
        }
        builder.telemetry(telemetry.build());
      };
    }
  }

  /**
   * Actuator's {@code /configprops} and {@code /env} show property values to whoever may see them
   * ({@code show-values}); Boot sanitizes no key by default. The API token is masked under every
   * spelling of its key: {@code dynamic.tokens.api-token}, {@code apiToken}, {@code
   * DYNAMIC_TOKENS_API_TOKEN}.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(SanitizingFunction.class)
  static class SanitizingConfiguration {
    @Bean
    SanitizingFunction dynamicTokensSanitizingFunction() {
      return SanitizingFunction.sanitizeValue()
          .ifKeyMatches(SanitizingConfiguration::isApiTokenKey);
    }

    static boolean isApiTokenKey(String key) {
      return key.replaceAll("[^A-Za-z0-9]", "")
          .toLowerCase(java.util.Locale.ROOT)
          .endsWith("apitoken");
    }
  }
}
