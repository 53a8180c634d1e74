package dev.dyntokens.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dyntokens.RetryPolicy;
import org.junit.jupiter.api.Test;

/**
 * The retry properties repeat {@link RetryPolicy}'s defaults as literals (Spring's configuration
 * processor puts only literal initializers into the metadata IDEs show); this keeps the two equal.
 */
class DynamicTokensPropertiesTest {
  @Test
  void retryPropertyDefaultsAreRetryPolicyDefaults() {
    DynamicTokensProperties.Retry retry = new DynamicTokensProperties().getRetry();
    RetryPolicy policy = RetryPolicy.defaults();

    assertThat(retry.getMaxAttempts()).isEqualTo(policy.maxAttempts());
    assertThat(retry.getInitialBackoff()).isEqualTo(policy.initialBackoff());
    assertThat(retry.getMaxBackoff()).isEqualTo(policy.maxBackoff());
    assertThat(retry.getThrottledBackoff()).isEqualTo(policy.throttledBackoff());
    assertThat(retry.getMaxRetryAfter()).isEqualTo(policy.maxRetryAfter());
    assertThat(retry.getDeadline()).isEqualTo(policy.deadline());
    assertThat(retry.isReconcileCreates()).isEqualTo(policy.reconcileCreates());
    assertThat(retry.isBudgetEnabled()).isEqualTo(policy.budgetEnabled());
    assertThat(retry.getBudgetRatio()).isEqualTo(policy.budgetRatio());
    assertThat(retry.getBudgetMinPerSecond()).isEqualTo(policy.budgetMinPerSecond());
    assertThat(retry.isAdaptiveThrottling()).isEqualTo(policy.adaptiveThrottling());
  }
}
