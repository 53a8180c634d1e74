package dev.dyntokens.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Actuator over a real port, configured to show every value: the API token appears in neither
 * {@code /actuator/configprops} nor {@code /actuator/env}, only its key with the value masked.
 */
@SpringBootTest(
    classes = DynamicTokensActuatorTest.App.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "dynamic.tokens.api-token=" + DynamicTokensActuatorTest.TOKEN,
      // A second spelling, as an environment variable would show it in /actuator/env.
      "DYNAMIC_TOKENS_API_TOKEN=" + DynamicTokensActuatorTest.TOKEN,
      "dynamic.tokens.base-url=http://127.0.0.1:9/api/v0",
      "management.endpoints.web.exposure.include=configprops,env",
      "management.endpoint.configprops.show-values=always",
      "management.endpoint.env.show-values=always"
    })
@AutoConfigureWebTestClient
@DirtiesContext
class DynamicTokensActuatorTest {
  static final String TOKEN = "dyn_actuatorMustNeverShowThis0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Autowired WebTestClient web;

  @Test
  void configpropsShowsTheApiTokenOnlyMasked() throws Exception {
    String body = get("/actuator/configprops");

    assertThat(body).doesNotContain(TOKEN);
    JsonNode properties = dynamicTokensBean(JSON.readTree(body)).path("properties");
    assertThat(properties.path("apiToken").asText()).isEqualTo("******");
    // show-values=always is in force: other values are shown as they are.
    assertThat(properties.path("baseUrl").asText()).isEqualTo("http://127.0.0.1:9/api/v0");
  }

  @Test
  void envShowsTheApiTokenOnlyMaskedUnderEverySpelling() throws Exception {
    String body = get("/actuator/env");

    assertThat(body).doesNotContain(TOKEN);
    JsonNode env = JSON.readTree(body);
    assertThat(valuesOf(env, "dynamic.tokens.api-token")).isNotEmpty().containsOnly("******");
    assertThat(valuesOf(env, "DYNAMIC_TOKENS_API_TOKEN")).isNotEmpty().containsOnly("******");
    assertThat(valuesOf(env, "dynamic.tokens.base-url")).contains("http://127.0.0.1:9/api/v0");
  }

  @Test
  void theSinglePropertyViewIsMaskedToo() {
    String body = get("/actuator/env/dynamic.tokens.api-token");

    assertThat(body).doesNotContain(TOKEN).contains("******");
  }

  private String get(String path) {
    String body =
        web.get()
            .uri(path)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
    assertThat(body).as(path).isNotNull();
    return body;
  }

  /** The properties bean in {@code contexts.<id>.beans}, whatever the context's id. */
  private static JsonNode dynamicTokensBean(JsonNode configprops) {
    for (JsonNode context : configprops.path("contexts")) {
      for (JsonNode bean : context.path("beans")) {
        if ("dynamic.tokens".equals(bean.path("prefix").asText())) {
          return bean;
        }
      }
    }
    throw new AssertionError("no bean with prefix dynamic.tokens in " + configprops);
  }

  /** The value of {@code key} in every property source of {@code /actuator/env} that has it. */
  private static List<String> valuesOf(JsonNode env, String key) {
    List<String> values = new ArrayList<>();
    for (JsonNode source : env.path("propertySources")) {
      JsonNode property = source.path("properties").path(key);
      if (!property.isMissingNode()) {
        values.add(property.path("value").asText());
      }
    }
    return values;
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {}
}
