package dev.dyntokens;

import static dev.dyntokens.HttpBytes.ascii;
import static dev.dyntokens.HttpBytes.chunkedBody;
import static dev.dyntokens.HttpBytes.chunkedResponse;
import static dev.dyntokens.HttpBytes.concat;
import static dev.dyntokens.HttpBytes.indexOf;
import static dev.dyntokens.HttpBytes.jsonHeaders;
import static dev.dyntokens.HttpBytes.randomBytes;
import static dev.dyntokens.HttpBytes.response;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dyntokens.RawHttpServer.End;
import dev.dyntokens.RawHttpServer.Part;
import dev.dyntokens.RawHttpServer.Script;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Signal;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;
import reactor.test.StepVerifier;

/**
 * Hostile servers: a seeded generator of broken, lying and malicious HTTP answers (status lines,
 * headers, framing, bodies, every truncation of the documented answer, connections dropped or
 * stalled mid-body), each served byte for byte by a raw TCP server. Whatever the server does, a
 * call ends in time with either a fully valid result or a typed {@link TokenClientException} with a
 * message, and the run leaves memory where it found it.
 *
 * <p>The cases are served as one run that starts with the class: {@link #WORKERS} workers, case
 * {@code i} on worker {@code i % WORKERS} in the order of their index, so that on a pooled
 * connection each case meets whatever the one before it left. One parameterized test per {@link
 * Family} has an invocation per case of that family, which reports how the case ended; the last
 * test checks the run as a whole.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
// An invocation waits for its case, which a loaded machine may serve minutes after the run began.
@org.junit.jupiter.api.Timeout(value = 11, unit = TimeUnit.MINUTES)
class HostileResponseFuzzTest {
  static final long SEED = 0x5EEDD1CE2026L;
  static final int CASES = Integer.getInteger("fuzz.cases", 3000);
  static final int WORKERS = 8;

  /** The last workers use a pooled connection, kept alive across answers, so cases can taint it. */
  static final int POOLED_WORKERS = 2;

  static final Duration RESPONSE_TIMEOUT = Duration.ofMillis(400);
  static final Duration VERIFY = Duration.ofSeconds(10);

  /**
   * How long after its start the run may take to serve every case: a guard against a hang, not a
   * speed goal. The run takes about 50 s on a quiet 2-core machine and over 160 s with other builds
   * beside it, so the guard is far beyond both.
   */
  static final Duration RUN_BUDGET = Duration.ofMinutes(10);

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final byte[] CREATED = Fixtures.CREATED_BODY.getBytes(UTF_8);
  private static final byte[] LISTED = Fixtures.LIST_BODY.getBytes(UTF_8);

  enum Op {
    CREATE,
    LIST,
    DELETE
  }

  /** What a case must end in; ANY still requires a valid result or a typed error. */
  enum Expect {
    ANY,
    SUCCESS,
    DECODING_ERROR,
    CLOSED,
    TIMEOUT,
    API_ERROR
  }

  /**
   * The part of the answer a case breaks ({@code CONTROL}: none), with one generator below and one
   * parameterized test above each.
   */
  enum Family {
    TRUNCATION,
    CONTROL,
    STATUS,
    HEADERS,
    LENGTH,
    CHUNKED,
    BODY,
    FIELD,
    CLOSE_MIDWAY,
    STALL,
    INFORMATIONAL,
    TRAILING_GARBAGE
  }

  record Case(int index, String kind, Op op, Script script, Expect expect, int status) {
    @Override
    public String toString() {
      return "case " + index + " (" + kind + ", " + op + ", expect " + expect + ")";
    }
  }

  /**
   * A case as its test is named, without its script: a test's arguments may live as long as JUnit's
   * record of the test, which the heap check would count.
   */
  record Label(int index, String kind, Op op, Expect expect) {
    static Label of(Case c) {
      return new Label(c.index(), c.kind(), c.op(), c.expect());
    }

    @Override
    public String toString() {
      return "case "
          + index
          + " ("
          + kind
          + ", "
          + op
          + ", expect "
          + expect
          + (pooled(index) ? ", pooled connection: only a valid result or a typed error" : "")
          + ")";
    }
  }

  /** Whether case {@code i} runs on a pooled connection, where its expectation is not checked. */
  static boolean pooled(int i) {
    return i % WORKERS >= WORKERS - POOLED_WORKERS;
  }

  private static @Nullable Run fuzzRun;

  @BeforeAll
  static void startServingEveryCase() throws Exception {
    fuzzRun = new Run();
  }

  @AfterAll
  static void stopServing() throws Exception {
    if (fuzzRun != null) {
      fuzzRun.close();
      fuzzRun = null;
    }
  }

  // ---- one test per family, one invocation per case ----

  @Order(1)
  @ParameterizedTest(name = "{0}", allowZeroInvocations = true)
  @MethodSource("truncations")
  void aDocumentedAnswerCutAtAnyByteFailsAsADecodingErrorOrAClosedConnection(Label c)
      throws Exception {
    assertKeptTheContract(c);
  }

  @Order(2)
  @ParameterizedTest(name = "{0}", allowZeroInvocations = true)
  @MethodSource("controls")
  void aValidAnswerSucceedsWhateverItsFramingSplitOrContentType(Label c) throws Exception {
    assertKeptTheContract(c);
  }

  @Order(3)
  @ParameterizedTest(name = "{0}", allowZeroInvocations = true)
  @MethodSource("statuses")
  void anyStatusLineEndsInAValidResultOrATypedErrorAndAnErrorStatusInItsException(Label c)
      throws Exception {
    assertKeptTheContract(c);
  }

  @Order(4)
  @ParameterizedTest(name = "{0}", allowZeroInvocations = true)
  @MethodSource("headers")
  void absurdOversizedOrMalformedHeadersEndInAValidResultOrATypedError(Label c) throws Exception {
    assertKeptTheContract(c);
  }

  @Order(5)
  @ParameterizedTest(name = "{0}", allowZeroInvocations = true)
  @MethodSource("lengths")
  void aLyingOrGarbledContentLengthEndsInAValidResultOrATypedError(Label c) throws Exception {
    assertKeptTheContract(c);
  }

  @Order(6)
  @ParameterizedTest(name = "{0}", allowZeroInvocations = true)
  @MethodSource("chunkings")
  void brokenChunkedFramingEndsInAValidResultOrATypedError(Label c) throws Exception {
    assertKeptTheContract(c);
  }

  @Order(7)
  @ParameterizedTest(name = "{0}", allowZeroInvocations = true)
  @MethodSource("bodies")
  void aMalformedOrStrangelyEncodedJsonBodyEndsInAValidResultOrATypedError(Label c)
      throws Exception {
    assertKeptTheContract(c);
  }

  @Order(8)
  @ParameterizedTest(name = "{0}", allowZeroInvocations = true)
  @MethodSource("fields")
  void aTokenFieldMissingNullOrOfTheWrongTypeEndsInAValidResultOrATypedError(Label c)
      throws Exception {
    assertKeptTheContract(c);
  }

  @Order(9)
  @ParameterizedTest(name = "{0}", allowZeroInvocations = true)
  @MethodSource("closesMidway")
  void aConnectionClosedOrResetMidAnswerFailsAsAClosedConnection(Label c) throws Exception {
    assertKeptTheContract(c);
  }

  @Order(10)
  @ParameterizedTest(name = "{0}", allowZeroInvocations = true)
  @MethodSource("stalls")
  void anAnswerThatStopsMidwayTimesOut(Label c) throws Exception {
    assertKeptTheContract(c);
  }

  @Order(11)
  @ParameterizedTest(name = "{0}", allowZeroInvocations = true)
  @MethodSource("informationals")
  void anInterimAnswerIsSkippedForTheFinalOneOrTimesOutWithoutIt(Label c) throws Exception {
    assertKeptTheContract(c);
  }

  @Order(12)
  @ParameterizedTest(name = "{0}", allowZeroInvocations = true)
  @MethodSource("trailingGarbage")
  void bytesAfterTheAnswerEndInAValidResultOrATypedError(Label c) throws Exception {
    assertKeptTheContract(c);
  }

  @Order(13)
  @Test
  void everyCaseIsTriedValidAnswersStillSucceedAndNoMemoryIsKept() throws Exception {
    Run r = serving();
    r.finish();
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - r.start);
    long heapAfter = usedHeapAfterGc();
    long growthKiB = (heapAfter - r.heapBefore) / 1024;

    long tried = r.outcomes.values().stream().mapToLong(LongAdder::sum).sum();
    Map<String, Long> errors = new TreeMap<>();
    r.outcomes.forEach(
        (k, v) -> {
          if (!k.equals("success")) {
            errors.put(k, v.sum());
          }
        });
    Map<String, Long> byKind = new TreeMap<>();
    r.kinds.forEach((k, v) -> byKind.put(k, v.sum()));
    String summary =
        "hostile responses tried: "
            + tried
            + ", successes: "
            + r.successes.sum()
            + ", typed errors by class: "
            + errors
            + "\n  seed "
            + Long.toHexString(SEED)
            + ", cases by kind: "
            + byKind
            + ", outcome checked against a strict expectation: "
            + r.strictChecks.sum()
            + ", run again after a timeout: "
            + r.rerunsAfterTimeout.sum()
            + ", failures: "
            + r.failures.size()
            + ", wall time "
            + seconds
            + " s, heap growth after GC "
            + growthKiB
            + " KiB";
    System.out.println(summary);
    Map<String, Long> timeByKind = new TreeMap<>();
    r.millisByKind.forEach((k, v) -> timeByKind.put(k, v.sum()));
    System.out.println("  milliseconds by kind: " + timeByKind);
    Path out = Path.of("target", "reliability", "fuzz.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, summary + "\n");

    // Each case's own test checks that it kept the contract.
    assertThat(tried).isEqualTo(CASES);
    assertThat(r.successes.sum()).as("valid answers still succeed").isGreaterThan(100);
    // 3,000 answers of up to 2 MiB each went through; none of it may stay reachable.
    assertThat(heapAfter - r.heapBefore).as("heap growth").isLessThan(16L << 20);
  }

  static Stream<Label> truncations() {
    return labels(Family.TRUNCATION);
  }

  static Stream<Label> controls() {
    return labels(Family.CONTROL);
  }

  static Stream<Label> statuses() {
    return labels(Family.STATUS);
  }

  static Stream<Label> headers() {
    return labels(Family.HEADERS);
  }

  static Stream<Label> lengths() {
    return labels(Family.LENGTH);
  }

  static Stream<Label> chunkings() {
    return labels(Family.CHUNKED);
  }

  static Stream<Label> bodies() {
    return labels(Family.BODY);
  }

  static Stream<Label> fields() {
    return labels(Family.FIELD);
  }

  static Stream<Label> closesMidway() {
    return labels(Family.CLOSE_MIDWAY);
  }

  static Stream<Label> stalls() {
    return labels(Family.STALL);
  }

  static Stream<Label> informationals() {
    return labels(Family.INFORMATIONAL);
  }

  static Stream<Label> trailingGarbage() {
    return labels(Family.TRAILING_GARBAGE);
  }

  /**
   * The family's cases, each named by the worker that generated it: JUnit takes them one by one, so
   * each invocation starts once the run has reached its case.
   */
  private static Stream<Label> labels(Family family) {
    Run r = serving();
    return IntStream.range(0, CASES).filter(i -> family(i) == family).mapToObj(r::label);
  }

  private static void assertKeptTheContract(Label c) throws Exception {
    assertThat(serving().verdict(c).failure()).as("what the case broke").isNull();
  }

  private static Run serving() {
    return Objects.requireNonNull(fuzzRun, "the run starts in @BeforeAll");
  }

  // ---- the run ----

  /** How a case ended: the outcome counted for the summary, and what it broke, if anything. */
  record Verdict(String outcome, @Nullable String failure) {}

  /** Every case, served by the workers from the start of the class on. */
  private static final class Run {
    final long heapBefore;
    final long start;
    final long deadline;
    final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    final Map<String, LongAdder> kinds = new ConcurrentHashMap<>();
    final Map<String, LongAdder> millisByKind = new ConcurrentHashMap<>();
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    final LongAdder successes = new LongAdder();
    final LongAdder strictChecks = new LongAdder();
    final LongAdder rerunsAfterTimeout = new LongAdder();
    private final List<CompletableFuture<Label>> labels = new ArrayList<>();
    private final List<CompletableFuture<Verdict>> verdicts = new ArrayList<>();
    private final LoopResources loops = LoopResources.create("fuzz-client", 2, true);
    private final ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<Future<?>> done = new ArrayList<>();
    private boolean closed;

    Run() throws Exception {
      heapBefore = usedHeapAfterGc();
      start = System.nanoTime();
      deadline = start + RUN_BUDGET.toNanos();
      for (int i = 0; i < CASES; i++) {
        labels.add(new CompletableFuture<>());
        verdicts.add(new CompletableFuture<>());
      }
      try {
        for (int w = 0; w < WORKERS; w++) {
          serve(w);
        }
      } catch (Exception | Error e) {
        close();
        throw e;
      }
    }

    private void serve(int worker) throws IOException {
      boolean pooled = pooled(worker);
      RawHttpServer server = new RawHttpServer();
      ConnectionProvider provider =
          pooled
              ? ConnectionProvider.create("fuzz-" + worker, 2)
              : ConnectionProvider.newConnection();
      ReactiveTokenClient client =
          ReactiveTokenClient.builder()
              .baseUrl(server.baseUrl())
              .apiToken(Fixtures.API_TOKEN)
              .retryPolicy(RetryPolicy.none())
              .responseTimeout(RESPONSE_TIMEOUT)
              .connectTimeout(Duration.ofSeconds(2))
              .httpClient(HttpClient.create(provider).runOn(loops))
              .build();
      ReactiveTokenClient patient =
          ReactiveTokenClient.builder()
              .baseUrl(server.baseUrl())
              .apiToken(Fixtures.API_TOKEN)
              .retryPolicy(RetryPolicy.none())
              .responseTimeout(VERIFY.dividedBy(2))
              .httpClient(HttpClient.create(provider).runOn(loops))
              .build();
      resources.add(server);
      resources.add(client);
      resources.add(patient);
      resources.add(() -> provider.disposeLater().block(Duration.ofSeconds(5)));
      done.add(
          workers.submit(
              () -> {
                int i = worker;
                try {
                  warmUp(server, client);
                  for (; i < CASES; i += WORKERS) {
                    Case c = generate(i);
                    labels.get(i).complete(Label.of(c));
                    kinds.computeIfAbsent(c.kind(), k -> new LongAdder()).increment();
                    server.answer(c.script());
                    long t0 = System.nanoTime();
                    Verdict v = run(client, patient, c, !pooled, rerunsAfterTimeout);
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    millisByKind.computeIfAbsent(c.kind(), k -> new LongAdder()).add(ms);
                    outcomes.computeIfAbsent(v.outcome(), k -> new LongAdder()).increment();
                    if (v.outcome().equals("success")) {
                      successes.increment();
                    }
                    if (!pooled && c.expect() != Expect.ANY) {
                      strictChecks.increment();
                    }
                    if (v.failure() != null) {
                      failures.add(v.failure());
                    }
                    verdicts.get(i).complete(v);
                  }
                } catch (RuntimeException | Error e) {
                  // The worker stops: its remaining cases get no verdict but this error.
                  for (int j = i; j < CASES; j += WORKERS) {
                    labels.get(j).completeExceptionally(e);
                    verdicts.get(j).completeExceptionally(e);
                  }
                  throw e;
                }
                return null;
              }));
    }

    /**
     * Case {@code i}'s label, once its worker has generated it; generated here if the worker
     * stopped or did not reach it in time, so that its test can tell.
     */
    Label label(int i) {
      try {
        return labels.get(i).get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Label.of(generate(i));
      } catch (ExecutionException | TimeoutException e) {
        return Label.of(generate(i));
      }
    }

    /** Case {@code c}'s verdict, once its worker has served it. */
    Verdict verdict(Label c) throws InterruptedException, ExecutionException {
      try {
        return verdicts.get(c.index()).get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        throw new AssertionError(
            c + ": no outcome within " + RUN_BUDGET.toSeconds() + " s of the run's start", e);
      }
    }

    /** Waits for every worker to end, then releases the servers, clients and event loops. */
    void finish() throws Exception {
      try {
        for (Future<?> f : done) {
          f.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        }
      } finally {
        close();
      }
    }

    void close() throws Exception {
      if (closed) {
        return;
      }
      closed = true;
      workers.shutdownNow();
      // Released before the heap check, which is about the client, not about this bookkeeping.
      labels.clear();
      verdicts.clear();
      for (AutoCloseable r : resources) {
        r.close();
      }
      resources.clear();
      loops.disposeLater(Duration.ZERO, Duration.ofSeconds(2)).block(Duration.ofSeconds(5));
    }
  }

  // ---- running one case ----

  /** Valid exchanges before the run, so that the first cases do not time out on a cold JVM. */
  private static void warmUp(RawHttpServer server, ReactiveTokenClient client) {
    server.answer(
        Script.of(response("HTTP/1.1 200 OK", jsonHeaders(CREATED.length), CREATED), End.KEEP));
    for (int j = 0; j < 20; j++) {
      client
          .createToken(CreateTokenRequest.of("warm-up"))
          .onErrorResume(e -> Mono.empty())
          .block(VERIFY);
    }
  }

  private static Verdict run(
      ReactiveTokenClient client,
      ReactiveTokenClient patient,
      Case c,
      boolean strict,
      LongAdder rerunsAfterTimeout) {
    Signal<Object> signal = outcomeOf(client, c);
    if (signal == null) {
      return new Verdict("hang", c + ": no outcome within " + VERIFY);
    }
    String problem = problem(c, signal, strict);
    if (problem != null && strict && signal.getThrowable() instanceof ResponseTimeoutException) {
      // On two shared cores a well-formed answer can take longer than the fuzzing timeout to
      // read: the same answer again, with a patient client, must then meet the expectation.
      rerunsAfterTimeout.increment();
      signal = outcomeOf(patient, c);
      if (signal == null) {
        return new Verdict("hang", c + ": no outcome within " + VERIFY + " when run again");
      }
      problem = problem(c, signal, strict);
    }
    return new Verdict(outcome(signal), problem == null ? null : c + ": " + problem);
  }

  private static String outcome(Signal<Object> signal) {
    if (signal.isOnNext()) {
      return "success";
    }
    if (!signal.isOnError()) {
      return "empty";
    }
    Throwable e = signal.getThrowable();
    // A plain TransportException is a protocol failure Netty reported: name which one.
    return e.getClass() == TransportException.class && e.getCause() != null
        ? "TransportException(" + e.getCause().getClass().getSimpleName() + ")"
        : e.getClass().getSimpleName();
  }

  /** The call's one outcome, or null if it had none within {@link #VERIFY}. */
  private static Signal<Object> outcomeOf(ReactiveTokenClient client, Case c) {
    Mono<Object> call;
    switch (c.op()) {
      case CREATE:
        call = client.createToken(CreateTokenRequest.of("fuzz " + c.index())).cast(Object.class);
        break;
      case LIST:
        call = client.listTokens().collectList().cast(Object.class);
        break;
      default:
        call = client.deleteToken("tok-" + c.index()).then(Mono.<Object>just("deleted"));
        break;
    }
    AtomicReference<Signal<Object>> seen = new AtomicReference<>();
    try {
      StepVerifier.create(call.materialize())
          .consumeNextWith(seen::set)
          .expectComplete()
          .verify(VERIFY);
    } catch (AssertionError e) {
      return null;
    }
    return seen.get();
  }

  private static String problem(Case c, Signal<Object> signal, boolean strict) {
    String problem;
    if (signal.isOnNext()) {
      problem = checkValue(signal.get());
    } else if (signal.isOnError()) {
      problem = checkError(signal.getThrowable());
    } else {
      problem = "completed without a value or an error";
    }
    if (problem == null && strict) {
      problem = checkExpectation(c, signal);
    }
    return problem;
  }

  private static String checkValue(Object value) {
    try {
      if (value instanceof Token) {
        assertValid((Token) value);
      } else if (value instanceof List) {
        for (Object o : (List<?>) value) {
          assertValid((TokenInfo) o);
        }
      } else {
        assertThat(value).isEqualTo("deleted");
      }
      return null;
    } catch (AssertionError | RuntimeException e) {
      return "success with an invalid value: " + e.getMessage();
    }
  }

  static void assertValid(Token t) {
    assertThat(t.id()).matches("[A-Za-z0-9_-]{1,128}");
    assertThat(t.rawToken()).hasSizeGreaterThan(6).matches("[\\x21-\\x7e]+");
    assertThat(t.checksum()).hasSize(6);
    assertThat(t.rawToken()).endsWith(t.checksum());
    assertThat(t.createdBy()).isNotNull();
    assertThat(t.createdBy().id()).isNotEmpty();
    assertThat(t.createdAt()).isNotNull();
    assertThat(t.scopes()).isNotNull().doesNotContainNull();
    assertThat(t.toString()).doesNotContain(t.rawToken());
  }

  static void assertValid(TokenInfo t) {
    assertThat(t.id()).matches("[A-Za-z0-9_-]{1,128}");
    assertThat(t.checksum()).isNotEmpty();
    assertThat(t.createdBy()).isNotNull();
    assertThat(t.createdBy().id()).isNotEmpty();
    assertThat(t.createdAt()).isNotNull();
    assertThat(t.scopes()).isNotNull().doesNotContainNull();
  }

  private static String checkError(Throwable e) {
    if (!(e instanceof TokenClientException)) {
      return "error of an untyped class " + e.getClass().getName() + ": " + e;
    }
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return "typed error without a message: " + e.getClass().getName();
    }
    if (message.contains(Fixtures.RAW_TOKEN) || message.contains(Fixtures.API_TOKEN)) {
      return "error message contains a secret: " + e.getClass().getName();
    }
    return null;
  }

  private static String checkExpectation(Case c, Signal<Object> signal) {
    Throwable e = signal.getThrowable();
    switch (c.expect()) {
      case SUCCESS:
        return signal.isOnNext() ? null : "expected success, got " + e;
      case DECODING_ERROR:
        return e instanceof ResponseDecodingException ? null : "expected a decoding error: " + e;
      case CLOSED:
        return e instanceof ConnectionClosedException ? null : "expected a closed connection: " + e;
      case TIMEOUT:
        return e instanceof ResponseTimeoutException ? null : "expected a timeout: " + e;
      case API_ERROR:
        if (!(e instanceof DynamicApiException)) {
          return "expected HTTP " + c.status() + " as a DynamicApiException, got " + signal;
        }
        DynamicApiException api = (DynamicApiException) e;
        if (api.statusCode() != c.status()) {
          return "expected status " + c.status() + ", got " + api.statusCode();
        }
        Class<?> type = apiType(c.status());
        return type.equals(e.getClass())
            ? null
            : "expected " + type.getSimpleName() + " for " + c.status() + ", got " + e.getClass();
      default:
        return null;
    }
  }

  private static Class<?> apiType(int status) {
    switch (status) {
      case 400:
        return BadRequestException.class;
      case 401:
        return UnauthorizedException.class;
      case 403:
        return ForbiddenException.class;
      case 404:
        return NotFoundException.class;
      case 422:
        return UnprocessableEntityException.class;
      case 429:
        return RateLimitedException.class;
      default:
        return status >= 500 && status <= 599
            ? ServerErrorException.class
            : DynamicApiException.class;
    }
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  // ---- the generator ----

  /** Truncations of the documented answers: one per byte offset of each. */
  static final int TRUNCATIONS = CREATED.length + LISTED.length;

  /**
   * Case {@code i}: every truncation of the two documented answers, spread evenly over the budget
   * (all of them when the budget is at least {@link #TRUNCATIONS}), and random cases between them.
   */
  static Case generate(int i) {
    long t = (long) i * TRUNCATIONS / CASES;
    if (truncates(i) && t < CREATED.length) {
      return truncation(i, Op.CREATE, CREATED, (int) t);
    }
    if (truncates(i)) {
      return truncation(i, Op.LIST, LISTED, (int) t - CREATED.length);
    }
    SplittableRandom r = random(i);
    Op o = op(r);
    return switch (family(r)) {
      case CONTROL -> control(i, o, r);
      case STATUS -> status(i, o, r);
      case HEADERS -> headers(i, o, r);
      case LENGTH -> length(i, o, r);
      case CHUNKED -> chunked(i, o, r);
      case BODY -> body(i, o, r);
      case FIELD -> field(i, o, r);
      case CLOSE_MIDWAY -> closeMidway(i, o, r);
      case STALL -> stall(i, o, r);
      case INFORMATIONAL -> informational(i, o, r);
      case TRAILING_GARBAGE -> trailingGarbage(i, o, r);
      case TRUNCATION -> throw new AssertionError("truncations are chosen by index, not drawn");
    };
  }

  /** The family of case {@code i}, drawn as {@link #generate} draws it. */
  static Family family(int i) {
    if (truncates(i)) {
      return Family.TRUNCATION;
    }
    SplittableRandom r = random(i);
    op(r);
    return family(r);
  }

  /** Whether case {@code i} is one of the truncations spread over the budget. */
  private static boolean truncates(int i) {
    long t = (long) i * TRUNCATIONS / CASES;
    return (long) (i + 1) * TRUNCATIONS / CASES > t;
  }

  private static SplittableRandom random(int i) {
    return new SplittableRandom(SEED ^ (i * 0x9E3779B97F4A7C15L));
  }

  /** The first draw of a random case: its operation. */
  private static Op op(SplittableRandom r) {
    int op = r.nextInt(100);
    return op < 55 ? Op.CREATE : op < 85 ? Op.LIST : Op.DELETE;
  }

  /** The second draw of a random case: its family, by share of the random cases. */
  private static Family family(SplittableRandom r) {
    int k = r.nextInt(100);
    if (k < 8) {
      return Family.CONTROL;
    } else if (k < 20) {
      return Family.STATUS;
    } else if (k < 32) {
      return Family.HEADERS;
    } else if (k < 41) {
      return Family.LENGTH;
    } else if (k < 50) {
      return Family.CHUNKED;
    } else if (k < 70) {
      return Family.BODY;
    } else if (k < 92) {
      return Family.FIELD;
    } else if (k < 97) {
      return Family.CLOSE_MIDWAY;
    } else if (k < 98) {
      return Family.STALL;
    } else if (k < 99) {
      return Family.INFORMATIONAL;
    } else {
      return Family.TRAILING_GARBAGE;
    }
  }

  /**
   * The valid answer cut at {@code offset}: honestly framed (a decoding error), or framed for the
   * whole body and then closed or reset (a closed connection), or chunked without its last chunk.
   */
  static Case truncation(int i, Op op, byte[] valid, int offset) {
    byte[] cut = java.util.Arrays.copyOf(valid, offset);
    switch (offset % 4) {
      case 0:
        return new Case(
            i,
            "truncated",
            op,
            Script.of(response("HTTP/1.1 200 OK", jsonHeaders(cut.length), cut), End.KEEP),
            Expect.DECODING_ERROR,
            200);
      case 1:
      case 2:
        return new Case(
            i,
            "truncated-close",
            op,
            Script.of(
                response("HTTP/1.1 200 OK", jsonHeaders(valid.length), cut),
                offset % 4 == 1 ? End.CLOSE : End.RESET),
            Expect.CLOSED,
            200);
      default:
        byte[] head =
            ascii(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n");
        byte[] chunk =
            offset == 0
                ? new byte[0]
                : concat(ascii(Integer.toHexString(offset) + "\r\n"), cut, ascii("\r\n"));
        return new Case(
            i,
            "truncated-chunked",
            op,
            new Script(List.of(new Part(head, 0), new Part(chunk, 0)), End.CLOSE),
            Expect.CLOSED,
            200);
    }
  }

  private static byte[] validBody(Op op) {
    switch (op) {
      case CREATE:
        return CREATED;
      case LIST:
        return LISTED;
      default:
        return new byte[0];
    }
  }

  private static Case control(int i, Op op, SplittableRandom r) {
    byte[] body = validBody(op);
    int status = op == Op.CREATE && r.nextBoolean() ? 201 : 200;
    String statusLine = "HTTP/1.1 " + status + " OK";
    int v = r.nextInt(7);
    Script script;
    String kind = "control";
    switch (v) {
      case 0:
        script = Script.of(response(statusLine, jsonHeaders(body.length), body), End.KEEP);
        break;
      case 1:
        script = Script.of(chunkedResponse(statusLine, body, r, 1 + r.nextInt(64)), End.KEEP);
        break;
      case 2:
        // No length and no chunking: the body runs to the end of the connection.
        script =
            Script.of(
                response(statusLine, List.of("Content-Type: application/json"), body), End.CLOSE);
        break;
      case 3:
        {
          byte[] all = response(statusLine, jsonHeaders(body.length), body);
          List<Part> parts = new ArrayList<>();
          int at = 0;
          while (at < all.length) {
            int n = Math.min(all.length - at, 1 + r.nextInt(200));
            parts.add(
                new Part(java.util.Arrays.copyOfRange(all, at, at + n), r.nextInt(4) == 0 ? 1 : 0));
            at += n;
          }
          script = new Script(parts, End.KEEP);
          break;
        }
      case 4:
        {
          byte[] extended = withUnknownFields(op, body);
          script =
              Script.of(response(statusLine, jsonHeaders(extended.length), extended), End.KEEP);
          break;
        }
      case 5:
        {
          String type =
              pick(r, "text/plain", "text/html", "application/octet-stream", "", "application/xml");
          List<String> headers = new ArrayList<>();
          if (!type.isEmpty()) {
            headers.add("Content-Type: " + type);
          }
          headers.add("Content-Length: " + body.length);
          script = Script.of(response(statusLine, headers, body), End.KEEP);
          break;
        }
      default:
        script =
            Script.of(
                response(
                    "HTTP/1.0 " + status + " OK",
                    List.of("Content-Length: " + body.length, "Connection: close"),
                    body),
                End.CLOSE);
        break;
    }
    if (op == Op.DELETE && r.nextBoolean()) {
      script = Script.of(response("HTTP/1.1 204 No Content", List.of(), new byte[0]), End.KEEP);
    }
    return new Case(i, kind, op, script, Expect.SUCCESS, status);
  }

  private static byte[] withUnknownFields(Op op, byte[] body) {
    if (op == Op.DELETE) {
      return ascii("{\"deleted\":true}");
    }
    String s = new String(body, UTF_8);
    String extra = "\"zzNew\":{\"a\":[1,2.5,{\"b\":null}],\"c\":\"\\u00e9\"},";
    return (op == Op.CREATE
            ? s.replaceFirst("\"token\": \\{", "\"token\": {" + extra)
            : "{" + extra + s.substring(1))
        .getBytes(UTF_8);
  }

  private static final int[] STATUSES = {
    100, 101, 102, 103, 199, 200, 201, 202, 203, 204, 205, 206, 226, 299, 300, 301, 302, 303, 304,
    305, 307, 308, 399, 400, 401, 402, 403, 404, 405, 408, 409, 410, 413, 418, 422, 425, 429, 431,
    451, 499, 500, 501, 502, 503, 504, 505, 511, 599, 600, 700, 999
  };

  private static Case status(int i, Op op, SplittableRandom r) {
    if (r.nextInt(3) == 0) {
      String line =
          pick(
              r,
              "HTTP/1.1 abc OK",
              "HTTP/1.1 -1 Negative",
              "HTTP/1.1 0 Zero",
              "HTTP/1.1 1000 Big",
              "HTTP/1.1 99999999999 Huge",
              "HTTP/1.1 200OK",
              "HTTP/1.1  200  OK",
              "HTTP/2 200",
              "HTTP/9.9 200 OK",
              "FOO/1.1 200 OK",
              "HTTP/1.1",
              "",
              "garbage",
              "\u0000\u0001\u0002\u0003",
              "SSH-2.0-OpenSSH_8.9",
              "ICY 200 OK",
              "HTTP/1.1 2OO OK",
              "HTTP/1.1 20 OK",
              "http/1.1 200 ok",
              "HTTP/1.1 200 " + "R".repeat(20_000));
      byte[] body = r.nextBoolean() ? validBody(op) : randomBytes(r, r.nextInt(300));
      return new Case(
          i,
          "status-malformed",
          op,
          Script.of(response(line, jsonHeaders(body.length), body), End.CLOSE),
          Expect.ANY,
          0);
    }
    int status = STATUSES[r.nextInt(STATUSES.length)];
    String reason = pick(r, "OK", "", "Weird Reason", "\u00ff\u00fe\u00e9", "x".repeat(1000));
    byte[] body;
    switch (r.nextInt(5)) {
      case 0:
        body = validBody(op);
        break;
      case 1:
        body =
            ascii(
                "{\"error\":\"bad "
                    + Fixtures.RAW_TOKEN
                    + "\",\"code\":\"c"
                    + status
                    + "\",\"payload\":{\"x\":[1]}}");
        break;
      case 2:
        body = ascii("<html><body><h1>" + status + " Bad Gateway</h1><script>x</script></body>");
        break;
      case 3:
        body = new byte[0];
        break;
      default:
        body = randomBytes(r, r.nextInt(2000));
        break;
    }
    List<String> headers = new ArrayList<>(jsonHeaders(body.length));
    if (r.nextBoolean()) {
      headers.add("Retry-After: " + r.nextInt(5));
    }
    Expect expect = Expect.ANY;
    if (status >= 400 && status <= 599) {
      expect = Expect.API_ERROR;
    } else if (status >= 200 && status <= 299 && op == Op.DELETE && status != 204) {
      expect = Expect.SUCCESS;
    }
    return new Case(
        i,
        "status",
        op,
        Script.of(response("HTTP/1.1 " + status + " " + reason, headers, body), End.KEEP),
        expect,
        status);
  }

  private static Case headers(int i, Op op, SplittableRandom r) {
    int variant = r.nextInt(10);
    if (variant < 3) {
      int status = r.nextBoolean() ? 429 : 503;
      String retryAfter =
          pick(
              r,
              "-1",
              "99999999999999999999",
              "0",
              "1e9",
              "Wed, 21 Oct 2015 07:28:00 GMT",
              "Fri, 31 Dec 9999 23:59:59 GMT",
              "Mon, 32 Foo 2020 99:99:99 GMT",
              "",
              "NaN",
              "\u00ff\u00fe",
              "1.5",
              "+5",
              "0x10",
              "2147483648",
              "9223372036854775808",
              "999999999",
              "Sun, 06 Nov 1994 08:49:37 GMT",
              "Sunday, 06-Nov-94 08:49:37 GMT",
              "Sun Nov  6 08:49:37 1994",
              "9".repeat(60),
              "9".repeat(65));
      byte[] body = ascii("{\"message\":\"Rate limit exceeded\",\"code\":429}");
      List<String> headers = new ArrayList<>(jsonHeaders(body.length));
      headers.add("Retry-After: " + retryAfter);
      if (r.nextBoolean()) {
        headers.add("Retry-After: " + pick(r, "1", "-1", "x"));
      }
      return new Case(
          i,
          "retry-after",
          op,
          Script.of(response("HTTP/1.1 " + status + " X", headers, body), End.KEEP),
          Expect.API_ERROR,
          status);
    }
    byte[] body = validBody(op);
    List<String> headers = new ArrayList<>();
    Expect expect = Expect.ANY;
    String kind;
    switch (variant) {
      case 3:
        kind = "content-type";
        headers.add(
            "Content-Type: "
                + pick(
                    r,
                    "text/html",
                    "application/xml",
                    "application/json; charset=utf-16",
                    "\u00ff/\u00ff",
                    ";;;",
                    "application/json; charset=" + "x".repeat(5000)));
        headers.add("Content-Length: " + body.length);
        break;
      case 4:
        kind = "huge-header";
        headers.addAll(jsonHeaders(body.length));
        headers.add("X-Huge: " + "h".repeat((60 << 10) + r.nextInt(8 << 10)));
        break;
      case 5:
        kind = "many-headers";
        headers.addAll(jsonHeaders(body.length));
        for (int n = 0, count = 100 + r.nextInt(3000); n < count; n++) {
          headers.add("X-H" + n + ": " + n);
        }
        break;
      case 6:
        kind = "bad-header-line";
        headers.addAll(jsonHeaders(body.length));
        headers.add(
            pick(
                r,
                "no colon here",
                "Bad Name: 1",
                ": empty name",
                "X-Nul: a\u0000b",
                "X-Fold: a\r\n folded",
                "X-Ctl: \u0001\u0002",
                "X-Latin: \u00e9\u00ff",
                "\u00ff\u00fe: x"));
        break;
      case 7:
        kind = "duplicate-headers";
        headers.add("Content-Type: application/json");
        headers.add("Content-Type: text/html");
        headers.add("Content-Length: " + body.length);
        headers.add("Connection: " + pick(r, "close", "keep-alive", "upgrade", "x"));
        headers.add("Set-Cookie: a=" + Fixtures.RAW_TOKEN);
        break;
      case 8:
        kind = "huge-header-value-list";
        headers.addAll(jsonHeaders(body.length));
        headers.add("WWW-Authenticate: " + "Bearer realm=\"x\", ".repeat(3000));
        break;
      default:
        kind = "upgrade";
        headers.addAll(jsonHeaders(body.length));
        headers.add("Upgrade: websocket");
        headers.add("Connection: Upgrade");
        break;
    }
    return new Case(
        i,
        kind,
        op,
        Script.of(
            response("HTTP/1.1 200 OK", headers, body), r.nextBoolean() ? End.KEEP : End.CLOSE),
        expect,
        200);
  }

  private static Case length(int i, Op op, SplittableRandom r) {
    byte[] body = op == Op.DELETE ? ascii("{\"ok\":true}") : validBody(op);
    int variant = r.nextInt(6);
    switch (variant) {
      case 0:
        {
          int declared = r.nextInt(body.length);
          List<String> headers = List.of("Content-Length: " + declared);
          return new Case(
              i,
              "length-smaller",
              op,
              Script.of(response("HTTP/1.1 200 OK", headers, body), End.KEEP),
              op == Op.DELETE ? Expect.SUCCESS : Expect.DECODING_ERROR,
              200);
        }
      case 1:
        {
          int declared = body.length + 1 + r.nextInt(1000);
          boolean close = r.nextInt(4) != 0;
          return new Case(
              i,
              close ? "length-larger-close" : "length-larger-stall",
              op,
              Script.of(
                  response("HTTP/1.1 200 OK", List.of("Content-Length: " + declared), body),
                  close ? End.CLOSE : End.KEEP),
              close ? Expect.CLOSED : Expect.TIMEOUT,
              200);
        }
      case 2:
        {
          String value =
              pick(
                  r,
                  "-5",
                  "abc",
                  "99999999999999999999",
                  "1, 2",
                  "+" + body.length,
                  " " + body.length + " ",
                  "0x10",
                  "2147483648",
                  "9223372036854775807",
                  "",
                  body.length + ", " + body.length);
          return new Case(
              i,
              "length-garbage",
              op,
              Script.of(
                  response("HTTP/1.1 200 OK", List.of("Content-Length: " + value), body),
                  End.CLOSE),
              Expect.ANY,
              200);
        }
      case 3:
        return new Case(
            i,
            "length-twice",
            op,
            Script.of(
                response(
                    "HTTP/1.1 200 OK",
                    List.of(
                        "Content-Length: " + body.length, "Content-Length: " + (body.length / 2)),
                    body),
                End.CLOSE),
            Expect.ANY,
            200);
      case 4:
        return new Case(
            i,
            "length-and-chunked",
            op,
            Script.of(
                concat(
                    ascii(
                        "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"),
                    chunkedBody(body, r, 50)),
                End.CLOSE),
            Expect.ANY,
            200);
      default:
        {
          // Declares a body over the client's 1 MiB limit and starts sending it.
          long declared = (1L << 20) + 1 + r.nextInt(1 << 20);
          return new Case(
              i,
              "length-over-limit",
              op,
              Script.of(
                  response(
                      "HTTP/1.1 200 OK",
                      List.of("Content-Length: " + declared),
                      randomBytes(r, 4096)),
                  End.KEEP),
              op == Op.DELETE ? Expect.ANY : Expect.DECODING_ERROR,
              200);
        }
    }
  }

  private static Case chunked(int i, Op op, SplittableRandom r) {
    byte[] body = op == Op.DELETE ? ascii("{\"ok\":true}") : validBody(op);
    String head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: ";
    int variant = r.nextInt(9);
    byte[] payload;
    End end = End.CLOSE;
    Expect expect = Expect.ANY;
    String te = "chunked";
    switch (variant) {
      case 0:
        payload =
            concat(
                ascii(pick(r, "zz", "-1", "FFFFFFFFFFFFFFFF", " ", "1 2", "0x10") + "\r\n"), body);
        break;
      case 1:
        payload = concat(ascii(Integer.toHexString(body.length + 100) + "\r\n"), body);
        expect = Expect.CLOSED;
        break;
      case 2:
        payload = concat(ascii(Integer.toHexString(body.length) + "\r\n"), body, ascii("\r\n"));
        end = r.nextBoolean() ? End.KEEP : End.CLOSE;
        expect = end == End.KEEP ? Expect.TIMEOUT : Expect.CLOSED;
        break;
      case 3:
        payload =
            concat(
                ascii(
                    Integer.toHexString(body.length)
                        + ";foo=\"bar\\\"baz\";"
                        + "e".repeat(r.nextInt(9000))
                        + "\r\n"),
                body,
                ascii("\r\n0\r\n\r\n"));
        break;
      case 4:
        payload =
            concat(ascii(Integer.toHexString(body.length) + "\r\n"), body, ascii("XX0\r\n\r\n"));
        break;
      case 5:
        // The last chunk, then trailers in place of the final blank line.
        byte[] chunks = chunkedBody(body, r, 20);
        payload =
            concat(
                java.util.Arrays.copyOf(chunks, chunks.length - 2),
                ascii(
                    pick(
                        r,
                        "Trailer-Junk\r\n\r\n",
                        "X: " + "t".repeat(70_000) + "\r\n\r\n",
                        "\u0000\r\n\r\n")));
        break;
      case 6:
        te = pick(r, "gzip, chunked", "chunked, identity", "Chunked", "identity", "x-unknown");
        payload = chunkedBody(body, r, 30);
        break;
      case 7:
        // Valid framing, one byte a chunk.
        payload = chunkedBody(body, r, 1);
        end = End.KEEP;
        expect = Expect.SUCCESS;
        break;
      default:
        payload = concat(ascii("0\r\n\r\n"), body);
        expect = op == Op.DELETE ? Expect.SUCCESS : Expect.DECODING_ERROR;
        end = End.KEEP;
        break;
    }
    return new Case(
        i,
        "chunked-" + variant,
        op,
        Script.of(concat(ascii(head + te + "\r\n\r\n"), payload), end),
        expect,
        200);
  }

  private static Case body(int i, Op op, SplittableRandom r) {
    int variant = r.nextInt(13);
    byte[] body;
    Expect expect = Expect.DECODING_ERROR;
    String kind;
    switch (variant) {
      case 0:
        kind = "random-bytes";
        body = randomBytes(r, r.nextInt(4096));
        expect = Expect.ANY;
        break;
      case 1:
        {
          kind = "deep-nesting";
          int depth = 33 + r.nextInt(100_000);
          String open = r.nextBoolean() ? "[" : "{\"a\":";
          String prefix = op == Op.CREATE ? "{\"token\":" : op == Op.LIST ? "{\"tokens\":[" : "";
          body = ascii(prefix + open.repeat(depth));
          break;
        }
      case 2:
        {
          kind = "huge-string";
          int n = r.nextBoolean() ? (1 << 20) + r.nextInt(1 << 20) : 200_000 + r.nextInt(600_000);
          String big = "s".repeat(n);
          body = mutate(op, pick(r, "id", "rawToken", "note", "checksum"), "\"" + big + "\"");
          expect = Expect.ANY;
          break;
        }
      case 3:
        kind = "huge-number";
        body =
            mutate(
                op,
                pick(r, "active", "id", "note", "createdAt", "scopes"),
                pick(r, "1e999999", "-1e-999999", "9".repeat(5000), "1." + "0".repeat(5000), "-0"));
        break;
      case 4:
        kind = "top-level";
        body =
            ascii(
                pick(
                    r,
                    "null",
                    "[]",
                    "\"str\"",
                    "123",
                    "true",
                    "{}",
                    "{\"token\":null}",
                    "{\"token\":[]}",
                    "{\"tokens\":{}}",
                    "{\"tokens\":null}",
                    "{\"tokens\":[null]}",
                    "{\"tokens\":[1]}",
                    "{\"token\":\"x\"}"));
        break;
      case 5:
        {
          kind = "duplicate-key";
          String s = new String(validBody(op == Op.DELETE ? Op.CREATE : op), UTF_8);
          String dup =
              op == Op.LIST
                  ? s.replace(
                      "\"checksum\":\"4n3LFC\",", "\"checksum\":\"4n3LFC\",\"checksum\":\"x\",")
                  : s.replace(
                      "\"checksum\": \"4n3LFC\",",
                      "\"checksum\": \"4n3LFC\",\n\"rawToken\": \"dyn_other0000004n3LFC\",");
          body = dup.getBytes(UTF_8);
          break;
        }
      case 6:
        {
          kind = "invalid-utf8";
          byte[] valid = validBody(op == Op.DELETE ? Op.CREATE : op);
          byte[] bad = pickBytes(r);
          byte[] needle = ascii(op == Op.LIST ? "\"note\":\"" : "\"rawToken\": \"dyn_");
          int at = indexOf(valid, needle) + needle.length;
          body =
              concat(
                  java.util.Arrays.copyOf(valid, at),
                  bad,
                  java.util.Arrays.copyOfRange(valid, at, valid.length));
          break;
        }
      case 7:
        kind = "bom";
        body = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, validBody(op));
        expect = Expect.ANY;
        break;
      case 8:
        kind = "trailing-junk";
        body =
            concat(
                validBody(op == Op.DELETE ? Op.CREATE : op),
                ascii(pick(r, " x", "}", "{}", "\u0000", ",")));
        break;
      case 9:
        kind = "utf16";
        body =
            new String(validBody(op == Op.DELETE ? Op.CREATE : op), UTF_8)
                .getBytes(java.nio.charset.StandardCharsets.UTF_16);
        // With its byte-order mark Jackson detects UTF-16, so this may be read as valid.
        expect = Expect.ANY;
        break;
      case 10:
        kind = "json-extensions";
        body =
            ascii(
                pick(
                    r,
                    "{/*c*/\"token\":{}}",
                    "{'token':{}}",
                    "{\"token\":NaN}",
                    "{\"tokens\":[Infinity]}",
                    "{token:1}",
                    "{\"token\":{\"id\":\"a\"},}"));
        break;
      case 11:
        kind = "escapes";
        body =
            mutate(
                op,
                pick(r, "rawToken", "id", "checksum", "note"),
                pick(
                    r,
                    "\"\\ud800\"",
                    "\"\\u0000\"",
                    "\"dyn_\\u0000abcdef\"",
                    "\"\\x41\"",
                    "\"\\",
                    "\"dyn_" + "\\u00e9".repeat(10) + "\""));
        expect = Expect.ANY;
        break;
      default:
        kind = "whitespace";
        body = concat(ascii(" \n\t\r".repeat(1 + r.nextInt(1000))), validBody(op), ascii("\n \t"));
        expect = Expect.SUCCESS;
        break;
    }
    if (op == Op.DELETE) {
      expect = variant == 2 || variant == 0 ? Expect.ANY : Expect.SUCCESS;
    }
    return new Case(
        i,
        "body-" + kind,
        op,
        Script.of(response("HTTP/1.1 200 OK", jsonHeaders(body.length), body), End.KEEP),
        expect,
        200);
  }

  private static final String[] FIELDS = {
    "token",
    "id",
    "rawToken",
    "checksum",
    "createdBy",
    "createdBy.id",
    "createdBy.email",
    "createdAt",
    "active",
    "note",
    "projectEnvironmentId",
    "projectEnvironment",
    "projectEnvironment.id",
    "scopes",
    "scopes[0]"
  };

  private static final String[] VALUES = {
    "<absent>",
    "null",
    "0",
    "-1",
    "1.5e308",
    "1e400",
    "true",
    "false",
    "\"\"",
    "\" \"",
    "\"x\"",
    "[]",
    "{}",
    "[null]",
    "[\"a b\"]",
    "[1]",
    "\"\\u0000\"",
    "\"2023-13-45T99:99:99Z\"",
    "\"2023-11-07T05:31:56+01:00\"",
    "\"2023-11-07\"",
    "\"+999999999-12-31T23:59:59Z\"",
    "\"not a date\"",
    "\"dyn_short\"",
    "\"../../etc/passwd\"",
    "\"4n3LFC\"",
    "12345678901234567890123456789",
    "[[[[[[[[[[]]]]]]]]]]",
    "{\"id\":{\"id\":{\"id\":null}}}",
    "\"" + "x".repeat(300) + "\""
  };

  private static final List<String> REQUIRED =
      List.of("token", "id", "rawToken", "checksum", "createdBy", "createdBy.id", "createdAt");

  private static Case field(int i, Op op, SplittableRandom r) {
    Op target = op == Op.DELETE ? Op.CREATE : op;
    String field = FIELDS[r.nextInt(FIELDS.length)];
    String value = VALUES[r.nextInt(VALUES.length)];
    byte[] body = mutate(target, field, value);
    Expect expect = Expect.ANY;
    boolean required = REQUIRED.contains(field) && !(target == Op.LIST && field.equals("rawToken"));
    boolean nothing = value.equals("null") || value.equals("<absent>");
    if (op == Op.DELETE) {
      expect = Expect.SUCCESS;
    } else if (required
        && (nothing || value.matches("-?[0-9].*|true|false|\\[.*|\"\"") || value.startsWith("{"))) {
      expect = Expect.DECODING_ERROR;
    } else if (!required && nothing && !field.equals("scopes[0]")) {
      expect = Expect.SUCCESS;
    }
    return new Case(
        i,
        "field",
        op,
        Script.of(response("HTTP/1.1 200 OK", jsonHeaders(body.length), body), End.KEEP),
        expect,
        200);
  }

  /**
   * The valid body with one field of the (first) token replaced by raw JSON text, or removed when
   * the value is {@code <absent>}.
   */
  static byte[] mutate(Op op, String field, String rawJson) {
    try {
      ObjectNode root = (ObjectNode) MAPPER.readTree(op == Op.LIST ? LISTED : CREATED);
      ObjectNode token =
          op == Op.LIST
              ? (ObjectNode) root.withArray("tokens").get(0)
              : (ObjectNode) root.get("token");
      String placeholder = "@@PLACEHOLDER@@";
      if (field.equals("token")) {
        if (op == Op.LIST) {
          ((ArrayNode) root.get("tokens")).set(0, MAPPER.getNodeFactory().textNode(placeholder));
        } else {
          root.put("token", placeholder);
        }
      } else {
        ObjectNode parent = token;
        String name = field;
        int dot = field.indexOf('.');
        if (dot > 0) {
          String outer = field.substring(0, dot);
          if (!(token.get(outer) instanceof ObjectNode)) {
            token.putObject(outer);
          }
          parent = (ObjectNode) token.get(outer);
          name = field.substring(dot + 1);
        }
        if (name.equals("scopes[0]")) {
          ArrayNode scopes = token.putArray("scopes");
          scopes.add(placeholder);
          scopes.add("environment.users.read");
        } else {
          parent.put(name, placeholder);
        }
      }
      String text = MAPPER.writeValueAsString(root);
      if (rawJson.equals("<absent>")) {
        text =
            text.replace(",\"" + lastName(field) + "\":\"" + placeholder + "\"", "")
                .replace("\"" + lastName(field) + "\":\"" + placeholder + "\",", "")
                .replace("\"" + placeholder + "\",", "")
                .replace("\"" + placeholder + "\"", "null");
      } else {
        text = text.replace("\"" + placeholder + "\"", rawJson);
      }
      return text.getBytes(UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String lastName(String field) {
    int dot = field.lastIndexOf('.');
    return dot < 0 ? field : field.substring(dot + 1);
  }

  private static Case closeMidway(int i, Op op, SplittableRandom r) {
    byte[] all =
        response(
            "HTTP/1.1 200 OK",
            jsonHeaders(validBody(op).length + (op == Op.DELETE ? 10 : 0)),
            validBody(op));
    int at = r.nextInt(all.length);
    return new Case(
        i,
        "close-midway",
        op,
        Script.of(java.util.Arrays.copyOf(all, at), r.nextBoolean() ? End.CLOSE : End.RESET),
        Expect.CLOSED,
        200);
  }

  private static Case stall(int i, Op op, SplittableRandom r) {
    byte[] all = response("HTTP/1.1 200 OK", jsonHeaders(CREATED.length), CREATED);
    int at = r.nextInt(all.length);
    return new Case(
        i, "stall", op, Script.of(java.util.Arrays.copyOf(all, at), End.KEEP), Expect.TIMEOUT, 200);
  }

  private static Case informational(int i, Op op, SplittableRandom r) {
    byte[] body = validBody(op);
    String first =
        pick(
            r,
            "HTTP/1.1 100 Continue",
            "HTTP/1.1 103 Early Hints\r\nLink: </x>",
            "HTTP/1.1 102 Processing");
    // An interim answer is skipped: what decides the outcome is the final answer, or its absence.
    boolean answered = r.nextBoolean();
    byte[] all =
        concat(
            ascii(first + "\r\n\r\n"),
            answered ? response("HTTP/1.1 200 OK", jsonHeaders(body.length), body) : new byte[0]);
    return new Case(
        i,
        "informational",
        op,
        Script.of(all, End.KEEP),
        answered ? Expect.SUCCESS : Expect.TIMEOUT,
        200);
  }

  private static Case trailingGarbage(int i, Op op, SplittableRandom r) {
    byte[] body = validBody(op);
    byte[] all =
        concat(
            response("HTTP/1.1 200 OK", jsonHeaders(body.length), body),
            r.nextBoolean()
                ? response("HTTP/1.1 500 Oops", jsonHeaders(2), ascii("{}"))
                : randomBytes(r, 100));
    return new Case(i, "trailing-garbage", op, Script.of(all, End.KEEP), Expect.ANY, 200);
  }

  private static byte[] pickBytes(SplittableRandom r) {
    byte[][] options = {
      {(byte) 0xC3, 0x28},
      {(byte) 0xFF},
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
      {(byte) 0xC0, (byte) 0xAF},
      {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
      {(byte) 0xE2, (byte) 0x82},
      {(byte) 0x80}
    };
    return options[r.nextInt(options.length)];
  }

  @SafeVarargs
  private static <T> T pick(SplittableRandom r, T... options) {
    return options[r.nextInt(options.length)];
  }
}
