package dev.dyntokens;

import static dev.dyntokens.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** {@code GET /tokens/me}: the API token in use, as a service checks it at start-up. */
class CurrentTokenTest extends MockServerTest {
  private static final String ME =
      "{\"token\":{\"id\":\"8c9d3c38-5f5e-4a46-9d4c-1f2b3a4c5d6e\",\"checksum\":\"a1b2c3\","
          + "\"createdBy\":{\"id\":\"u-1\",\"email\":\"ops@example.com\"},"
          + "\"createdAt\":\"2026-01-02T03:04:05.678Z\",\"note\":\"billing-service\","
          + "\"projectEnvironmentId\":\"env-1\",\"scopes\":[\"all.read\",\"environment.users.read\"],"
          + "\"newField\":{\"x\":1}}}";

  @Test
  void theTokenInUseIsIntrospectedWithoutItsSecret() throws Exception {
    server.enqueue(json(200, ME));

    TokenInfo me = client.currentToken().block(Duration.ofSeconds(5));

    assertThat(me).isNotNull();
    assertThat(me.id()).isEqualTo("8c9d3c38-5f5e-4a46-9d4c-1f2b3a4c5d6e");
    assertThat(me.note()).isEqualTo("billing-service");
    assertThat(me.projectEnvironmentId()).isEqualTo("env-1");
    assertThat(me.scopes())
        .containsExactly(TokenScope.of("all.read"), TokenScope.ENVIRONMENT_USERS_READ);
    RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(r.getMethod()).isEqualTo("GET");
    assertThat(r.getTarget()).isEqualTo("/api/v0/tokens/me");
    assertThat(r.getHeaders().get("Authorization")).isEqualTo("Bearer " + Fixtures.API_TOKEN);
  }

  @Test
  void aStartUpCheckCanRequireTheScopesAServiceNeeds() {
    server.enqueue(json(200, ME));

    boolean canManageTokens =
        client
            .currentToken()
            .map(t -> t.scopes().contains(TokenScope.ENVIRONMENT_API_TOKENS_WRITE))
            .block(Duration.ofSeconds(5));

    assertThat(canManageTokens).isFalse();
  }

  @Test
  void anInvalidTokenIsAnUnauthorizedException() {
    server.enqueue(json(401, "{\"error\":\"invalid token\"}"));

    StepVerifier.create(client.currentToken())
        .expectError(UnauthorizedException.class)
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void anAnswerWithoutTheTokenIsADecodingFailureNamingTheField() {
    server.enqueue(json(200, "{\"tokens\":[]}"));

    StepVerifier.create(client.currentToken())
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(ResponseDecodingException.class)
                    .hasMessageContaining("token"))
        .verify(Duration.ofSeconds(5));
  }
}
