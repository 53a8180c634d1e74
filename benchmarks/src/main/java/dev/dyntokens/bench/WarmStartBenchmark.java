package dev.dyntokens.bench;

import dev.dyntokens.CreateTokenRequest;
import dev.dyntokens.ReactiveTokenClient;
import dev.dyntokens.Token;
import dev.dyntokens.TokenScope;
import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Time to the first token in a fresh JVM: each fork makes exactly one creation over HTTPS (TLS
 * 1.3, the server of {@link CreateTokenTlsBenchmark}) and JMH times it ({@code SingleShotTime}, no
 * warm-up iteration, many forks: the score is the mean over forks, each fork one cold sample).
 *
 * <ul>
 *   <li>{@code clientCold}: the client built with its own defaults, then its first call;
 *   <li>{@code clientWarm}: the same after {@code client.warmup()} completed;
 *   <li>{@code clientWarmConnected}: after {@code client.warmup(1)}, which also opened one pooled
 *       connection (its TCP and TLS handshakes) with one introspection request;
 *   <li>{@code rawFloorCold} / {@code rawFloorWarm}: the raw Reactor Netty floor (Netty's default
 *       TLS provider, as the client's) without and after Reactor Netty's own {@code
 *       HttpClient.warmup()}.
 * </ul>
 *
 * <p>The measured part is the first creation only: TCP connect, TLS handshake, request and decode.
 * Building the client or floor and the warm-up run in the trial's set-up. Caveat: the server runs
 * in the same JVM and starts first, so Netty classes it shares with the clients are loaded before
 * the measurement: a cold start here is a lower bound of a real one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1, batchSize = 1)
@Fork(
    value = 20,
    jvmArgsAppend = {"-Xms256m", "-Xmx256m", "-Dio.netty.leakDetection.level=disabled"})
public class WarmStartBenchmark {
  private static final CreateTokenRequest REQUEST =
      CreateTokenRequest.of(CannedAnswer.NOTE, TokenScope.WAAS_DELEGATED_ACCESS_SIGN_MESSAGE);

  private CannedServer server;
  private ReactiveTokenClient client;
  private Contenders.Floor floor;
  private Contenders.RawFloor rawFloor;

  @Setup(Level.Trial)
  public void setUp(BenchmarkParams params) {
    BenchTls.trustViaJvmDefaults(); // before any SSL context exists in this fork
    server = CannedServer.startTls(BenchTls.serverContext(), false);
    String url = server.baseUrl();
    String contender = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
    switch (contender) {
      case "clientCold", "clientWarm", "clientWarmConnected" -> {
        client =
            ReactiveTokenClient.builder().baseUrl(url).apiToken(CannedAnswer.API_TOKEN).build();
        if (contender.equals("clientWarm")) {
          client.warmup().block(Duration.ofSeconds(30));
        } else if (contender.equals("clientWarmConnected")) {
          // One introspection opens the connection (the canned server answers it 404).
          client.warmup(1).block(Duration.ofSeconds(30));
        }
      }
      case "rawFloorCold", "rawFloorWarm" -> {
        floor = new Contenders.Floor(SslContext.defaultClientProvider());
        if (contender.endsWith("Warm")) {
          floor.http.warmup().block(Duration.ofSeconds(30));
        }
        rawFloor = new Contenders.RawFloor(floor.http, url);
      }
      default -> throw new IllegalStateException("unknown contender " + contender);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (client != null) {
      client.close();
    }
    if (floor != null) {
      floor.close();
    }
    server.close();
  }

  @Benchmark
  public String clientCold() {
    return firstToken();
  }

  @Benchmark
  public String clientWarm() {
    return firstToken();
  }

  @Benchmark
  public String clientWarmConnected() {
    return firstToken();
  }

  @Benchmark
  public Object rawFloorCold() {
    return rawFloor.create().block(Duration.ofSeconds(30));
  }

  @Benchmark
  public Object rawFloorWarm() {
    return rawFloor.create().block(Duration.ofSeconds(30));
  }

  private String firstToken() {
    Token token = client.createToken(REQUEST).block(Duration.ofSeconds(30));
    if (token == null) {
      throw new IllegalStateException("no token");
    }
    return token.id();
  }
}
