package dev.dyntokens.testing.junit;

import static java.util.Objects.requireNonNull;

import dev.dyntokens.ReactiveTokenClient;
import dev.dyntokens.testing.FakeDynamicApi;
import dev.dyntokens.testing.FaultPlan;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * Gives tests a running {@link FakeDynamicApi} and a {@link ReactiveTokenClient} pointed at it, as
 * parameters of test methods and of {@code @BeforeEach}, {@code @AfterEach} (and, per class,
 * {@code @BeforeAll} and {@code @AfterAll}) methods. Both are started when first asked for and
 * closed, the client first, when the test (or the class) is done.
 *
 * <pre>{@code
 * @ExtendWith(FakeDynamicApiExtension.class) // a fresh fake for each test
 * class CreateTest {
 *   @Test
 *   void creates(FakeDynamicApi api, ReactiveTokenClient client) {
 *     StepVerifier.create(client.createToken(CreateTokenRequest.of("ci", TokenScope.ALL_READ)))
 *         .expectNextCount(1)
 *         .verifyComplete();
 *     assertThat(api.tokens()).hasSize(1);
 *   }
 * }
 *
 * class LimitsTest {
 *   @RegisterExtension // one fake for the class, configured
 *   static final FakeDynamicApiExtension fake =
 *       FakeDynamicApiExtension.perClass().configure(api -> api.maxLiveTokens(3));
 *
 *   @Test
 *   @WithFaults("firstCreateFails") // this test's fault plan
 *   void retries(ReactiveTokenClient client) { ... }
 * }
 * }</pre>
 *
 * <p>Per test, each test gets a fake of its own, built with its {@link WithFaults} plan if it has
 * one. Per class, the tests of a class share one fake (its tokens and counters too), and before
 * each test its fault plan is {@linkplain FakeDynamicApi#replaceFaults replaced} by the test's
 * {@link WithFaults} plan, or by the plan it was built with, so scripts start over in every test.
 *
 * <p>Registered with {@code @ExtendWith}, it starts a fake per test with the default options; a
 * {@code @RegisterExtension} field chooses and configures. Instances are immutable and may be
 * shared.
 */
public final class FakeDynamicApiExtension implements BeforeEachCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(FakeDynamicApiExtension.class);

  /** Whether tests get a fake each or share one per class. */
  public enum Lifecycle {
    /** A fake for each test (the default). */
    PER_TEST,
    /** One fake for all the tests of a class. */
    PER_CLASS
  }

  private final Lifecycle lifecycle;
  private final Consumer<FakeDynamicApi.Builder> server;
  private final Consumer<ReactiveTokenClient.Builder> client;

  /** A fake per test, with the default options; what {@code @ExtendWith} uses. */
  public FakeDynamicApiExtension() {
    this(Lifecycle.PER_TEST, b -> {}, b -> {});
  }

  private FakeDynamicApiExtension(
      Lifecycle lifecycle,
      Consumer<FakeDynamicApi.Builder> server,
      Consumer<ReactiveTokenClient.Builder> client) {
    this.lifecycle = lifecycle;
    this.server = server;
    this.client = client;
  }

  /** A fake for each test. */
  public static FakeDynamicApiExtension perTest() {
    return new FakeDynamicApiExtension();
  }

  /** One fake for all the tests of a class. */
  public static FakeDynamicApiExtension perClass() {
    return new FakeDynamicApiExtension(Lifecycle.PER_CLASS, b -> {}, b -> {});
  }

  /** This extension with the given lifecycle. */
  public FakeDynamicApiExtension lifecycle(Lifecycle lifecycle) {
    return new FakeDynamicApiExtension(
        requireNonNull(lifecycle, "lifecycle == null"), server, client);
  }

  /**
   * This extension, configuring each fake's builder also with {@code configurer} (after any earlier
   * one); for example {@code configure(api -> api.maxLiveTokens(3).faults(plan))}.
   */
  public FakeDynamicApiExtension configure(Consumer<FakeDynamicApi.Builder> configurer) {
    requireNonNull(configurer, "configurer == null");
    return new FakeDynamicApiExtension(lifecycle, server.andThen(configurer), client);
  }

  /**
   * This extension, configuring each client's builder also with {@code configurer}, after the base
   * URL and API token of the fake are set; for example {@code configureClient(c ->
   * c.retryPolicy(RetryPolicy.none()))}.
   */
  public FakeDynamicApiExtension configureClient(Consumer<ReactiveTokenClient.Builder> configurer) {
    requireNonNull(configurer, "configurer == null");
    return new FakeDynamicApiExtension(lifecycle, server, client.andThen(configurer));
  }

  /** The lifecycle of the fakes. */
  public Lifecycle lifecycle() {
    return lifecycle;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (lifecycle == Lifecycle.PER_CLASS) {
      Fixture fixture = fixture(context);
      FaultPlan plan = faultPlan(context);
      fixture.api().replaceFaults(plan != null ? plan : fixture.initialFaults());
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == FakeDynamicApi.class || type == ReactiveTokenClient.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Fixture fixture = fixture(context);
    return parameter.getParameter().getType() == FakeDynamicApi.class
        ? fixture.api()
        : fixture.client();
  }

  /** The fixture of this test (per test) or of its class (per class), started if need be. */
  private Fixture fixture(ExtensionContext context) {
    ExtensionContext owner = owner(context);
    return owner
        .getStore(NAMESPACE)
        .computeIfAbsent(owner.getUniqueId(), id -> start(owner), Fixture.class);
  }

  private ExtensionContext owner(ExtensionContext context) {
    if (lifecycle == Lifecycle.PER_TEST && context.getTestMethod().isPresent()) {
      return context;
    }
    ExtensionContext owner = context;
    while (owner.getTestMethod().isPresent() && owner.getParent().isPresent()) {
      owner = owner.getParent().get();
    }
    return owner;
  }

  private Fixture start(ExtensionContext owner) {
    FakeDynamicApi.Builder builder = FakeDynamicApi.builder();
    server.accept(builder);
    FaultPlan plan = owner.getTestMethod().isPresent() ? faultPlan(owner) : null;
    if (plan != null) {
      builder.faults(plan);
    }
    FakeDynamicApi api = builder.start();
    return new Fixture(api, api.faults(), client);
  }

  /** The {@link WithFaults} plan of the test (or its class), null if it names none. */
  private static @Nullable FaultPlan faultPlan(ExtensionContext context) {
    Optional<Method> testMethod = context.getTestMethod();
    Optional<WithFaults> annotation =
        testMethod.flatMap(m -> AnnotationSupport.findAnnotation(m, WithFaults.class));
    if (annotation.isEmpty()) {
      annotation =
          context
              .getTestClass()
              .flatMap(c -> AnnotationSupport.findAnnotation(c, WithFaults.class));
    }
    if (annotation.isEmpty()) {
      return null;
    }
    String name = annotation.get().value();
    Class<?> testClass = context.getRequiredTestClass();
    Method method =
        ReflectionSupport.findMethod(testClass, name)
            .orElseThrow(
                () ->
                    new ExtensionConfigurationException(
                        "@WithFaults(\""
                            + name
                            + "\"): no method "
                            + name
                            + "() in "
                            + testClass.getName()));
    if (!FaultPlan.class.isAssignableFrom(method.getReturnType())) {
      throw new ExtensionConfigurationException(
          "@WithFaults(\"" + name + "\"): " + method + " does not return a FaultPlan");
    }
    Object target = null;
    if (!Modifier.isStatic(method.getModifiers())) {
      target =
          context
              .getTestInstance()
              .orElseThrow(
                  () ->
                      new ExtensionConfigurationException(
                          "@WithFaults(\"" + name + "\"): " + method + " must be static here"));
    }
    Object plan = ReflectionSupport.invokeMethod(method, target);
    if (plan == null) {
      throw new ExtensionConfigurationException(
          "@WithFaults(\"" + name + "\"): " + method + " returned null");
    }
    return (FaultPlan) plan;
  }

  /** A fake and, once asked for, its client; closed by JUnit with the context that holds it. */
  private static final class Fixture implements AutoCloseable {
    private final FakeDynamicApi api;
    private final FaultPlan initialFaults;
    private final Consumer<ReactiveTokenClient.Builder> configurer;
    private @Nullable ReactiveTokenClient client;

    Fixture(
        FakeDynamicApi api,
        FaultPlan initialFaults,
        Consumer<ReactiveTokenClient.Builder> configurer) {
      this.api = api;
      this.initialFaults = initialFaults;
      this.configurer = configurer;
    }

    FakeDynamicApi api() {
      return api;
    }

    FaultPlan initialFaults() {
      return initialFaults;
    }

    synchronized ReactiveTokenClient client() {
      ReactiveTokenClient existing = client;
      if (existing != null) {
        return existing;
      }
      ReactiveTokenClient.Builder builder =
          ReactiveTokenClient.builder().baseUrl(api.baseUrl()).apiToken(api.apiToken());
      try {
        configurer.accept(builder);
        ReactiveTokenClient created = builder.build();
        client = created;
        return created;
      } catch (RuntimeException e) {
        throw new ParameterResolutionException("could not build the ReactiveTokenClient", e);
      }
    }

    /** Closes without waiting: each fake has a port of its own, so nothing waits for it. */
    @Override
    public synchronized void close() {
      try {
        ReactiveTokenClient existing = client;
        if (existing != null) {
          existing.close();
        }
      } finally {
        api.close();
      }
    }
  }
}
