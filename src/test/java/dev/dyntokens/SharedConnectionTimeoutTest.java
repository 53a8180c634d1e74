package dev.dyntokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Two clients built on one caller {@link HttpClient} share its pooled connections, yet each
 * exchange keeps the response timeout of the client that made it.
 */
class SharedConnectionTimeoutTest {
  private MockWebServer server;
  private ConnectionProvider pool;

  @BeforeEach
  void start() throws Exception {
    server = Fixtures.startServer();
    pool = ConnectionProvider.builder("shared").maxConnections(1).build();
  }

  @AfterEach
  void stop() {
    pool.dispose();
    server.close();
  }

  private ReactiveTokenClient client(HttpClient shared, Duration responseTimeout) {
    return Fixtures.clientFor(server).httpClient(shared).responseTimeout(responseTimeout).build();
  }

  @Test
  void eachClientKeepsItsOwnResponseTimeoutOnAConnectionTheOtherUsedFirst() {
    HttpClient shared = HttpClient.create(pool);
    try (ReactiveTokenClient quick = client(shared, Duration.ofMillis(1500));
        ReactiveTokenClient patient = client(shared, Duration.ofSeconds(10))) {
      server.enqueue(Fixtures.json(200, Fixtures.LIST_BODY));
      quick.listTokens().collectList().block(Duration.ofSeconds(5));

      // On the same connection: an answer after 3 s is within the patient client's 10 s.
      server.enqueue(
          Fixtures.json(200, Fixtures.LIST_BODY)
              .newBuilder()
              .headersDelay(3, TimeUnit.SECONDS)
              .build());
      assertThat(patient.listTokens().collectList().block(Duration.ofSeconds(20))).isNotEmpty();
      assertThat(server.getRequestCount()).isEqualTo(2);

      // And the quick client's 1.5 s still holds after the patient one used the connection.
      server.enqueue(
          Fixtures.json(200, Fixtures.LIST_BODY)
              .newBuilder()
              .headersDelay(3, TimeUnit.SECONDS)
              .build());
      Throwable failure =
          quick
              .listTokens()
              .collectList()
              .map(l -> (Throwable) new AssertionError("answered"))
              .onErrorResume(reactor.core.publisher.Mono::just)
              .block(Duration.ofSeconds(20));
      assertThat(failure).isInstanceOf(ResponseTimeoutException.class);
      assertThat(failure.getMessage()).contains("1500 ms");
    }
  }
}
