package dev.dyntokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * A request that never left the client is no ambiguous create: the caller's context-header function
 * failing, or giving a header Netty would refuse, fails the call before anything is written, so no
 * token can exist and none is reported.
 */
class UnsentRequestTest extends MockServerTest {
  private Throwable createFailure(ReactiveTokenClient c) {
    return c.createToken(CreateTokenRequest.of("unsent"))
        .map(t -> (Throwable) new AssertionError("created"))
        .onErrorResume(Mono::just)
        .block(Duration.ofSeconds(10));
  }

  private ReactiveTokenClient withContextHeaders(
      java.util.function.Function<reactor.util.context.ContextView, Map<String, String>> headers) {
    client.close();
    client = Fixtures.clientFor(server).contextHeaders(headers).build();
    return client;
  }

  @Test
  void aContextHeaderFunctionThatThrowsFailsTheCreateAsUnsent() {
    Throwable failure =
        createFailure(
            withContextHeaders(
                ctx -> {
                  throw new IllegalStateException("tenant lookup failed");
                }));

    assertThat(failure).isInstanceOf(TokenClientException.class);
    assertThat(((TokenClientException) failure).requestMayHaveBeenProcessed()).isFalse();
    assertThat(TokenMayExistException.in(failure)).isEmpty();
    assertThat(failure.getMessage()).contains("contextHeaders").contains("not sent");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void aContextHeaderValueWithALineBreakFailsTheCreateAsUnsent() {
    Throwable failure =
        createFailure(withContextHeaders(ctx -> Map.of("X-Tenant", "a\r\nX-Injected: 1")));

    assertThat(failure).isInstanceOf(TokenClientException.class);
    assertThat(((TokenClientException) failure).requestMayHaveBeenProcessed()).isFalse();
    assertThat(TokenMayExistException.in(failure)).isEmpty();
    assertThat(server.getRequestCount()).isZero();
  }
}
