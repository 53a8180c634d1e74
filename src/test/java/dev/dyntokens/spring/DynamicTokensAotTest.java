package dev.dyntokens.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dyntokens.ReactiveTokenClient;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.aot.test.generate.TestGenerationContext;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.test.tools.CompileWithForkedClassLoader;
import org.springframework.core.test.tools.TestCompiler;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.javapoet.ClassName;

/**
 * Spring AOT processing (what a native image build runs) of the auto-configuration: it succeeds,
 * the hints cover what is reached by reflection, and the generated code starts a context whose
 * client works. The client itself needs no hints: it reads JSON with Jackson's streaming parser and
 * tree model, never binding its own types by reflection, and loads no resources.
 */
@CompileWithForkedClassLoader
class DynamicTokensAotTest {
  private static final Map<String, Object> PROPERTIES =
      Map.of(
          "dynamic.tokens.api-token", "dyn_aotTestToken0123456789",
          "dynamic.tokens.base-url", "http://127.0.0.1:9/api/v0",
          "dynamic.tokens.retry.max-attempts", "2");

  private static GenericApplicationContext context() {
    AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
    context
        .getEnvironment()
        .getPropertySources()
        .addFirst(new MapPropertySource("test", PROPERTIES));
    context.register(App.class);
    return context;
  }

  @Test
  void aotProcessingSucceedsAndTheGeneratedContextStartsAWorkingClient() {
    TestGenerationContext generation = new TestGenerationContext();
    ClassName initializer =
        new ApplicationContextAotGenerator().processAheadOfTime(context(), generation);
    generation.writeGeneratedContent();

    RuntimeHints hints = generation.getRuntimeHints();
    // Binding dynamic.tokens.* (Boot registers these for @ConfigurationProperties).
    assertThat(RuntimeHintsPredicates.reflection().onType(DynamicTokensProperties.class))
        .accepts(hints);
    assertThat(RuntimeHintsPredicates.reflection().onType(DynamicTokensProperties.Retry.class))
        .accepts(hints);
    assertThat(RuntimeHintsPredicates.reflection().onType(DynamicTokensProperties.Ssl.class))
        .accepts(hints);
    // The bean's destroy method, called by name.
    assertThat(
            RuntimeHintsPredicates.reflection()
                .onMethodInvocation(ReactiveTokenClient.class, "close"))
        .accepts(hints);

    TestCompiler.forSystem()
        .with(generation)
        .compile(
            compiled -> {
              @SuppressWarnings("unchecked")
              ApplicationContextInitializer<GenericApplicationContext> init =
                  compiled.getInstance(
                      ApplicationContextInitializer.class, initializer.reflectionName());
              try (GenericApplicationContext aot = new GenericApplicationContext()) {
                aot.getEnvironment()
                    .getPropertySources()
                    .addFirst(new MapPropertySource("test", PROPERTIES));
                init.initialize(aot);
                aot.refresh();
                ReactiveTokenClient client = aot.getBean(ReactiveTokenClient.class);
                assertThat(client.baseUrl()).isEqualTo("http://127.0.0.1:9/api/v0");
                assertThat(client.toString())
                    .contains("maxAttempts=2")
                    .contains("caller's event loops")
                    .doesNotContain("dyn_aotTestToken0123456789");
                assertThat(aot.getBean(DynamicTokensProperties.class).getApiToken())
                    .isEqualTo("dyn_aotTestToken0123456789");
              }
            });
  }

  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration({SslAutoConfiguration.class, DynamicTokensAutoConfiguration.class})
  static class App {
    @Bean
    ReactorResourceFactory reactorResourceFactory() {
      return new ReactorResourceFactory();
    }
  }
}
