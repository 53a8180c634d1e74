package dev.dyntokens.bench;

import dev.dyntokens.CreateTokenRequest;
import dev.dyntokens.ReactiveTokenClient;
import dev.dyntokens.Token;
import dev.dyntokens.TokenScope;
import io.netty.handler.ssl.SslProvider;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * Token creation over loopback HTTP/1.1 on TLS 1.3 with keep-alive, in batches of N concurrent
 * creations, as {@link CreateTokenBenchmark} does in plain HTTP. The server ({@link CannedServer}
 * with {@link BenchTls#serverContext()}) presents a self-signed certificate made at start; every
 * contender verifies it through the JVM's default trust store ({@link
 * BenchTls#trustViaJvmDefaults()}, set first in the trial's set-up, before any SSL context).
 *
 * <p>Contenders: {@code rawFloorJdk} and {@code rawFloorOpenSsl}, the raw Reactor Netty floor on
 * the JDK's and on OpenSSL's TLS; {@code client}, the client with its own defaults (Netty's default
 * provider: OpenSSL when netty-tcnative is on the class path, as here); {@code clientShared}, the
 * client handed {@code rawFloorJdk}'s HttpClient; {@code webClient} on that HttpClient; {@code jdk},
 * java.net.http on the JDK's default SSLContext.
 *
 * <p>{@link TlsHandshakeBenchmark} runs the same contenders with a new connection per creation.
 */
public class CreateTokenTlsBenchmark {
  private CreateTokenTlsBenchmark() {}

  @State(Scope.Benchmark)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(1)
  @Warmup(iterations = 3, time = 3)
  @Measurement(iterations = 5, time = 3)
  @Fork(
      value = 1,
      jvmArgsAppend = {
        "-Djava.util.concurrent.ForkJoinPool.common.parallelism=2",
        "-Xms1g",
        "-Xmx1g",
        "-Dio.netty.leakDetection.level=disabled"
      })
  public abstract static class Batch {
    static final CreateTokenRequest REQUEST =
        CreateTokenRequest.of(CannedAnswer.NOTE, TokenScope.WAAS_DELEGATED_ACCESS_SIGN_MESSAGE);

    CannedServer server;
    Contenders.Floor floor;
    ReactiveTokenClient client;
    Contenders.RawFloor rawFloor;
    private WebClient webClient;
    private Contenders.Jdk jdk;

    /** The number of creations in flight per batch; equals the class's OperationsPerInvocation. */
    protected abstract int n();

    /** Whether the server closes every connection after its answer (the handshake benchmark). */
    protected boolean newConnectionEachCreation() {
      return false;
    }

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
      BenchTls.trustViaJvmDefaults(); // before any SSL context exists in this fork
      server = startServer();
      String contender = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
      // Only the contender being measured is built, so no idle pool or loop of another one exists.
      setUpContender(contender, server.baseUrl());
    }

    /** The server this benchmark measures against: HTTP/1.1 only, no ALPN. */
    CannedServer startServer() {
      return CannedServer.startTls(BenchTls.serverContext(), newConnectionEachCreation());
    }

    void setUpContender(String contender, String url) {
      switch (contender) {
        case "client" ->
            client =
                ReactiveTokenClient.builder().baseUrl(url).apiToken(CannedAnswer.API_TOKEN).build();
        case "clientShared" -> {
          floor = new Contenders.Floor(SslProvider.JDK);
          client =
              ReactiveTokenClient.builder()
                  .baseUrl(url)
                  .apiToken(CannedAnswer.API_TOKEN)
                  .httpClient(floor.http)
                  .build();
        }
        case "rawFloorJdk" -> {
          floor = new Contenders.Floor(SslProvider.JDK);
          rawFloor = new Contenders.RawFloor(floor.http, url);
        }
        case "rawFloorOpenSsl" -> {
          floor = new Contenders.Floor(SslProvider.OPENSSL);
          rawFloor = new Contenders.RawFloor(floor.http, url);
        }
        case "webClient" -> {
          floor = new Contenders.Floor(SslProvider.JDK);
          webClient = Contenders.webClient(floor.http, url);
        }
        case "jdk" -> jdk = new Contenders.Jdk(url);
        default -> throw new IllegalStateException("unknown contender " + contender);
      }
    }

    @Setup(Level.Iteration)
    public void startCpuMeter() {
      CpuMeter.start();
    }

    @TearDown(Level.Iteration)
    public void stopCpuMeter() {
      CpuMeter.stop();
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
    public long client() {
      return reactorBatch(i -> client.createToken(REQUEST).map(Token::id));
    }

    @Benchmark
    public long clientShared() {
      return reactorBatch(i -> client.createToken(REQUEST).map(Token::id));
    }

    @Benchmark
    public long rawFloorJdk() {
      return reactorBatch(i -> rawFloor.create());
    }

    @Benchmark
    public long rawFloorOpenSsl() {
      return reactorBatch(i -> rawFloor.create());
    }

    @Benchmark
    public long webClient() {
      return reactorBatch(i -> Contenders.webClientCreate(webClient));
    }

    @Benchmark
    public long jdk() {
      return Batches.futures(n(), i -> jdk.create());
    }

    long reactorBatch(IntFunction<Mono<?>> call) {
      return Batches.reactor(n(), call);
    }
  }

  /** One creation at a time. */
  @OperationsPerInvocation(1)
  public static class N1 extends Batch {
    @Override
    protected int n() {
      return 1;
    }
  }

  @OperationsPerInvocation(16)
  public static class N16 extends Batch {
    @Override
    protected int n() {
      return 16;
    }
  }

  @OperationsPerInvocation(128)
  public static class N128 extends Batch {
    @Override
    protected int n() {
      return 128;
    }
  }

  @OperationsPerInvocation(512)
  public static class N512 extends Batch {
    @Override
    protected int n() {
      return 512;
    }
  }
}
