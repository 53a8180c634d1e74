package dev.dyntokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every valid port of a base URL reaches that port on that host, the host and port handed to
 * Reactor Netty as they are, so no URL is parsed two ways (once as {@code host:port}, once as a
 * host name to look up in DNS); a port outside 1-65535 is refused when the URL is set, and a
 * loopback name is never looked up.
 */
class BaseUrlPortTest {
  private static MockWebServer listenOn(String host, int port) {
    MockWebServer server = new MockWebServer();
    try {
      server.start(InetAddress.getByName(host), port);
    } catch (IOException e) {
      server.close();
      Assumptions.abort("port " + port + " is not free here: " + e.getMessage());
    }
    return server;
  }

  private static void reaches(String host, int port) throws Exception {
    try (MockWebServer server = listenOn("127.0.0.1", port);
        ReactiveTokenClient client =
            ReactiveTokenClient.builder()
                .baseUrl("http://" + host + ":" + port + "/api/v0")
                .apiToken(Fixtures.API_TOKEN)
                .retryPolicy(RetryPolicy.none())
                .build()) {
      server.enqueue(Fixtures.json(200, Fixtures.LIST_BODY));

      assertThat(client.listTokens().collectList().block(Duration.ofSeconds(10))).isNotEmpty();
      RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
      assertThat(r.getTarget()).isEqualTo("/api/v0/user/tokens");
      String expectedHost = port == 80 ? host : host + ":" + port;
      assertThat(r.getHeaders().get("Host")).isEqualTo(expectedHost);
    }
  }

  @ParameterizedTest(name = "127.0.0.1:{0}")
  @ValueSource(ints = {1, 9, 80, 8080, 65535})
  void aLiteralAddressWithAnyValidPortIsReached(int port) throws Exception {
    reaches("127.0.0.1", port);
  }

  @ParameterizedTest(name = "localhost:{0}")
  @ValueSource(ints = {9, 8080})
  void localhostWithAnyValidPortIsReached(int port) throws Exception {
    reaches("localhost", port);
  }

  @org.junit.jupiter.api.Test
  void aSubdomainOfLocalhostIsLoopbackWithoutAskingDns() throws Exception {
    // RFC 6761: *.localhost is loopback; a DNS answer for it (a wildcard search domain) could
    // otherwise receive the bearer token over plain http.
    reaches("tenant.localhost", 8081);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "http://127.0.0.1:65536/api/v0",
        "http://127.0.0.1:0/api/v0",
        "http://127.0.0.1:123456/api/v0",
        "https://app.dynamicauth.com:99999/api/v0"
      })
  void aPortOutsideTheValidRangeIsRefusedWhenSet(String url) {
    assertThatThrownBy(() -> ReactiveTokenClient.builder().baseUrl(url))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port");
  }
}
