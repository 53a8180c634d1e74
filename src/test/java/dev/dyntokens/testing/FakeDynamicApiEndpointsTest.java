package dev.dyntokens.testing;

import static dev.dyntokens.testing.Http.createBody;
import static dev.dyntokens.testing.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dyntokens.TokenScope;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class FakeDynamicApiEndpointsTest {
  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05.678Z");

  private final MutableClock clock = new MutableClock(NOW);
  private final List<FakeDynamicApi> started = new ArrayList<>();

  private FakeDynamicApi start(FakeDynamicApi.Builder builder) {
    FakeDynamicApi api = builder.clock(clock).start();
    started.add(api);
    return api;
  }

  private FakeDynamicApi start() {
    return start(FakeDynamicApi.builder().readOnlyApiToken("dyn_read_only"));
  }

  @AfterEach
  void close() {
    started.forEach(FakeDynamicApi::close);
  }

  @Test
  void startsOnAnEphemeralLoopbackPortWithTheDefaultBasePathAndToken() {
    FakeDynamicApi api = start();

    assertThat(api.port()).isPositive();
    assertThat(api.baseUrl()).isEqualTo("http://127.0.0.1:" + api.port() + "/api/v0");
    assertThat(api.apiToken()).isEqualTo(FakeDynamicApi.DEFAULT_API_TOKEN);
  }

  @Test
  void createAnswersTheTokenWithItsSecretAndEveryField() {
    FakeDynamicApi api = start();

    HttpResponse<String> response =
        new Http(api).post("/user/tokens", createBody("ci key", "environment.users.read"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue(Answer.JSON);
    JsonNode token = json(response).get("token");
    assertThat(token.get("id").asText()).hasSize(36).matches("[0-9a-f-]{36}");
    String raw = token.get("rawToken").asText();
    assertThat(raw).startsWith("dyn_").hasSize(40).matches("dyn_[A-Za-z0-9]{36}");
    assertThat(token.get("checksum").asText()).isEqualTo(raw.substring(34));
    assertThat(token.get("createdBy").get("id").asText()).isEqualTo(WireJson.CREATOR_ID);
    assertThat(token.get("createdAt").asText()).isEqualTo("2026-01-02T03:04:05.678Z");
    assertThat(token.get("active").asBoolean()).isTrue();
    assertThat(token.get("note").asText()).isEqualTo("ci key");
    assertThat(token.get("scopes").toString()).isEqualTo("[\"environment.users.read\"]");
    assertThat(token.has("projectEnvironmentId")).isFalse();
  }

  @Test
  void environmentCreateNamesTheEnvironment() {
    FakeDynamicApi api = start();

    JsonNode token =
        json(new Http(api).post("/environments/env-1/tokens", createBody("n"))).get("token");

    assertThat(token.get("projectEnvironmentId").asText()).isEqualTo("env-1");
    assertThat(token.get("projectEnvironment").get("id").asText()).isEqualTo("env-1");
    assertThat(api.tokens())
        .singleElement()
        .satisfies(t -> assertThat(t.environmentId()).isEqualTo("env-1"));
  }

  @Test
  void createdTokensAppearInListsWithoutSecretOrActive() {
    FakeDynamicApi api = start();
    Http http = new Http(api);
    JsonNode first = json(http.post("/user/tokens", createBody("first"))).get("token");
    json(http.post("/user/tokens", createBody("second", "waas.authenticate")));

    HttpResponse<String> list = http.get("/user/tokens");

    assertThat(list.statusCode()).isEqualTo(200);
    JsonNode tokens = json(list).get("tokens");
    assertThat(tokens).hasSize(2);
    assertThat(tokens.get(0).get("id").asText()).isEqualTo(first.get("id").asText());
    assertThat(tokens.get(0).get("checksum").asText()).isEqualTo(first.get("checksum").asText());
    assertThat(tokens.get(1).get("note").asText()).isEqualTo("second");
    tokens.forEach(t -> assertThat(t.has("rawToken") || t.has("active")).isFalse());
  }

  @Test
  void userAndEnvironmentTokensAreListedSeparately() {
    FakeDynamicApi api = start();
    Http http = new Http(api);
    http.post("/user/tokens", createBody("user"));
    http.post("/environments/a/tokens", createBody("a"));
    http.post("/environments/b/tokens", createBody("b"));

    assertThat(json(http.get("/user/tokens")).get("tokens")).hasSize(1);
    assertThat(json(http.get("/environments/a/tokens")).get("tokens").get(0).get("note").asText())
        .isEqualTo("a");
    assertThat(json(http.get("/environments/empty/tokens")).get("tokens")).isEmpty();
    assertThat(api.tokens()).extracting(FakeToken::note).containsExactly("user", "a", "b");
  }

  @Test
  void deleteRemovesTheTokenAndAnswers204WithAnEmptyBody() {
    FakeDynamicApi api = start();
    Http http = new Http(api);
    String id = json(http.post("/user/tokens", createBody("n"))).get("token").get("id").asText();

    HttpResponse<String> deleted = http.delete("/user/tokens/" + id);

    assertThat(deleted.statusCode()).isEqualTo(204);
    assertThat(deleted.body()).isEmpty();
    assertThat(json(http.get("/user/tokens")).get("tokens")).isEmpty();
    assertThat(api.stats().tokensDeleted()).isEqualTo(1);
    assertThat(api.stats().tokensLive()).isZero();
  }

  @Test
  void deleteCanAnswer200WithAnEmptyBody() {
    FakeDynamicApi api = start(FakeDynamicApi.builder().deleteStatus(200));
    Http http = new Http(api);
    String id =
        json(http.post("/environments/e/tokens", createBody("n"))).get("token").get("id").asText();

    HttpResponse<String> deleted = http.delete("/environments/e/tokens/" + id);

    assertThat(deleted.statusCode()).isEqualTo(200);
    assertThat(deleted.body()).isEmpty();
    assertThat(deleted.headers().firstValue("content-length")).hasValue("0");
  }

  @Test
  void deleteOfUnknownIdAnswers404WithCode() {
    FakeDynamicApi api = start();

    HttpResponse<String> response = new Http(api).delete("/user/tokens/no-such-token");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(json(response).get("code").asText()).isEqualTo("token_not_found");
    assertThat(json(response).get("error").asText()).isNotBlank();
  }

  @Test
  void deleteOfAnotherEnvironmentsTokenAnswers404() {
    FakeDynamicApi api = start();
    Http http = new Http(api);
    String id =
        json(http.post("/environments/a/tokens", createBody("n"))).get("token").get("id").asText();

    assertThat(http.delete("/environments/b/tokens/" + id).statusCode()).isEqualTo(404);
    assertThat(http.delete("/user/tokens/" + id).statusCode()).isEqualTo(404);
    assertThat(api.tokens()).hasSize(1);
  }

  @Test
  void missingBearerTokenAnswers401OnEveryEndpoint() {
    FakeDynamicApi api = start();
    Http anonymous = new Http(api).withToken("");

    assertThat(anonymous.get("/user/tokens").statusCode()).isEqualTo(401);
    assertThat(anonymous.post("/user/tokens", createBody("n")).statusCode()).isEqualTo(401);
    assertThat(anonymous.delete("/user/tokens/x").statusCode()).isEqualTo(401);
    assertThat(anonymous.get("/environments/e/tokens").statusCode()).isEqualTo(401);
    assertThat(anonymous.post("/environments/e/tokens", createBody("n")).statusCode())
        .isEqualTo(401);
    HttpResponse<String> last = anonymous.delete("/environments/e/tokens/x");
    assertThat(last.statusCode()).isEqualTo(401);
    assertThat(json(last).get("error").asText()).isNotBlank();
    assertThat(api.stats().tokensCreated()).isZero();
  }

  @Test
  void wrongBearerTokenAnswers401() {
    FakeDynamicApi api = start();

    HttpResponse<String> response =
        new Http(api).withToken("dyn_wrong").post("/user/tokens", createBody("n"));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(json(response).has("error")).isTrue();
  }

  @Test
  void aConfiguredApiTokenReplacesTheDefault() {
    FakeDynamicApi api = start(FakeDynamicApi.builder().apiToken("dyn_custom"));

    assertThat(api.apiToken()).isEqualTo("dyn_custom");
    assertThat(new Http(api).get("/user/tokens").statusCode()).isEqualTo(200);
    assertThat(
            new Http(api)
                .withToken(FakeDynamicApi.DEFAULT_API_TOKEN)
                .get("/user/tokens")
                .statusCode())
        .isEqualTo(401);
  }

  @Test
  void readOnlyTokenMayListButCreateAndDeleteAnswer403() {
    FakeDynamicApi api = start();
    Http readOnly = new Http(api).withToken("dyn_read_only");

    assertThat(readOnly.get("/user/tokens").statusCode()).isEqualTo(200);
    HttpResponse<String> create = readOnly.post("/environments/e/tokens", createBody("n"));
    assertThat(create.statusCode()).isEqualTo(403);
    assertThat(json(create).get("error").asText()).isNotBlank();
    assertThat(readOnly.delete("/user/tokens/x").statusCode()).isEqualTo(403);
    assertThat(api.stats().tokensCreated()).isZero();
  }

  @Test
  void missingBlankOrTooLongNoteAnswers400() {
    FakeDynamicApi api = start();
    Http http = new Http(api);

    assertThat(http.post("/user/tokens", "{\"scopes\":[]}").statusCode()).isEqualTo(400);
    assertThat(http.post("/user/tokens", "{\"note\":\"   \"}").statusCode()).isEqualTo(400);
    assertThat(http.post("/user/tokens", "{\"note\":null}").statusCode()).isEqualTo(400);
    assertThat(http.post("/user/tokens", "{\"note\":12}").statusCode()).isEqualTo(400);
    HttpResponse<String> tooLong = http.post("/user/tokens", createBody("x".repeat(101)));
    assertThat(tooLong.statusCode()).isEqualTo(400);
    assertThat(json(tooLong).get("error").asText()).contains("100");
    assertThat(api.stats().tokensCreated()).isZero();
  }

  @Test
  void aNoteOfExactly100CharactersIsAccepted() {
    FakeDynamicApi api = start();

    assertThat(new Http(api).post("/user/tokens", createBody("x".repeat(100))).statusCode())
        .isEqualTo(200);
  }

  @Test
  void unknownScopeAnswers422InvalidScopes() {
    FakeDynamicApi api = start();

    HttpResponse<String> response =
        new Http(api)
            .post("/user/tokens", createBody("n", "environment.users.read", "made.up.scope"));

    assertThat(response.statusCode()).isEqualTo(422);
    JsonNode body = json(response);
    assertThat(body.get("code").asText()).isEqualTo("invalid_scopes");
    assertThat(body.get("error").asText()).isNotBlank();
    assertThat(body.get("payload").get("invalidScopes").toString())
        .isEqualTo("[\"made.up.scope\"]");
  }

  @Test
  void everyDocumentedScopeIsAccepted() {
    FakeDynamicApi api = start();
    String[] all = TokenScope.knownScopes().stream().map(TokenScope::value).toArray(String[]::new);

    HttpResponse<String> response = new Http(api).post("/user/tokens", createBody("all", all));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).get("token").get("scopes")).hasSize(all.length);
    assertThat(Validator.DOCUMENTED_SCOPES).containsExactly(all);
  }

  @Test
  void theNewerScopesAreAcceptedByDefault() {
    FakeDynamicApi api = start();

    HttpResponse<String> response =
        new Http(api)
            .post(
                "/environments/e/tokens",
                createBody("newer", "all.read", "gasless.read", "gasless.write", "flow.write"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).get("token").get("scopes").toString())
        .isEqualTo("[\"all.read\",\"gasless.read\",\"gasless.write\",\"flow.write\"]");
    assertThat(api.tokens())
        .singleElement()
        .satisfies(
            t ->
                assertThat(t.scopes())
                    .containsExactly("all.read", "gasless.read", "gasless.write", "flow.write"));
  }

  @Test
  void aScopeLeftOutOfTheConfiguredKnownScopesAnswers422InvalidScopes() {
    Set<String> withoutGaslessWrite = new LinkedHashSet<>(Validator.DOCUMENTED_SCOPES);
    withoutGaslessWrite.remove("gasless.write");
    FakeDynamicApi api = start(FakeDynamicApi.builder().knownScopes(withoutGaslessWrite));
    Http http = new Http(api);

    HttpResponse<String> refused =
        http.post("/user/tokens", createBody("n", "gasless.read", "gasless.write"));

    assertThat(refused.statusCode()).isEqualTo(422);
    JsonNode body = json(refused);
    assertThat(body.get("code").asText()).isEqualTo("invalid_scopes");
    assertThat(body.get("error").asText()).isNotBlank();
    assertThat(body.get("payload").get("invalidScopes").toString())
        .isEqualTo("[\"gasless.write\"]");
    assertThat(api.stats().tokensCreated()).isZero();
    assertThat(http.post("/user/tokens", createBody("n", "gasless.read")).statusCode())
        .isEqualTo(200);
  }

  @Test
  void configuredKnownScopesMayNameScopesTheClientDoesNotKnow() {
    FakeDynamicApi api = start(FakeDynamicApi.builder().knownScopes(Set.of("brand.new.scope")));
    Http http = new Http(api);

    assertThat(http.post("/user/tokens", createBody("n", "brand.new.scope")).statusCode())
        .isEqualTo(200);
    assertThat(http.post("/user/tokens", createBody("n", "all.read")).statusCode()).isEqualTo(422);
  }

  @Test
  void scopesThatAreNotAnArrayOfStringsAnswer400() {
    FakeDynamicApi api = start();
    Http http = new Http(api);

    assertThat(http.post("/user/tokens", "{\"note\":\"n\",\"scopes\":\"x\"}").statusCode())
        .isEqualTo(400);
    assertThat(http.post("/user/tokens", "{\"note\":\"n\",\"scopes\":[1]}").statusCode())
        .isEqualTo(400);
  }

  @Test
  void missingScopesMeanNone() {
    FakeDynamicApi api = start();

    HttpResponse<String> response = new Http(api).post("/user/tokens", "{\"note\":\"n\"}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).get("token").get("scopes")).isEmpty();
  }

  @Test
  void malformedJsonAnswers400() {
    FakeDynamicApi api = start();
    Http http = new Http(api);

    assertThat(http.post("/user/tokens", "{\"note\":").statusCode()).isEqualTo(400);
    assertThat(http.post("/user/tokens", "").statusCode()).isEqualTo(400);
    HttpResponse<String> array = http.post("/user/tokens", "[1,2]");
    assertThat(array.statusCode()).isEqualTo(400);
    assertThat(json(array).has("error")).isTrue();
  }

  @Test
  void unknownRequestFieldsAreIgnored() {
    FakeDynamicApi api = start();

    HttpResponse<String> response =
        new Http(api)
            .post("/user/tokens", "{\"note\":\"n\",\"expiresAt\":\"soon\",\"nested\":{\"a\":[1]}}");

    assertThat(response.statusCode()).isEqualTo(200);
  }

  @Test
  void overMaxLiveTokensAnswers422TooManyApiTokensUntilOneIsDeleted() {
    FakeDynamicApi api = start(FakeDynamicApi.builder().maxLiveTokens(2));
    Http http = new Http(api);
    String id = json(http.post("/user/tokens", createBody("1"))).get("token").get("id").asText();
    http.post("/user/tokens", createBody("2"));

    HttpResponse<String> third = http.post("/user/tokens", createBody("3"));

    assertThat(third.statusCode()).isEqualTo(422);
    assertThat(json(third).get("code").asText()).isEqualTo("too_many_api_tokens");
    assertThat(http.post("/environments/e/tokens", createBody("other owner")).statusCode())
        .isEqualTo(200);
    http.delete("/user/tokens/" + id);
    assertThat(http.post("/user/tokens", createBody("3")).statusCode()).isEqualTo(200);
  }

  @Test
  void unknownPathsAnswer404AndWrongMethods405() {
    FakeDynamicApi api = start();
    Http http = new Http(api);

    assertThat(http.get("/nothing/here").statusCode()).isEqualTo(404);
    assertThat(http.get("/user/tokens/a/b").statusCode()).isEqualTo(404);
    assertThat(http.delete("/user/tokens").statusCode()).isEqualTo(405);
    assertThat(http.get("/user/tokens/some-id").statusCode()).isEqualTo(405);
    assertThat(
            new Http(api.baseUrl().replace("/api/v0", "/api/v1"), api.apiToken())
                .get("/user/tokens")
                .statusCode())
        .isEqualTo(404);
  }

  @Test
  void aCustomBasePathMovesEveryEndpoint() {
    FakeDynamicApi api = start(FakeDynamicApi.builder().basePath("/custom/"));

    assertThat(api.baseUrl()).endsWith(":" + api.port() + "/custom");
    assertThat(new Http(api).get("/user/tokens").statusCode()).isEqualTo(200);
  }

  @Test
  void fastModeSkipsAuthAndValidationAndAlwaysCreates() {
    FakeDynamicApi api = start(FakeDynamicApi.builder().validation(false));
    Http anonymous = new Http(api).withToken("");

    assertThat(anonymous.post("/user/tokens", createBody("x".repeat(300), "made.up")).statusCode())
        .isEqualTo(200);
    assertThat(anonymous.post("/user/tokens", "not json").statusCode()).isEqualTo(200);
    assertThat(anonymous.delete("/user/tokens/unknown").statusCode()).isEqualTo(204);
    assertThat(api.stats().tokensCreated()).isEqualTo(2);
  }

  @Test
  void withoutStoringTokensCreatesCountButListsStayEmpty() {
    FakeDynamicApi api = start(FakeDynamicApi.builder().storeTokens(false).validation(false));
    Http http = new Http(api);

    assertThat(http.post("/user/tokens", createBody("n")).statusCode()).isEqualTo(200);

    assertThat(json(http.get("/user/tokens")).get("tokens")).isEmpty();
    assertThat(api.stats().tokensCreated()).isEqualTo(1);
    assertThat(api.stats().tokensLive()).isZero();
  }

  @Test
  void statsCountRequestsAndStatuses() {
    FakeDynamicApi api = start();
    Http http = new Http(api);
    http.post("/user/tokens", createBody("n"));
    http.get("/user/tokens");
    http.delete("/user/tokens/unknown");
    http.withToken("").get("/user/tokens");

    FakeApiStats stats = api.stats();

    assertThat(stats.requests()).isEqualTo(4);
    assertThat(stats.byStatus())
        .containsEntry(200, 2L)
        .containsEntry(404, 1L)
        .containsEntry(401, 1L);
    assertThat(stats.answered()).isEqualTo(4);
    assertThat(stats.tokensCreated()).isEqualTo(1);
    assertThat(stats.tokensLive()).isEqualTo(1);
    assertThat(stats.faultsInjected()).isEmpty();
    // The server counts an exchange as finished once its answer is flushed, which may be just
    // after the client has read it.
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(2);
    while (api.stats().inFlight() != 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(api.stats().inFlight()).isZero();
  }

  @Test
  void startLaterBindsWhenSubscribed() {
    FakeDynamicApi api = FakeDynamicApi.builder().startLater().blockOptional().orElseThrow();
    started.add(api);

    assertThat(new Http(api).get("/user/tokens").statusCode()).isEqualTo(200);
  }

  @Test
  void closeIsIdempotentAndFreesThePort() {
    FakeDynamicApi api = start();
    int port = api.port();

    api.close();
    api.closeLater().block(Duration.ofSeconds(5));

    assertThat(api.isClosed()).isTrue();
    FakeDynamicApi again = start(FakeDynamicApi.builder().port(port));
    assertThat(new Http(again).get("/user/tokens").statusCode()).isEqualTo(200);
  }
}
