package dev.dyntokens;

import static dev.dyntokens.Fixtures.CREATED_BODY;
import static dev.dyntokens.Fixtures.RAW_TOKEN;
import static dev.dyntokens.Fixtures.createdWith;
import static dev.dyntokens.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.test.StepVerifier;

/** A success answer that is not a valid token fails with a decoding error naming the field. */
class ResponseIntegrityTest extends MockServerTest {
  static Stream<Arguments> badTokens() {
    return Stream.of(
        Arguments.of(
            "checksum not the last 6", createdWith("checksum", "\"ABCDEF\""), "token.checksum"),
        Arguments.of("checksum too short", createdWith("checksum", "\"3LFC\""), "token.checksum"),
        Arguments.of(
            "rawToken missing",
            CREATED_BODY.replaceFirst("\"rawToken\": [^\\n]*\\n", ""),
            "token.rawToken"),
        Arguments.of("rawToken null", createdWith("rawToken", "null"), "token.rawToken"),
        Arguments.of(
            "rawToken not text",
            createdWith("rawToken", "\"dyn_a\\u0000bc4n3LFC\""),
            "token.rawToken"),
        Arguments.of("rawToken a number", createdWith("rawToken", "12345678"), "token.rawToken"),
        Arguments.of("id missing", CREATED_BODY.replaceFirst("\"id\": [^\\n]*\\n", ""), "token.id"),
        Arguments.of("id a number", createdWith("id", "42"), "token.id"),
        Arguments.of("id with a slash", createdWith("id", "\"../../admin\""), "token.id"),
        Arguments.of(
            "createdAt not a date", createdWith("createdAt", "\"yesterday\""), "token.createdAt"),
        Arguments.of("active a string", createdWith("active", "\"yes\""), "token.active"),
        Arguments.of(
            "scopes an object",
            CREATED_BODY.replace(
                "\"scopes\": [\n\"waas.delegatedAccess.signMessage\"\n]", "\"scopes\": {}"),
            "token.scopes"),
        Arguments.of("token missing", "{\"tokens\":[]}", "token"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badTokens")
  void invalidCreatedTokenFailsWithDecodingErrorNamingTheField(
      String name, String body, String field) {
    server.enqueue(json(200, body));

    StepVerifier.create(client.createToken(CreateTokenRequest.of("x")))
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isInstanceOf(ResponseDecodingException.class);
              ResponseDecodingException d = (ResponseDecodingException) e;
              assertThat(d.field()).isEqualTo(field);
              assertThat(d.getMessage())
                  .contains(field)
                  .doesNotContain(RAW_TOKEN)
                  .doesNotContain("4n3LFC\"");
              assertThat(d.requestMayHaveBeenProcessed()).isTrue();
              assertThat(d.getCause()).isNull();
            })
        .verify(Duration.ofSeconds(5));
  }

  static Stream<Arguments> badBodies() {
    return Stream.of(
        Arguments.of("empty", ""),
        Arguments.of("html", "<html>hello</html>"),
        Arguments.of("truncated", CREATED_BODY.substring(0, CREATED_BODY.indexOf("checksum"))),
        Arguments.of("duplicate key", "{\"token\":{\"id\":\"a\",\"id\":\"b\"}}"),
        Arguments.of("deep nesting", "{\"token\":" + "[".repeat(500) + "]".repeat(500) + "}"),
        Arguments.of("trailing garbage", CREATED_BODY + " {}"),
        Arguments.of("array", "[]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badBodies")
  void bodyThatIsNotTheApisJsonFailsWithDecodingError(String name, String body) {
    server.enqueue(json(200, body));

    StepVerifier.create(client.createToken(CreateTokenRequest.of("x")))
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isInstanceOf(ResponseDecodingException.class);
              assertThat(e.getMessage()).contains("HTTP 200").doesNotContain(RAW_TOKEN);
            })
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void invalidUtf8FailsWithDecodingError() {
    okio.Buffer bytes =
        new okio.Buffer()
            .writeUtf8("{\"token\":{\"id\":\"")
            .write(new byte[] {(byte) 0xC3, (byte) 0x28})
            .writeUtf8("\"}}");
    server.enqueue(new MockResponse.Builder().code(200).body(bytes).build());

    StepVerifier.create(client.createToken(CreateTokenRequest.of("x")))
        .expectError(ResponseDecodingException.class)
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void successBodyOverOneMebibyteFailsClearly() {
    String huge = "{\"tokens\":[" + "{\"pad\":\"" + "x".repeat(1 << 20) + "\"}]}";
    server.enqueue(json(200, huge));
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .body(new okio.Buffer().writeUtf8(huge))
            .removeHeader("Content-Length")
            .build());

    StepVerifier.create(client.listTokens())
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(ResponseDecodingException.class)
                    .hasMessageContaining("1048576"))
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void chunkedOversizedBodyIsCutOffWhileReading() {
    String huge = "{\"tokens\":[" + "{\"pad\":\"" + "x".repeat(1 << 20) + "\"}]}";
    server.enqueue(new MockResponse.Builder().code(200).chunkedBody(huge, 8192).build());

    StepVerifier.create(client.listTokens())
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(ResponseDecodingException.class)
                    .hasMessageContaining("more than 1048576"))
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void listEntryMissingRequiredFieldNamesItsIndex() {
    server.enqueue(
        json(
            200,
            "{\"tokens\":[{\"id\":\"a\",\"checksum\":\"abcdef\",\"createdBy\":{\"id\":\"u\"}}]}"));

    StepVerifier.create(client.listTokens())
        .expectErrorSatisfies(
            e ->
                assertThat(((ResponseDecodingException) e).field())
                    .isEqualTo("tokens[0].createdAt"))
        .verify(Duration.ofSeconds(5));
  }
}
