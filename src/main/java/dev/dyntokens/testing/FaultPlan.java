package dev.dyntokens.testing;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Which faults {@link FakeDynamicApi} injects into which requests: an immutable, reusable value.
 *
 * <p>A plan is a list of rules, each for a {@link Target} (a method and a path pattern). A request
 * is checked against the rules in the order they were added; the first matching rule that picks a
 * fault decides. A <em>random</em> rule picks each {@link FaultKind} with its probability (from a
 * {@link java.util.Random} seeded with {@link #seed()}, so a single-threaded run is reproducible).
 * A <em>scripted</em> rule hands its steps to the matching requests in order (use {@link
 * FaultKind#NONE} for a request that goes through) and picks nothing once the steps are used up.
 *
 * <pre>{@code
 * FaultPlan.builder().script(Target.CREATE, FaultKind.STATUS_503, FaultKind.NONE).build();
 * FaultPlan.builder().seed(7).random(Target.ALL, FaultKind.RESET_BEFORE_READ, 0.05).build();
 * }</pre>
 *
 * <p>Script positions live in the server, so every server started with a plan starts each script
 * from its first step.
 */
public final class FaultPlan {
  private static final FaultPlan NONE = builder().build();

  private final long seed;
  private final Duration delay;
  private final int oversizedBytes;
  private final List<Rule> rules;

  private FaultPlan(Builder builder) {
    this.seed = builder.seed;
    this.delay = builder.delay;
    this.oversizedBytes = builder.oversizedBytes;
    List<Rule> copy = new ArrayList<>();
    builder.rules.forEach(r -> copy.add(r.freeze()));
    this.rules = List.copyOf(copy);
  }

  /** A plan without faults. */
  public static FaultPlan none() {
    return NONE;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * A plan that injects a fault into {@code rate} of all requests (0 to 1), spread evenly over
   * {@code kinds}.
   */
  public static FaultPlan uniform(double rate, long seed, FaultKind... kinds) {
    requireNonNull(kinds, "kinds == null");
    if (kinds.length == 0) {
      throw new IllegalArgumentException("no fault kinds");
    }
    Builder builder = builder().seed(seed);
    for (FaultKind kind : kinds) {
      builder.random(Target.ALL, kind, rate / kinds.length);
    }
    return builder.build();
  }

  /** Seed of the random rules. */
  public long seed() {
    return seed;
  }

  /** How long {@link FaultKind#DELAY} holds the answer. Default 2 s. */
  public Duration delay() {
    return delay;
  }

  /** Size of an {@link FaultKind#OVERSIZED_BODY} answer in bytes. Default 2 MiB. */
  public int oversizedBytes() {
    return oversizedBytes;
  }

  /** Whether the plan has no rules. */
  public boolean isEmpty() {
    return rules.isEmpty();
  }

  List<Rule> rules() {
    return rules;
  }

  @Override
  public String toString() {
    return "FaultPlan[seed=" + seed + ", delay=" + delay + ", rules=" + rules + "]";
  }

  /**
   * The requests a rule applies to: an HTTP method (or any) and a regular expression the path must
   * match in full. The path is relative to the base path, without query, for example {@code
   * /user/tokens} or {@code /environments/env-1/tokens/1b4e...}.
   */
  public static final class Target {
    /** Every request. */
    public static final Target ALL = new Target(null, ".*");

    /** Creates, of user and environment tokens. */
    public static final Target CREATE = new Target("POST", ".*/tokens");

    /** Lists, of user and environment tokens. */
    public static final Target LIST = new Target("GET", ".*/tokens");

    /** Deletes, of user and environment tokens. */
    public static final Target DELETE = new Target("DELETE", ".*/tokens/[^/]+");

    /** Introspections of the API token in use, {@code GET /tokens/me}. */
    public static final Target CURRENT = new Target("GET", "/tokens/me");

    private final @Nullable String method;
    private final String pathRegex;
    private final Pattern pattern;

    private Target(@Nullable String method, String pathRegex) {
      this.method = method;
      this.pathRegex = pathRegex;
      this.pattern = Pattern.compile(pathRegex);
    }

    /**
     * Requests with this method (null for any) whose path matches {@code pathRegex} in full.
     *
     * @throws java.util.regex.PatternSyntaxException if the expression is invalid
     */
    public static Target of(@Nullable String method, String pathRegex) {
      requireNonNull(pathRegex, "pathRegex == null");
      return new Target(method, pathRegex);
    }

    /** Whether a request with this method and path (relative to the base path) is targeted. */
    public boolean matches(String method, String path) {
      return (this.method == null || this.method.equalsIgnoreCase(method))
          && pattern.matcher(path).matches();
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Target other
          && Objects.equals(other.method, method)
          && other.pathRegex.equals(pathRegex);
    }

    @Override
    public int hashCode() {
      return Objects.hash(method, pathRegex);
    }

    @Override
    public String toString() {
      return (method == null ? "*" : method) + " " + pathRegex;
    }
  }

  /** A rule: either probabilities per kind or a script of steps. */
  record Rule(Target target, Map<FaultKind, Double> probabilities, List<FaultKind> script) {
    Rule freeze() {
      Map<FaultKind, Double> copy = new EnumMap<>(FaultKind.class);
      copy.putAll(probabilities);
      return new Rule(target, Collections.unmodifiableMap(copy), List.copyOf(script));
    }

    boolean scripted() {
      return !script.isEmpty();
    }
  }

  /** Builds a {@link FaultPlan}. */
  public static final class Builder {
    private long seed = 42;
    private Duration delay = Duration.ofSeconds(2);
    private int oversizedBytes = 2 * 1024 * 1024;
    private final List<Rule> rules = new ArrayList<>();
    private final Map<Target, Rule> randomRules = new LinkedHashMap<>();

    private Builder() {}

    /** Seed of the random rules. Default 42. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** How long {@link FaultKind#DELAY} holds the answer, 0 to 10 minutes. Default 2 s. */
    public Builder delay(Duration delay) {
      requireNonNull(delay, "delay == null");
      if (delay.isNegative() || delay.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException("delay must be 0 to 10 minutes but was " + delay);
      }
      this.delay = delay;
      return this;
    }

    /** Size of an {@link FaultKind#OVERSIZED_BODY} answer, 1 KiB to 256 MiB. Default 2 MiB. */
    public Builder oversizedBytes(int oversizedBytes) {
      if (oversizedBytes < 1024 || oversizedBytes > 256 * 1024 * 1024) {
        throw new IllegalArgumentException("oversizedBytes must be 1 KiB to 256 MiB");
      }
      this.oversizedBytes = oversizedBytes;
      return this;
    }

    /**
     * Injects {@code kind} into requests of {@code target} with this probability. Calls for the
     * same target add to one random rule, whose probabilities must sum to at most 1.
     */
    public Builder random(Target target, FaultKind kind, double probability) {
      requireNonNull(target, "target == null");
      requireNonNull(kind, "kind == null");
      if (!(probability >= 0 && probability <= 1)) {
        throw new IllegalArgumentException("probability must be 0 to 1 but was " + probability);
      }
      Rule rule =
          randomRules.computeIfAbsent(
              target,
              t -> {
                Rule r = new Rule(t, new EnumMap<>(FaultKind.class), List.of());
                rules.add(r);
                return r;
              });
      rule.probabilities().merge(kind, probability, Double::sum);
      double sum = rule.probabilities().values().stream().mapToDouble(d -> d).sum();
      if (sum > 1 + 1e-9) {
        throw new IllegalArgumentException("probabilities for " + target + " sum to " + sum);
      }
      return this;
    }

    /**
     * Hands {@code steps} in order to the requests of {@code target}, one each; {@link
     * FaultKind#NONE} lets a request through. After the last step the rule injects nothing.
     */
    public Builder script(Target target, FaultKind... steps) {
      requireNonNull(target, "target == null");
      requireNonNull(steps, "steps == null");
      if (steps.length == 0) {
        throw new IllegalArgumentException("no steps");
      }
      List<FaultKind> script = new ArrayList<>();
      for (FaultKind step : steps) {
        script.add(requireNonNull(step, "step == null"));
      }
      rules.add(new Rule(target, Map.of(), script));
      return this;
    }

    public FaultPlan build() {
      return new FaultPlan(this);
    }
  }
}
