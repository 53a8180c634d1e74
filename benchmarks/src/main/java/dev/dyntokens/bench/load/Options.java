package dev.dyntokens.bench.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The load driver's command line. The API token of a real target is read from the {@code
 * DYNAMIC_API_TOKEN} environment variable only, never from a flag.
 */
public record Options(
    String baseUrl,
    boolean keep,
    int concurrency,
    long requests,
    Duration duration,
    double rate,
    double faultRate,
    List<String> faults,
    long seed,
    int rateLimitPerSecond,
    Duration timeout,
    long warmup,
    boolean retries,
    boolean json,
    String html,
    String notePrefix,
    List<String> scopes) {

  public static final String USAGE =
      """
      usage: java -cp benchmarks/target/benchmarks.jar dev.dyntokens.bench.LoadDriver [options]

      target (default: an embedded fake API on a loopback port)
        --base-url URL            drive a real API instead; the API token is read from the
                                  DYNAMIC_API_TOKEN environment variable (never a flag)
        --keep                    do not delete the tokens created against a real API
        --fault-rate F            fake only: share of answers that are faults, 0..1 (default 0)
        --faults K1,K2            fake only: fault kinds (FakeDynamicApi FaultKind names) to spread
                                  --fault-rate over (default: every kind that answers at once:
                                  STATUS_500,STATUS_502,STATUS_503,HTML_502,EMPTY_503,
                                  RATE_LIMIT_429,RESET_BEFORE_READ,CREATE_THEN_DROP,
                                  TRUNCATED_BODY,MALFORMED_JSON)
        --seed N                  fake only: seed of the fault plan (default 1)
        --rate-limit-per-second N fake only: answer 429 above N creates a second (default off)

      model (closed by default)
        --concurrency N           closed model: calls in flight (default 64; 2 for a real API)
        --requests N              calls to make (default 20000; 10 for a real API)
        --duration D              run for D (30s, 2m, 500ms) instead of a number of calls
        --rate R                  open model: R arrivals a second; latency is measured from each
                                  call's intended send time (no coordinated omission)

      client and output
        --warmup N                first make N calls (closed model, --concurrency) that are not
                                  recorded, so the JIT has compiled the client (default 0)
        --timeout D               the client's response timeout (default 10s)
        --no-retry                RetryPolicy.none() instead of the client's defaults
        --note PREFIX             note prefix of created tokens (default "load-driver")
        --scope VALUE             a scope to request, repeatable (default none)
        --json                    print the summary as JSON on stdout
        --html FILE               write an HTML report with inline SVG charts
      """;

  public boolean realApi() {
    return baseUrl != null;
  }

  public boolean openModel() {
    return rate > 0;
  }

  /** Parses the arguments; throws IllegalArgumentException with a message on a bad one. */
  public static Options parse(String[] args) {
    String baseUrl = null;
    boolean keep = false;
    Integer concurrency = null;
    Long requests = null;
    Duration duration = null;
    double rate = 0;
    double faultRate = 0;
    List<String> faults = List.of();
    long seed = 1;
    int rateLimit = 0;
    Duration timeout = Duration.ofSeconds(10);
    long warmup = 0;
    boolean retries = true;
    boolean json = false;
    String html = null;
    String note = "load-driver";
    List<String> scopes = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--base-url" -> baseUrl = value(args, ++i, a);
        case "--keep" -> keep = true;
        case "--concurrency" -> concurrency = (int) positive(value(args, ++i, a), a);
        case "--requests" -> requests = positive(value(args, ++i, a), a);
        case "--duration" -> duration = duration(value(args, ++i, a), a);
        case "--rate" -> rate = Double.parseDouble(value(args, ++i, a));
        case "--fault-rate" -> faultRate = Double.parseDouble(value(args, ++i, a));
        case "--faults" -> faults = List.of(value(args, ++i, a).split(","));
        case "--seed" -> seed = Long.parseLong(value(args, ++i, a));
        case "--rate-limit-per-second" -> rateLimit = Integer.parseInt(value(args, ++i, a));
        case "--timeout" -> timeout = duration(value(args, ++i, a), a);
        case "--warmup" -> warmup = positive(value(args, ++i, a), a);
        case "--no-retry" -> retries = false;
        case "--json" -> json = true;
        case "--html" -> html = value(args, ++i, a);
        case "--note" -> note = value(args, ++i, a);
        case "--scope" -> scopes.add(value(args, ++i, a));
        case "--api-token", "--token" ->
            throw new IllegalArgumentException(
                a + " is not accepted: set the DYNAMIC_API_TOKEN environment variable");
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    if (faultRate < 0 || faultRate > 1) {
      throw new IllegalArgumentException("--fault-rate must be between 0 and 1");
    }
    if (rate < 0 || rateLimit < 0) {
      throw new IllegalArgumentException("--rate and --rate-limit-per-second must be >= 0");
    }
    boolean real = baseUrl != null;
    if (real && (faultRate > 0 || rateLimit > 0 || !faults.isEmpty())) {
      throw new IllegalArgumentException(
          "--fault-rate, --faults and --rate-limit-per-second apply to the embedded fake only");
    }
    if (requests == null && duration == null) {
      requests = real ? 10L : 20_000L;
    }
    return new Options(
        baseUrl,
        keep,
        concurrency != null ? concurrency : real ? 2 : 64,
        requests == null ? -1 : requests,
        duration,
        rate,
        faultRate,
        faults,
        seed,
        rateLimit,
        timeout,
        warmup,
        retries,
        json,
        html,
        note,
        List.copyOf(scopes));
  }

  /** Describes the model in one line. */
  public String describeModel() {
    String bound =
        requests > 0
            ? String.format(Locale.ROOT, "%,d requests", requests)
            : "for " + duration.toMillis() / 1000.0 + " s";
    return openModel()
        ? String.format(Locale.ROOT, "open, %.0f arrivals/s, %s", rate, bound)
        : String.format(Locale.ROOT, "closed, concurrency %d, %s", concurrency, bound);
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }

  private static long positive(String s, String flag) {
    long v = Long.parseLong(s);
    if (v < 1) {
      throw new IllegalArgumentException(flag + " must be at least 1");
    }
    return v;
  }

  static Duration duration(String s, String flag) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      }
      if (t.endsWith("s")) {
        return Duration.ofMillis((long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
      }
      if (t.endsWith("m")) {
        return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)) * 60);
      }
      return Duration.ofMillis((long) (Double.parseDouble(t) * 1000));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + ": not a duration: " + s);
    }
  }
}
