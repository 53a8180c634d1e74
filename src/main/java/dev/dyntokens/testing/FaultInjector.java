package dev.dyntokens.testing;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/** A server's running copy of a {@link FaultPlan}: the script positions and the seeded random. */
final class FaultInjector {
  private final FaultPlan plan;
  private final Random random;
  private final List<FaultPlan.Rule> rules;
  private final AtomicInteger[] positions;

  FaultInjector(FaultPlan plan) {
    this.plan = plan;
    this.random = new Random(plan.seed());
    this.rules = plan.rules();
    this.positions = new AtomicInteger[rules.size()];
    for (int i = 0; i < positions.length; i++) {
      positions[i] = new AtomicInteger();
    }
  }

  FaultPlan plan() {
    return plan;
  }

  /** The fault for one request, {@link FaultKind#NONE} for none. */
  FaultKind pick(String method, String path) {
    for (int i = 0; i < rules.size(); i++) {
      FaultPlan.Rule rule = rules.get(i);
      if (!rule.target().matches(method, path)) {
        continue;
      }
      FaultKind kind = rule.scripted() ? step(rule, positions[i]) : draw(rule);
      if (kind != FaultKind.NONE) {
        return kind;
      }
    }
    return FaultKind.NONE;
  }

  private static FaultKind step(FaultPlan.Rule rule, AtomicInteger position) {
    List<FaultKind> script = rule.script();
    if (position.get() >= script.size()) {
      return FaultKind.NONE;
    }
    int index = position.getAndIncrement();
    return index < script.size() ? script.get(index) : FaultKind.NONE;
  }

  private FaultKind draw(FaultPlan.Rule rule) {
    double roll = random.nextDouble();
    double sum = 0;
    for (Map.Entry<FaultKind, Double> entry : rule.probabilities().entrySet()) {
      sum += entry.getValue();
      if (roll < sum) {
        return entry.getKey();
      }
    }
    return FaultKind.NONE;
  }
}
