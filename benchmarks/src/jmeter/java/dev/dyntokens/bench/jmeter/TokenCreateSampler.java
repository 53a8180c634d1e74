package dev.dyntokens.bench.jmeter;

import dev.dyntokens.CreateTokenRequest;
import dev.dyntokens.DynamicApiException;
import dev.dyntokens.Token;
import dev.dyntokens.TokenMayExistException;
import dev.dyntokens.TokenScope;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.jmeter.config.Arguments;
import org.apache.jmeter.protocol.java.sampler.AbstractJavaSamplerClient;
import org.apache.jmeter.protocol.java.sampler.JavaSamplerContext;
import org.apache.jmeter.samplers.SampleResult;
import reactor.core.Exceptions;

/**
 * A JMeter Java Request sampler: each sample is one {@code createToken} call of {@link
 * dev.dyntokens.ReactiveTokenClient}, timed around a blocking wait in JMeter's own thread (JMeter's
 * model is one blocking call per thread per sample; the client's event loops do the I/O).
 *
 * <p>Parameters (the Java Request's table):
 *
 * <ul>
 *   <li>{@code baseUrl}: empty (the default) for the library's embedded {@code FakeDynamicApi}, one
 *       per engine process; otherwise the API's base URL, with the API token read from the {@code
 *       DYNAMIC_API_TOKEN} environment variable of each engine (never from the plan);
 *   <li>{@code notePrefix}: notes are {@code <prefix>-<n>}, default {@code jmeter};
 *   <li>{@code scopes}: comma-separated wire values, e.g. {@code environment.users.read}, default
 *       none;
 *   <li>{@code responseTimeoutMs}: the client's response timeout, default 10000;
 *   <li>{@code retries}: {@code true} for {@code RetryPolicy.defaults()}, {@code false} for {@code
 *       none()}; default true;
 *   <li>{@code keepTokens}: against a real API, tokens created are deleted by id when the engine's
 *       last thread ends, unless this is {@code true}; default false.
 * </ul>
 *
 * <p>Each result: the elapsed time of the call; success; response code the HTTP status of an API
 * error, {@code 2xx} on success (the client accepts any 2xx and does not say which), or the
 * exception's simple class name; a response message without secrets (the token's id, or the
 * exception's class and message, which the library keeps free of secrets); approximate sent and
 * received body sizes (see {@link #approximateAnswerBytes}). The raw token is never put into a
 * result.
 */
public class TokenCreateSampler extends AbstractJavaSamplerClient {
  static final String BASE_URL = "baseUrl";
  static final String NOTE_PREFIX = "notePrefix";
  static final String SCOPES = "scopes";
  static final String RESPONSE_TIMEOUT_MS = "responseTimeoutMs";
  static final String RETRIES = "retries";
  static final String KEEP_TOKENS = "keepTokens";

  /** Leaves room for {@code -<n>} within {@link CreateTokenRequest#MAX_NOTE_LENGTH}. */
  private static final int MAX_PREFIX_LENGTH = CreateTokenRequest.MAX_NOTE_LENGTH - 21;

  private static final int MAX_MESSAGE_LENGTH = 300;

  /** Per process, so notes differ across its threads. */
  private static final AtomicLong NOTES = new AtomicLong();

  private SharedClients.Lease lease;
  private String setupError;
  private String notePrefix;
  private TokenScope[] scopes;
  private Duration blockTimeout;

  @Override
  public Arguments getDefaultParameters() {
    Arguments args = new Arguments();
    args.addArgument(BASE_URL, "");
    args.addArgument(NOTE_PREFIX, "jmeter");
    args.addArgument(SCOPES, "");
    args.addArgument(RESPONSE_TIMEOUT_MS, "10000");
    args.addArgument(RETRIES, "true");
    args.addArgument(KEEP_TOKENS, "false");
    return args;
  }

  @Override
  public void setupTest(JavaSamplerContext context) {
    try {
      notePrefix = context.getParameter(NOTE_PREFIX, "jmeter").strip();
      if (notePrefix.isEmpty() || notePrefix.length() > MAX_PREFIX_LENGTH) {
        throw new IllegalArgumentException(
            NOTE_PREFIX + " must be 1 to " + MAX_PREFIX_LENGTH + " characters");
      }
      scopes = parseScopes(context.getParameter(SCOPES, ""));
      long timeoutMs = Long.parseLong(context.getParameter(RESPONSE_TIMEOUT_MS, "10000").strip());
      if (timeoutMs <= 0) {
        throw new IllegalArgumentException(RESPONSE_TIMEOUT_MS + " must be positive");
      }
      SharedClients.Settings settings =
          new SharedClients.Settings(
              context.getParameter(BASE_URL, "").strip(),
              Duration.ofMillis(timeoutMs),
              parseBoolean(RETRIES, context.getParameter(RETRIES, "true")),
              parseBoolean(KEEP_TOKENS, context.getParameter(KEEP_TOKENS, "false")));
      lease = SharedClients.acquire(settings);
      blockTimeout = lease.blockTimeout();
    } catch (RuntimeException e) {
      // JMeter would log a set-up exception and go on sampling with a broken sampler; failing
      // every sample instead makes the results (and the plugin's error-rate check) show it.
      setupError = describe(e);
      getNewLogger().error("TokenCreateSampler set-up failed: {}", setupError);
    }
  }

