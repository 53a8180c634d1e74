package dev.dyntokens;

import static dev.dyntokens.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** The statuses the vendor documents for these endpoints, each mapped as documented. */
class DocumentedStatusesTest extends MockServerTest {
  private static final Duration VERIFY = Duration.ofSeconds(5);

  @Test
  void creatingAnEnvironmentTokenAnswered201DeliversTheToken() {
    server.enqueue(json(201, Fixtures.CREATED_BODY));

    StepVerifier.create(
            client.createEnvironmentToken(Fixtures.ENV_ID, CreateTokenRequest.of("env key")))
        .assertNext(t -> assertThat(t.id()).isEqualTo(Fixtures.TOKEN_ID))
        .expectComplete()
        .verify(VERIFY);
  }

  @Test
  void aDeleteAnswered204Completes() {
    server.enqueue(new MockResponse.Builder().code(204).build());

    StepVerifier.create(client.deleteEnvironmentToken(Fixtures.ENV_ID, Fixtures.TOKEN_ID))
        .expectComplete()
        .verify(VERIFY);
  }

  @Test
  void aDeleteAnswered405IsADynamicApiExceptionWithItsStatus() {
    server.enqueue(json(405, "{\"error\":\"Method not allowed\"}"));

    StepVerifier.create(client.deleteToken(Fixtures.TOKEN_ID))
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isExactlyInstanceOf(DynamicApiException.class);
              assertThat(((DynamicApiException) e).statusCode()).isEqualTo(405);
              assertThat(((DynamicApiException) e).errorMessage()).isEqualTo("Method not allowed");
              assertThat(((DynamicApiException) e).retryable()).isFalse();
            })
        .verify(VERIFY);
  }

  @Test
  void a422TooManyRequestsIsAnUnprocessableEntityWithItsCode() {
    server.enqueue(
        json(
            422,
            "{\"error\":\"Too many requests\",\"code\":\"too_many_requests\",\"payload\":{}}"));

    StepVerifier.create(client.createToken(CreateTokenRequest.of("n")))
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isInstanceOf(UnprocessableEntityException.class);
              assertThat(((DynamicApiException) e).errorCode()).isEqualTo("too_many_requests");
              assertThat(((DynamicApiException) e).statusCode()).isEqualTo(422);
            })
        .verify(VERIFY);
  }
}
