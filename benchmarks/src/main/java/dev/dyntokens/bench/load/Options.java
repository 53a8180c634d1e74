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
    long warmupCalls,
    Duration warmupDuration,
    boolean retries,
    boolean json,
    String html,
    String histogramLog,
    Thresholds thresholds,
    String notePrefix,
    List<String> scopes,
    boolean tls,
    boolean http2) {

  /**
   * The default warm-up against the embedded fake: 5,000 calls, since the JIT compiles after a
   * number of invocations rather than after a time, but at most {@link #DEFAULT_WARMUP_LIMIT} so a
   * slow or busy machine does not spend most of a default run warming up. None against a real API,
   * whose calls create real tokens.
   */
  public static final long DEFAULT_WARMUP_CALLS = 5_000;

  public static final Duration DEFAULT_WARMUP_LIMIT = Duration.ofSeconds(5);

  public static final String USAGE =
      """
      usage: java -cp benchmarks/target/benchmarks.jar dev.dyntokens.bench.LoadDriver [options]
             java -cp benchmarks/target/benchmarks.jar dev.dyntokens.bench.LoadDriver merge FILE...
                  [--html FILE] [--json] [thresholds]   (combine --histogram-log files)

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
        --tls                     fake only: serve HTTPS (HTTP/1.1 or HTTP/2 by ALPN) with a
                                  self-signed certificate made at start; the client trusts it
                                  through the JVM's default trust store (javax.net.ssl.trustStore
                                  is set to a temporary PKCS12 file holding it)
        --http2                   the client offers HTTP/2 by ALPN (http2(true)); needs --tls or
                                  an https --base-url

      model (closed by default)
        --concurrency N           closed model: calls in flight (default 64; 2 for a real API)
        --requests N              calls to make (default 20000; 10 for a real API)
        --duration D              run for D (30s, 2m, 500ms) instead of a number of calls
        --rate R                  open model: R arrivals a second; latency is measured from each
                                  call's intended send time (no coordinated omission)

      client and output
        --warmup N | D            first make N calls, or call for D (2s, 500ms), in the closed
                                  model at --concurrency, unrecorded, so the JIT has compiled the
                                  client (default: 5000 calls or 5 s, whichever ends first,
                                  against the fake; none against a real API); --warmup 0 turns
                                  it off
        --timeout D               the client's response timeout (default 10s)
        --no-retry                RetryPolicy.none() instead of the client's defaults
        --note PREFIX             note prefix of created tokens (default "load-driver")
        --scope VALUE             a scope to request, repeatable (default none)
        --json                    print the summary as JSON on stdout
        --html FILE               write an HTML report with inline SVG charts
        --histogram-log FILE      write HdrHistogram interval logs (HistogramLogWriter format, one
                                  interval a second, microseconds; untagged: every call, tag=KIND:
                                  calls with that outcome) for the merge mode

      thresholds (exit 1 and say which failed; also in merge mode)
        --max-p99 D               p99 latency of all calls at most D (250ms, 1.5s)
        --max-error-rate R        failed calls / calls at most R, 0..1
        --min-throughput N        calls a second (all outcomes) at least N
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
    Long warmupCalls = null;
    Duration warmupDuration = null;
    boolean retries = true;
    boolean json = false;
    String html = null;
    String histogramLog = null;
    Thresholds.Builder thresholds = new Thresholds.Builder();
    String note = "load-driver";
    List<String> scopes = new ArrayList<>();
    boolean tls = false;
    boolean http2 = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--base-url" -> baseUrl = value(args, ++i, a);
        case "--keep" -> keep = true;
        case "--tls" -> tls = true;
        case "--http2" -> http2 = true;
        case "--concurrency" -> concurrency = (int) positive(value(args, ++i, a), a);
        case "--requests" -> requests = positive(value(args, ++i, a), a);
        case "--duration" -> duration = duration(value(args, ++i, a), a);
        case "--rate" -> rate = Double.parseDouble(value(args, ++i, a));
        case "--fault-rate" -> faultRate = Double.parseDouble(value(args, ++i, a));
        case "--faults" -> faults = List.of(value(args, ++i, a).split(","));
        case "--seed" -> seed = Long.parseLong(value(args, ++i, a));
        case "--rate-limit-per-second" -> rateLimit = Integer.parseInt(value(args, ++i, a));
        case "--timeout" -> timeout = duration(value(args, ++i, a), a);
        case "--warmup" -> {
          String v = value(args, ++i, a).trim();
          // A bare number counts calls; a number with a unit is a time.
          if (v.matches("\\d+")) {
            warmupCalls = Long.parseLong(v);
            warmupDuration = null;
          } else {
            warmupDuration = duration(v, a);
            warmupCalls = null;
            if (warmupDuration.isNegative()) {
              throw new IllegalArgumentException("--warmup must not be negative");
            }
          }
        }
        case "--no-retry" -> retries = false;
        case "--json" -> json = true;
        case "--html" -> html = value(args, ++i, a);
        case "--histogram-log" -> histogramLog = value(args, ++i, a);
        case "--note" -> note = value(args, ++i, a);
        case "--scope" -> scopes.add(value(args, ++i, a));
        case "--api-token", "--token" ->
            throw new IllegalArgumentException(
                a + " is not accepted: set the DYNAMIC_API_TOKEN environment variable");
        default -> {
          if (!thresholds.accept(args, i)) {
            throw new IllegalArgumentException("unknown option " + a);
          }
          i++;
        }
      }
    }
    if (faultRate < 0 || faultRate > 1) {
      throw new IllegalArgumentException("--fault-rate must be between 0 and 1");
    }
    if (rate < 0 || rateLimit < 0) {
      throw new IllegalArgumentException("--rate and --rate-limit-per-second must be >= 0");
    }
    boolean real = baseUrl != null;
    if (real && (faultRate > 0 || rateLimit > 0 || !faults.isEmpty() || tls)) {
      throw new IllegalArgumentException(
          "--fault-rate, --faults, --rate-limit-per-second and --tls apply to the embedded fake"
              + " only");
    }
    if (http2 && !(tls || (real && baseUrl.regionMatches(true, 0, "https:", 0, 6)))) {
      throw new IllegalArgumentException(
          "--http2 needs --tls (the embedded fake over HTTPS) or an https --base-url: HTTP/2 is"
              + " agreed by TLS ALPN");
    }
    if (requests == null && duration == null) {
      requests = real ? 10L : 20_000L;
    }
    if (warmupCalls == null && warmupDuration == null && !real) {
      warmupCalls = DEFAULT_WARMUP_CALLS;
      warmupDuration = DEFAULT_WARMUP_LIMIT;
    }
    if (warmupCalls == null) {
      warmupCalls = 0L;
    }
    if (warmupDuration == null) {
      warmupDuration = Duration.ZERO;
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
        warmupCalls,
        warmupDuration,
        retries,
        json,
        html,
        histogramLog,
        thresholds.build(),
        note,
        List.copyOf(scopes),
        tls,
        http2);
  }

  public boolean warmup() {
    return warmupCalls > 0 || !warmupDuration.isZero();
  }

  /** Describes the warm-up in a few words. */
  public String describeWarmup() {
    String time = warmupDuration.toMillis() / 1000.0 + " s";
    if (warmupCalls > 0 && !warmupDuration.isZero()) {
      return String.format(Locale.ROOT, "%,d calls or %s, whichever ends first", warmupCalls, time);
    }
    return warmupCalls > 0 ? String.format(Locale.ROOT, "%,d calls", warmupCalls) : time;
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

  static String value(String[] args, int i, String flag) {
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

  /** Parses 30s, 2m, 500ms, or a bare number of seconds. */
  public static Duration duration(String s, String flag) {
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