  @Override
  public SampleResult runTest(JavaSamplerContext context) {
    SampleResult result = new SampleResult();
    if (setupError != null) {
      result.sampleStart();
      result.sampleEnd();
      fail(result, "SetupFailed", setupError);
      // One failed sample per thread shows the reason; thousands a second of the same would not.
      result.setStopThread(true);
      return result;
    }
    CreateTokenRequest request =
        CreateTokenRequest.of(notePrefix + "-" + NOTES.incrementAndGet(), scopes);
    result.setSamplerData("POST /user/tokens " + request);
    result.setSentBytes(approximateRequestBytes(request));
    Token token = null;
    Throwable failure = null;
    result.sampleStart();
    try {
      token = lease.client().createToken(request).block(blockTimeout);
    } catch (RuntimeException e) {
      failure = Exceptions.unwrap(e);
    } finally {
      result.sampleEnd();
    }
    if (failure != null) {
      String code =
          failure instanceof DynamicApiException api
              ? Integer.toString(api.statusCode())
              : failure.getClass().getSimpleName();
      String mayExist =
          TokenMayExistException.in(failure).isPresent() ? " (the token may exist)" : "";
      fail(result, code, describe(failure) + mayExist);
    } else if (token == null) {
      fail(result, "NoAnswer", "createToken completed without a token");
    } else {
      lease.created(token.id());
      result.setSuccessful(true);
      result.setResponseCode("2xx");
      result.setResponseMessage("created " + token.id());
      result.setDataType(SampleResult.TEXT);
      // Token.toString() shows the checksum, never the secret.
      result.setResponseData(token.toString(), StandardCharsets.UTF_8.name());
      result.setBytes(approximateAnswerBytes(token));
    }
    return result;
  }

  @Override
  public void teardownTest(JavaSamplerContext context) {
    if (lease != null) {
      lease.release();
      lease = null;
    }
  }

  private static void fail(SampleResult result, String code, String message) {
    result.setSuccessful(false);
    result.setResponseCode(code);
    result.setResponseMessage(message);
    result.setDataType(SampleResult.TEXT);
    result.setResponseData(message, StandardCharsets.UTF_8.name());
  }

  /** The class and message, one line, bounded; the library masks secrets in its messages. */
  private static String describe(Throwable e) {
    String message = e.getMessage();
    String text = e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    text = text.replaceAll("[\\r\\n\\t]+", " ");
    return text.length() <= MAX_MESSAGE_LENGTH ? text : text.substring(0, MAX_MESSAGE_LENGTH) + "…";
  }

  static TokenScope[] parseScopes(String value) {
    List<TokenScope> out = new ArrayList<>();
    for (String part : value.split(",")) {
      String s = part.strip();
      if (!s.isEmpty()) {
        out.add(TokenScope.of(s));
      }
    }
    return out.toArray(TokenScope[]::new);
  }

  private static boolean parseBoolean(String name, String value) {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "true", "on", "yes" -> true;
      case "false", "off", "no", "" -> false;
      default -> throw new IllegalArgumentException(name + " must be true or false");
    };
  }

  /** {@code {"note":"…","scopes":["…",…]}}, assuming no character needs escaping. */
  static int approximateRequestBytes(CreateTokenRequest request) {
    int bytes = "{\"note\":\"\",\"scopes\":[]}".length() + utf8Length(request.note());
    for (TokenScope scope : request.scopes()) {
      bytes += scope.value().length() + 3; // quotes and comma
    }
    return bytes;
  }

  /**
   * The size of the create answer's JSON body rebuilt from the decoded token: the vendor's field
   * names and punctuation plus each value's length (the secret's length, never its content).
   * Headers are not counted, nor fields the client does not decode; on the library's fake it is
   * within a few bytes of the wire body.
   */
  static long approximateAnswerBytes(Token t) {
    long bytes =
        "{\"token\":{\"id\":\"\",\"rawToken\":\"\",\"checksum\":\"\",\"createdBy\":{\"id\":\"\"},"
                .length()
            + "\"createdAt\":\"\",\"scopes\":[]}}".length();
    bytes += t.id().length() + t.rawToken().length() + t.checksum().length();
    bytes += t.createdBy().id().length() + optional("alias", t.createdBy().alias());
    bytes += optional("firstName", t.createdBy().firstName());
    bytes += optional("lastName", t.createdBy().lastName());
    bytes += optional("email", t.createdBy().email());
    bytes += t.createdAt().toString().length();
    if (t.active() != null) {
      bytes += ",\"active\":".length() + t.active().toString().length();
    }
    bytes += optional("note", t.note()) + optional("projectEnvironmentId", t.projectEnvironmentId());
    for (TokenScope scope : t.scopes()) {
      bytes += scope.value().length() + 3;
    }
    return bytes;
  }

  private static int optional(String name, String value) {
    return value == null ? 0 : name.length() + 6 + utf8Length(value); // ,"name":"value"
  }

  private static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
