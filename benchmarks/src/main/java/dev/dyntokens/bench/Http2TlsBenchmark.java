package dev.dyntokens.bench;

import dev.dyntokens.ReactiveTokenClient;
import dev.dyntokens.Token;
import io.netty.handler.ssl.SslProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;

/**
 * HTTP/2 against HTTP/1.1 over TLS 1.3 with keep-alive, N = 16, 128 and 512 creations in flight.
 * The server ({@link CannedServer#startTlsAlpn}) offers {@code h2} and {@code http/1.1} by ALPN, on
 * OpenSSL, and each contender takes the protocol it asks for: {@code client} (its own defaults,
 * HTTP/1.1, on OpenSSL here) and {@code rawFloorOpenSsl} (the floor, HTTP/1.1) against {@code
 * clientHttp2} (the client with {@code http2(true)}, otherwise its defaults) and {@code
 * rawFloorHttp2} (the floor asking for h2 on OpenSSL). Besides creations/s and CPU, {@code
 * server.connections.open} says how many connections carried the calls.
 *
 * <p>The other contenders of {@link CreateTokenTlsBenchmark} are inherited too; the README's
 * command selects these four.
 */
public class Http2TlsBenchmark {
  private Http2TlsBenchmark() {}

  public abstract static class Batch extends CreateTokenTlsBenchmark.Batch {
    @Override
    CannedServer startServer() {
      return CannedServer.startTlsAlpn(BenchTls.serverContextAlpn());
    }

    @Override
    void setUpContender(String contender, String url) {
      switch (contender) {
        case "clientHttp2" ->
            client =
                ReactiveTokenClient.builder()
                    .baseUrl(url)
                    .apiToken(CannedAnswer.API_TOKEN)
                    .http2(true)
                    .build();
        case "rawFloorHttp2" -> {
          floor = Contenders.Floor.http2(SslProvider.OPENSSL);
          rawFloor = new Contenders.RawFloor(floor.http, url);
        }
        default -> super.setUpContender(contender, url);
      }
    }

    @Benchmark
    public long clientHttp2() {
      return reactorBatch(i -> client.createToken(REQUEST).map(Token::id));
    }

    @Benchmark
    public long rawFloorHttp2() {
      return reactorBatch(i -> rawFloor.create());
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
