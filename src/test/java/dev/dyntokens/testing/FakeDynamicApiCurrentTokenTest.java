package dev.dyntokens.testing;

import static dev.dyntokens.testing.Http.createBody;
import static dev.dyntokens.testing.Http.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dyntokens.TokenScope;
import dev.dyntokens.testing.FaultPlan.Target;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code GET /tokens/me}: the fake describes the API token a request is made with. */
@Timeout(60)
class FakeDynamicApiCurrentTokenTest {
  private static final Instant NOW = Instant.parse("2026-03-04T05:06:07.891Z");
  private static final String READ_ONLY = "dyn_read_only_token_for_me_tests";

  private final MutableClock clock = new MutableClock(NOW);
  private final List<FakeDynamicApi> started = new ArrayList<>();

  private FakeDynamicApi start(FakeDynamicApi.Builder builder) {
    FakeDynamicApi api = builder.clock(clock).start();
    started.add(api);
    return api;
  }

  private FakeDynamicApi start() {
    return start(FakeDynamicApi.builder().readOnlyApiToken(READ_ONLY));
  }

  @AfterEach
  void close() {
    started.forEach(FakeDynamicApi::close);
  }

  @Test
  void answersTheApiTokenInUseInTheListedShapeWithActiveAndWithoutItsSecret() {
    FakeDynamicApi api = start();

    HttpResponse<String> response = new Http(api).get("/tokens/me");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue(Answer.JSON);
    assertThat(response.body()).doesNotContain(api.apiToken());
    JsonNode body = json(response);
    assertThat(body.size()).isEqualTo(1);
    JsonNode token = body.get("token");
    assertThat(token.has("rawToken")).isFalse();
    assertThat(token.get("id").asText()).isEqualTo(FakeDynamicApi.API_TOKEN_ID).hasSize(36);
    String apiToken = api.apiToken();
    assertThat(token.get("checksum").asText()).isEqualTo(apiToken.substring(apiToken.length() - 6));
    assertThat(token.get("createdBy").get("id").asText()).isEqualTo(WireJson.CREATOR_ID);
    assertThat(token.get("createdAt").asText()).isEqualTo("2026-03-04T05:06:07.891Z");
    assertThat(token.get("active").asBoolean()).isTrue();
    assertThat(token.get("note").asText()).isNotBlank();
    assertThat(token.get("projectEnvironmentId").asText())
        .isEqualTo(FakeDynamicApi.DEFAULT_ENVIRONMENT_ID);
    List<String> scopes = new ArrayList<>();
    token.get("scopes").forEach(s -> scopes.add(s.asText()));
    assertThat(scopes)
        .containsExactlyElementsOf(
            TokenScope.knownScopes().stream().map(TokenScope::value).toList());
  }

  @Test
  void theAnswerMatchesApiTokenInfoAndStaysTheSameAcrossCalls() {
    FakeDynamicApi api = start();
    Http http = new Http(api);

    JsonNode first = json(http.get("/tokens/me")).get("token");
    clock.advance(Duration.ofHours(1));
    JsonNode second = json(http.get("/tokens/me")).get("token");

    assertThat(second).isEqualTo(first);
    FakeToken info = api.apiTokenInfo();
    assertThat(first.get("id").asText()).isEqualTo(info.id());
    assertThat(first.get("note").asText()).isEqualTo(info.note());
    assertThat(first.get("checksum").asText()).isEqualTo(info.checksum());
    assertThat(Instant.parse(first.get("createdAt").asText())).isEqualTo(info.createdAt());
    assertThat(info.scopes()).hasSize(first.get("scopes").size());
  }

