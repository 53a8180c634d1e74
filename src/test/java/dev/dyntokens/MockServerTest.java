package dev.dyntokens;

import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A fresh MockWebServer and a client pointed at it (no retries) for each test. */
abstract class MockServerTest {
  MockWebServer server;
  ReactiveTokenClient client;

  @BeforeEach
  void startServerAndClient() throws Exception {
    server = Fixtures.startServer();
    client = Fixtures.clientFor(server).build();
  }

  @AfterEach
  void stopServerAndClient() {
    client.close();
    server.close();
  }
}
