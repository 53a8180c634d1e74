package dev.dyntokens.testing.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The {@link dev.dyntokens.testing.FaultPlan} the {@link FakeDynamicApiExtension}'s fake plays in a
 * test: {@link #value()} names a method of the test class, static or not, without parameters, that
 * returns it. On a test method it applies to that test, on a class to each of its tests that has
 * none of its own.
 *
 * <pre>{@code
 * @Test
 * @WithFaults("firstCreateFails")
 * void retriesAfterA503(ReactiveTokenClient client) { ... }
 *
 * static FaultPlan firstCreateFails() {
 *   return FaultPlan.builder().script(FaultPlan.Target.CREATE, FaultKind.STATUS_503).build();
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface WithFaults {
  /** The name of the method that returns the fault plan. */
  String value();
}
