package dev.dyntokens.spring;

import dev.dyntokens.ReactiveTokenClient;
import dev.dyntokens.micrometer.MicrometerTelemetry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import javax.net.ssl.SSLException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslManagerBundle;
import org.springframework.boot.ssl.SslOptions;
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
 * <p>The client runs its calls on the event loops of the application's {@link
 * ReactorResourceFactory} (the WebFlux server's) when there is one, unless {@code
 * dynamic.tokens.shared-resources=false}, through a connection pool of its own either way (the
 * server's pool evicts nothing, while load balancers close idle connections). Its https connections
 * use the SSL bundle named by {@code dynamic.tokens.ssl.bundle}, if set. It records into the
 * application's {@link MeterRegistry} and {@link ObservationRegistry} when there are such beans
 * (Micrometer stays optional). Beans of type {@link ReactiveTokenClientCustomizer} are applied
 * last. The bean is closed with the context, and with it its pool; the shared event loops stay.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.reactor.netty.autoconfigure.NettyReactiveWebServerAutoConfiguration",
      "org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration",
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

  /**
   * Runs the client on the application's Reactor Netty event loops; the pool stays the client's.
   */
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
          builder.loopResources(factory.getLoopResources());
        }
      };
    }
  }

  /**
   * TLS from the application's SSL bundle ({@code spring.ssl.bundle.*}), applied to Reactor Netty
   * as Spring Boot's own HTTP clients apply one.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(SslBundles.class)
  @ConditionalOnProperty(prefix = "dynamic.tokens.ssl", name = "bundle")
  static class SslBundleConfiguration {
    @Bean
    @Order(0)
    ReactiveTokenClientCustomizer dynamicTokensSslBundleCustomizer(
        DynamicTokensProperties properties, ObjectProvider<SslBundles> sslBundles) {
      return builder -> {
        String name = properties.getSsl().getBundle();
        if (name == null || name.isBlank()) {
          return;
        }
        SslBundles bundles = sslBundles.getIfAvailable();
        if (bundles == null) {
          throw new IllegalStateException(
              "dynamic.tokens.ssl.bundle is '" + name + "' but the application has no SslBundles");
        }
        SslBundle bundle;
        try {
          bundle = bundles.getBundle(name);
        } catch (NoSuchSslBundleException e) {
          throw new IllegalStateException(
              "dynamic.tokens.ssl.bundle names the SSL bundle '"
                  + name
                  + "', which is not configured (spring.ssl.bundle.*); configured: "
                  + bundles.getBundleNames(),
              e);
        }
        builder.sslContext(sslContext(name, bundle));
      };
    }

    /** The bundle's managers and options as a Netty client context. */
    static SslContext sslContext(String name, SslBundle bundle) {
      SslManagerBundle managers = bundle.getManagers();
      SslOptions options = bundle.getOptions();
      SslContextBuilder context =
          SslContextBuilder.forClient()
              .keyManager(managers.getKeyManagerFactory())
              .trustManager(managers.getTrustManagerFactory());
      String[] ciphers = options.getCiphers();
      if (ciphers != null) {
        context.ciphers(SslOptions.asSet(ciphers));
      }
      String[] protocols = options.getEnabledProtocols();
      if (protocols != null) {
        context.protocols(protocols);
      }
      try {
        return context.build();
      } catch (SSLException e) {
        throw new IllegalStateException(
            "the SSL bundle '" + name + "' (dynamic.tokens.ssl.bundle) cannot make a TLS client",
            e);
      }
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
