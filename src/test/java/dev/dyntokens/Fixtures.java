package dev.dyntokens;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;

/** Shared bodies and set-up for the client's tests. */
final class Fixtures {
  static final String API_TOKEN = "dyn_apiTokenSecretValue0123456789";
  static final String RAW_TOKEN = "dyn_aGLjTe3TUN40vSE75sTtgUx9AjIe0q4n3LFC";
  static final String TOKEN_ID = "95b11417-f18f-457f-8804-68e361f9164f";
  static final String ENV_ID = "0a3c8e1b-5b7e-4a55-9f0e-3d2a1c0b9e8f";

  /** The example answer of the upstream documentation, verbatim. */
  static final String CREATED_BODY =
      "{\n"
          + "\"token\": {\n"
          + "\"id\": \"95b11417-f18f-457f-8804-68e361f9164f\",\n"
          + "\"rawToken\": \"dyn_aGLjTe3TUN40vSE75sTtgUx9AjIe0q4n3LFC\",\n"
          + "\"checksum\": \"4n3LFC\",\n"
          + "\"createdBy\": {\n"
          + "\"id\": \"95b11417-f18f-457f-8804-68e361f9164f\",\n"
          + "\"alias\": \"<string>\",\n"
          + "\"firstName\": \"<string>\",\n"
          + "\"lastName\": \"<string>\",\n"
          + "\"email\": \"jsmith@example.com\"\n"
          + "},\n"
          + "\"createdAt\": \"2023-11-07T05:31:56Z\",\n"
          + "\"active\": true,\n"
          + "\"note\": \"<string>\",\n"
          + "\"projectEnvironmentId\": \"95b11417-f18f-457f-8804-68e361f9164f\",\n"
          + "\"projectEnvironment\": {\n"
          + "\"id\": \"95b11417-f18f-457f-8804-68e361f9164f\"\n"
          + "},\n"
          + "\"scopes\": [\n"
          + "\"waas.delegatedAccess.signMessage\"\n"
          + "]\n"
          + "}\n"
          + "}";

  static final String LIST_BODY =
      "{\"tokens\":[{\"id\":\"95b11417-f18f-457f-8804-68e361f9164f\",\"checksum\":\"4n3LFC\","
          + "\"createdBy\":{\"id\":\"u1\"},\"createdAt\":\"2023-11-07T05:31:56Z\",\"note\":\"a\","
          + "\"scopes\":[\"environment.users.read\",\"future.scope\"],\"newField\":{\"x\":1}},"
          + "{\"id\":\"b2\",\"checksum\":\"zzzzzz\",\"createdBy\":{\"id\":\"u2\"},"
          + "\"createdAt\":\"2024-01-01T00:00:00.123Z\"}]}";

  private Fixtures() {}

  static MockWebServer startServer() throws IOException {
    MockWebServer server = new MockWebServer();
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    return server;
  }

  static String baseUrl(MockWebServer server) {
    return "http://127.0.0.1:" + server.getPort() + "/api/v0";
  }

  static ReactiveTokenClient.Builder clientFor(MockWebServer server) {
    return ReactiveTokenClient.builder()
        .baseUrl(baseUrl(server))
        .apiToken(API_TOKEN)
        .retryPolicy(RetryPolicy.none())
        .responseTimeout(Duration.ofSeconds(5));
  }

  static MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .setHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  static MockResponse created() {
    return json(200, CREATED_BODY);
  }

  static String createdWith(String field, String json) {
    return CREATED_BODY.replaceFirst(
        "\"" + field + "\": [^\\n]*\\n",
        java.util.regex.Matcher.quoteReplacement("\"" + field + "\": " + json + ",\n"));
  }
}
