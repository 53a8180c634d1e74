package dev.dyntokens.bench;

import dev.dyntokens.CreateTokenRequest;
import dev.dyntokens.ReactiveTokenClient;
import dev.dyntokens.Token;
import dev.dyntokens.TokenScope;
import java.util.concurrent.CompletableFuture;
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
 * Token creation over loopback HTTP/1.1 keep-alive, in batches of N concurrent in-flight creations.
 *
 * <p>JMH needs a compile-time constant in {@link OperationsPerInvocation}, so each batch size is a
 * subclass ({@link N1}, {@link N16}, {@link N128}, {@link N512}) that inherits the five contender
 * methods and carries its own {@code @OperationsPerInvocation(N)}: one invocation is one batch of N
 * creations, and JMH's score (ops/s) and {@code gc.alloc.rate.norm} (B/op) are then per creation.
 *
 * <p>One benchmark thread issues the batch and waits for all N answers ({@code blockLast} /
 * {@code CompletableFuture.join}), which is fine in a benchmark and never done in library code.
 */
public class CreateTokenBenchmark {
  private CreateTokenBenchmark() {}

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
    private static final CreateTokenRequest REQUEST =
        CreateTokenRequest.of(CannedAnswer.NOTE, TokenScope.WAAS_DELEGATED_ACCESS_SIGN_MESSAGE);

    private CannedServer server;
    private Contenders.Floor floor;
    private ReactiveTokenClient client;
    private Contenders.RawFloor rawFloor;
    private WebClient webClient;
    private Contenders.Jdk jdk;

    /** The number of creations in flight per batch; equals the class's OperationsPerInvocation. */
    protected abstract int n();

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
      server = CannedServer.start();
      String url = server.baseUrl();
      String contender = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
      // Only the contender being measured is built, so no idle pool or loop of another one exists.
      switch (contender) {
        case "client" ->
            client =
                ReactiveTokenClient.builder().baseUrl(url).apiToken(CannedAnswer.API_TOKEN).build();
        case "clientShared" -> {
          floor = new Contenders.Floor();
          client =
              ReactiveTokenClient.builder()
                  .baseUrl(url)
                  .apiToken(CannedAnswer.API_TOKEN)
                  .httpClient(floor.http)
                  .build();
        }
        case "rawFloor" -> {
          floor = new Contenders.Floor();
          rawFloor = new Contenders.RawFloor(floor.http, url);
        }
        case "webClient" -> {
          floor = new Contenders.Floor();
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
    public long rawFloor() {
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

    private long reactorBatch(IntFunction<Mono<?>> call) {
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