  @Test
  void theReadOnlyTokenIsAnsweredWithItsOwnIdentityAndReadScopes() {
    FakeDynamicApi api = start();

    HttpResponse<String> response = new Http(api).withToken(READ_ONLY).get("/tokens/me");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).doesNotContain(READ_ONLY);
    JsonNode token = json(response).get("token");
    FakeToken info = api.readOnlyApiTokenInfo();
    assertThat(info).isNotNull();
    assertThat(token.get("id").asText()).isEqualTo(info.id()).isNotEqualTo(api.apiTokenInfo().id());
    assertThat(token.get("checksum").asText())
        .isEqualTo(READ_ONLY.substring(READ_ONLY.length() - 6));
    assertThat(token.get("active").asBoolean()).isTrue();
    assertThat(token.has("rawToken")).isFalse();
    assertThat(info.scopes())
        .isNotEmpty()
        .allMatch(s -> s.endsWith(".read"))
        .contains("all.read", "gasless.read", "environment.apiTokens.read");
    assertThat(token.get("scopes").size()).isEqualTo(info.scopes().size());
  }

  @Test
  void withoutAReadOnlyTokenThereIsNoReadOnlyIdentity() {
    FakeDynamicApi api = start(FakeDynamicApi.builder());

    assertThat(api.readOnlyApiTokenInfo()).isNull();
  }

  @Test
  void missingOrWrongBearerTokenAnswers401() {
    FakeDynamicApi api = start();

    HttpResponse<String> anonymous = new Http(api).withToken("").get("/tokens/me");
    HttpResponse<String> wrong = new Http(api).withToken("dyn_wrong").get("/tokens/me");

    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(json(anonymous).get("error").asText()).isNotBlank();
    assertThat(json(anonymous).has("token")).isFalse();
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(json(wrong).has("token")).isFalse();
  }

  @Test
  void configuredScopesEnvironmentAndTokenAreReported() {
    FakeDynamicApi api =
        start(
            FakeDynamicApi.builder()
                .apiToken("dyn_configured_abcdef")
                .apiTokenScopes(List.of("environment.users.read", "brand.new.scope"))
                .readOnlyApiToken(READ_ONLY)
                .readOnlyApiTokenScopes(List.of("gasless.read"))
                .apiTokenEnvironmentId("env-42"));

    JsonNode main = json(new Http(api).get("/tokens/me")).get("token");
    JsonNode readOnly = json(new Http(api).withToken(READ_ONLY).get("/tokens/me")).get("token");

    assertThat(main.get("scopes").toString())
        .isEqualTo("[\"environment.users.read\",\"brand.new.scope\"]");
    assertThat(main.get("checksum").asText()).isEqualTo("abcdef");
    assertThat(main.get("projectEnvironmentId").asText()).isEqualTo("env-42");
    assertThat(readOnly.get("scopes").toString()).isEqualTo("[\"gasless.read\"]");
    assertThat(readOnly.get("projectEnvironmentId").asText()).isEqualTo("env-42");
  }

  @Test
  void theMainTokensDefaultScopesFollowTheConfiguredKnownScopes() {
    FakeDynamicApi api =
        start(
            FakeDynamicApi.builder()
                .knownScopes(new java.util.LinkedHashSet<>(List.of("all.read", "gasless.write"))));

    assertThat(json(new Http(api).get("/tokens/me")).get("token").get("scopes").toString())
        .isEqualTo("[\"all.read\",\"gasless.write\"]");
  }

  @Test
  void aShortApiTokenIsNotSpelledOutAsItsChecksum() {
    FakeDynamicApi api = start(FakeDynamicApi.builder().apiToken("dyn_x"));

    HttpResponse<String> response = new Http(api).get("/tokens/me");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).get("token").get("checksum").asText())
        .hasSize(6)
        .isNotEqualTo("dyn_x");
  }

  @Test
  void otherMethodsAnswer405AndNeighbouringPaths404() {
    FakeDynamicApi api = start();
    Http http = new Http(api);

    assertThat(http.post("/tokens/me", createBody("n")).statusCode()).isEqualTo(405);
    assertThat(http.delete("/tokens/me").statusCode()).isEqualTo(405);
    assertThat(http.get("/tokens").statusCode()).isEqualTo(404);
    assertThat(http.get("/tokens/you").statusCode()).isEqualTo(404);
    assertThat(http.get("/tokens/me/again").statusCode()).isEqualTo(404);
    assertThat(api.stats().tokensCreated()).isZero();
  }

  @Test
  void introspectionIsCountedInTheStatsAndChangesNoTokens() {
    FakeDynamicApi api = start();
    Http http = new Http(api);
    http.get("/tokens/me");
    http.withToken(READ_ONLY).get("/tokens/me");
    http.withToken("").get("/tokens/me");

    FakeApiStats stats = api.stats();

    assertThat(stats.requests()).isEqualTo(3);
    assertThat(stats.byStatus()).containsEntry(200, 2L).containsEntry(401, 1L);
    assertThat(stats.tokensCreated()).isZero();
    assertThat(stats.tokensLive()).isZero();
    assertThat(api.tokens()).isEmpty();
  }

  @Test
  void theFaultPlanAppliesToIntrospectionThroughItsOwnTarget() {
    FakeDynamicApi api =
        start(
            FakeDynamicApi.builder()
                .faults(
                    FaultPlan.builder()
                        .script(Target.CURRENT, FaultKind.STATUS_503, FaultKind.HTML_502)
                        .build()));
    Http http = new Http(api);

    assertThat(http.get("/user/tokens").statusCode()).isEqualTo(200);
    assertThat(http.get("/tokens/me").statusCode()).isEqualTo(503);
    HttpResponse<String> html = http.get("/tokens/me");
    assertThat(html.statusCode()).isEqualTo(502);
    assertThat(html.body()).contains("<html>");
    assertThat(http.get("/tokens/me").statusCode()).isEqualTo(200);
    assertThat(api.stats().faults(FaultKind.STATUS_503)).isEqualTo(1);
    assertThat(api.stats().faults(FaultKind.HTML_502)).isEqualTo(1);
  }

  @Test
  void thePerClientRateLimitCountsIntrospectionsAsItDoesOtherGets() {
    FakeDynamicApi api = start(FakeDynamicApi.builder().rateLimitPerMinutePerClient(2));
    Http http = new Http(api);

    assertThat(http.get("/tokens/me").statusCode()).isEqualTo(200);
    assertThat(http.get("/user/tokens").statusCode()).isEqualTo(200);
    HttpResponse<String> limited = http.get("/tokens/me");

    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("retry-after")).isPresent();
    assertThat(json(limited).get("code").asInt()).isEqualTo(429);
    clock.advance(Duration.ofSeconds(60));
    assertThat(http.get("/tokens/me").statusCode()).isEqualTo(200);
  }

  @Test
  void fastModeAnswersTheMainTokenWithoutAuthentication() {
    FakeDynamicApi api = start(FakeDynamicApi.builder().validation(false));

    HttpResponse<String> response = new Http(api).withToken("").get("/tokens/me");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).get("token").get("id").asText()).isEqualTo(api.apiTokenInfo().id());
  }

  @Test
  void builderChecksTheIdentityOptions() {
    assertThatThrownBy(() -> FakeDynamicApi.builder().apiTokenScopes(null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> FakeDynamicApi.builder().apiTokenScopes(List.of(" ")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> FakeDynamicApi.builder().readOnlyApiTokenScopes(new ArrayList<>(nullScope())))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> FakeDynamicApi.builder().apiTokenEnvironmentId(""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FakeDynamicApi.builder().apiTokenEnvironmentId(null))
        .isInstanceOf(NullPointerException.class);
  }

  private static List<String> nullScope() {
    List<String> scopes = new ArrayList<>();
    scopes.add(null);
    return scopes;
  }
}
