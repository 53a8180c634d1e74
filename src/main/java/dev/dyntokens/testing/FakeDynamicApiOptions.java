package dev.dyntokens.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The command-line options of the fake, parsed into a {@link FakeDynamicApi.Builder}; the program
 * that serves with them until killed is {@code dev.dyntokens.bench.FakeApiServer} in {@code
 * benchmarks/}, so the library itself never writes to the console.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.dyntokens.bench.FakeApiServer \
 *     --port 8080 --rate-limit-per-minute 1500 --fault-rate 0.2
 * </pre>
 *
 * <p>Options: {@code --port N} (default 8080, 0 for ephemeral), {@code --base-path}, {@code
 * --api-token}, {@code --read-only-api-token}, {@code --rate-limit-per-minute N} (per client),
 * {@code --rate-limit-per-minute-per-environment N}, {@code --rate-limit-per-second N}, {@code
 * --max-live-tokens N}, {@code --known-scopes SCOPE,...} (the scopes a create may ask for), {@code
 * --fault-rate R} (0 to 1, spread over {@code --faults KIND,...}), {@code --fault-seed N}, {@code
 * --delay-ms N}, {@code --no-validation}, {@code --no-store}, {@code --threads N}, {@code
 * --trust-forwarded-for} (the per-client limit keys on {@code X-Forwarded-For}), {@code
 * --max-request-body-bytes N}, {@code --tls} (HTTPS with a self-signed certificate made at start,
 * see {@link FakeTls#selfSigned()}).
 */
public final class FakeDynamicApiOptions {
  /** Faults spread over by {@code --fault-rate} unless {@code --faults} names others. */
  static final List<FaultKind> DEFAULT_FAULTS =
      List.of(
          FaultKind.STATUS_503,
          FaultKind.HTML_502,
          FaultKind.RATE_LIMIT_429,
          FaultKind.DELAY,
          FaultKind.RESET_BEFORE_READ);

  /** The options, one per line, for a usage message. */
  public static final String USAGE =
      String.join(
          "\n",
          "usage: FakeApiServer [options]",
          "  --port N                               port, 0 for ephemeral (default 8080)",
          "  --base-path PATH                       default /api/v0",
          "  --api-token TOKEN                      the valid bearer token",
          "  --read-only-api-token TOKEN            a token that gets 403 on create/delete",
          "  --rate-limit-per-minute N              per client IP, 0 = off",
          "  --rate-limit-per-minute-per-environment N",
          "  --rate-limit-per-second N              whole server, 0 = off",
          "  --max-live-tokens N",
          "  --known-scopes SCOPE,SCOPE             scopes a create may ask for (default all",
          "                                         the client knows)",
          "  --fault-rate R                         0..1 of requests get a fault",
          "  --faults KIND,KIND                     kinds for --fault-rate (default "
              + DEFAULT_FAULTS
              + ")",
          "  --fault-seed N                         default 42",
          "  --delay-ms N                           duration of DELAY faults (default 2000)",
          "  --no-validation                        fast mode: no auth/validation",
          "  --no-store                             keep no tokens (flat memory)",
          "  --threads N                            event-loop threads (default 1)",
          "  --trust-forwarded-for                  per-client limit keys on X-Forwarded-For",
          "  --max-request-body-bytes N             larger bodies get 413 (default 65536)",
          "  --tls                                  HTTPS (HTTP/2 and HTTP/1.1 by ALPN) with a",
          "                                         self-signed certificate made at start");

  private FakeDynamicApiOptions() {}

  /**
   * Parses the options into a builder (daemon threads, port 8080 unless given).
   *
   * @throws IllegalArgumentException naming the option that is unknown, incomplete or out of range
   */
  public static FakeDynamicApi.Builder parse(String[] args) {
    FakeDynamicApi.Builder builder = FakeDynamicApi.builder().port(8080);
    double faultRate = 0;
    long seed = 42;
    Duration delay = Duration.ofSeconds(2);
    List<FaultKind> kinds = DEFAULT_FAULTS;
    for (int i = 0; i < args.length; i++) {
      String option = args[i];
      if (flag(builder, option)) {
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value for " + option);
      }
      String value = args[++i];
      switch (option) {
        case "--port" -> builder.port(integer(option, value));
        case "--base-path" -> builder.basePath(value);
        case "--api-token" -> builder.apiToken(value);
        case "--read-only-api-token" -> builder.readOnlyApiToken(value);
        case "--rate-limit-per-minute" ->
            builder.rateLimitPerMinutePerClient(integer(option, value));
        case "--rate-limit-per-minute-per-environment" ->
            builder.rateLimitPerMinutePerEnvironment(integer(option, value));
        case "--rate-limit-per-second" -> builder.rateLimitPerSecond(integer(option, value));
        case "--max-live-tokens" -> builder.maxLiveTokens(integer(option, value));
        case "--known-scopes" -> builder.knownScopes(scopes(option, value));
        case "--fault-rate" -> faultRate = number(option, value);
        case "--faults" -> kinds = kinds(value);
        case "--fault-seed" -> seed = integer(option, value);
        case "--delay-ms" -> delay = Duration.ofMillis(integer(option, value));
        case "--threads" -> builder.eventLoopThreads(integer(option, value));
        case "--max-request-body-bytes" -> builder.maxRequestBodyBytes(integer(option, value));
        default -> throw new IllegalArgumentException("unknown option " + option);
      }
    }
    if (faultRate > 0) {
      FaultPlan.Builder plan = FaultPlan.builder().seed(seed).delay(delay);
      for (FaultKind kind : kinds) {
        plan.random(FaultPlan.Target.ALL, kind, faultRate / kinds.size());
      }
      builder.faults(plan.build());
    }
    return builder;
  }

  /** Applies an option without a value; false if {@code option} is not one. */
  private static boolean flag(FakeDynamicApi.Builder builder, String option) {
    switch (option) {
      case "--no-validation" -> builder.validation(false);
      case "--no-store" -> builder.storeTokens(false);
      case "--trust-forwarded-for" -> builder.trustForwardedFor(true);
      case "--tls" -> builder.tls(FakeTls.selfSigned());
      case "--help", "-h" -> throw new IllegalArgumentException("help");
      default -> {
        return false;
      }
    }
    return true;
  }

  private static List<FaultKind> kinds(String value) {
    List<FaultKind> kinds = new ArrayList<>();
    for (String name : value.split(",", -1)) {
      try {
        kinds.add(FaultKind.valueOf(name.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown fault kind " + name, e);
      }
    }
    return List.copyOf(kinds);
  }

  private static Set<String> scopes(String option, String value) {
    Set<String> scopes = new LinkedHashSet<>();
    for (String scope : value.split(",", -1)) {
      if (scope.isBlank()) {
        throw new IllegalArgumentException(option + " has a blank scope in " + value);
      }
      scopes.add(scope.trim());
    }
    return scopes;
  }

  private static int integer(String option, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " needs an integer but got " + value, e);
    }
  }

  private static double number(String option, String value) {
    try {
      double number = Double.parseDouble(value);
      if (!(number >= 0 && number <= 1)) {
        throw new IllegalArgumentException(option + " must be 0 to 1 but was " + value);
      }
      return number;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " needs a number but got " + value, e);
    }
  }
}
