package dev.dyntokens.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dyntokens.ResponseDecodingException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WireReaderTest {
  private final Json json = new Json(new ObjectMapper());

  private Json.CreatedBody created(String body) {
    byte[] bytes = body.getBytes(UTF_8);
    return json.readCreated(bytes, bytes.length, 200);
  }

  private Json.ListBody listed(String body) {
    byte[] bytes = body.getBytes(UTF_8);
    return json.readList(bytes, bytes.length, 200);
  }

  private static String token(String fields) {
    return "{\"token\":{" + fields + "}}";
  }

  @Test
  void readsEveryFieldInAnyOrderAndSkipsUnknownOnes() {
    Json.TokenBody t =
        created(
                "{\"extra\":[1,{\"a\":[]}],\"token\":{\"scopes\":[\"a\",null],\"note\":\"n\","
                    + "\"future\":{\"x\":{\"y\":[true]}},\"active\":false,"
                    + "\"projectEnvironment\":{\"id\":\"e\",\"name\":\"prod\"},"
                    + "\"projectEnvironmentId\":\"e2\",\"createdAt\":\"2023-11-07T05:31:56Z\","
                    + "\"createdBy\":{\"email\":\"m\",\"lastName\":\"l\",\"firstName\":\"f\","
                    + "\"alias\":\"a\",\"id\":\"u\",\"role\":1},\"checksum\":\"c\","
                    + "\"rawToken\":\"r\",\"id\":\"i\"},\"more\":null}")
            .token();
    assertThat(t)
        .isEqualTo(
            new Json.TokenBody(
                "i",
                "r",
                "c",
                new Json.CreatorBody("u", "a", "f", "l", "m"),
                "2023-11-07T05:31:56Z",
                false,
                "n",
                "e2",
                new Json.EnvironmentBody("e"),
                Arrays.asList("a", null)));
  }

  @Test
  void nullsAndAbsentFieldsReadAsNull() {
    assertThat(created("{\"token\":null}").token()).isNull();
    assertThat(created("{}").token()).isNull();
    assertThat(
            created(token("\"id\":null,\"createdBy\":null,\"scopes\":null,\"active\":null"))
                .token())
        .isEqualTo(new Json.TokenBody(null, null, null, null, null, null, null, null, null, null));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "id number           | \"id\":42                          | token.id",
        "id object           | \"id\":{\"a\":1}                   | token.id",
        "id array            | \"id\":[\"a\"]                     | token.id",
        "rawToken boolean    | \"rawToken\":true                  | token.rawToken",
        "active string       | \"active\":\"yes\"                 | token.active",
        "active number       | \"active\":1                       | token.active",
        "createdBy string    | \"createdBy\":\"u\"                | token.createdBy",
        "creator id number   | \"createdBy\":{\"id\":7}           | token.createdBy.id",
        "environment array   | \"projectEnvironment\":[]          | token.projectEnvironment",
        "scopes object       | \"scopes\":{}                      | token.scopes",
        "scopes string       | \"scopes\":\"a\"                   | token.scopes",
        "scope number        | \"scopes\":[\"a\",2]               | token.scopes[1]",
        "scope object        | \"scopes\":[{}]                    | token.scopes[0]"
      })
  void valueOfTheWrongTypeIsRefusedNamingItsPath(String name, String fields, String path) {
    assertThatThrownBy(() -> created(token(fields)))
        .isInstanceOfSatisfying(
            ResponseDecodingException.class,
            e -> {
              assertThat(e.field()).isEqualTo(path);
              assertThat(e.getMessage())
                  .startsWith("response body (HTTP 200) has a value of the wrong type at " + path)
                  .contains("(at byte ");
            });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "token twice      | {\"token\":null,\"token\":{}}                              | token",
        "id twice         | {\"token\":{\"id\":\"a\",\"id\":\"b\"}}                    | token.id",
        "creator id twice | {\"token\":{\"createdBy\":{\"id\":\"a\",\"id\":\"b\"}}}  | token.createdBy.id",
        "env id twice     | {\"token\":{\"projectEnvironment\":{\"id\":\"a\",\"id\":null}}} | token.projectEnvironment.id",
        "scopes twice     | {\"token\":{\"scopes\":[],\"scopes\":[\"a\"]}}             | token.scopes"
      })
  void knownFieldGivenTwiceIsRefused(String name, String body, String path) {
    assertThatThrownBy(() -> created(body))
        .isInstanceOfSatisfying(
            ResponseDecodingException.class,
            e -> {
              assertThat(e.field()).isEqualTo(path);
              assertThat(e.getMessage()).contains("has a duplicate field " + path);
            });
  }

  @Test
  void unknownFieldGivenTwiceIsSkippedLikeAnyUnknownField() {
    assertThat(created(token("\"x\":1,\"x\":2,\"id\":\"a\"")).token().id()).isEqualTo("a");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "empty        | ''                                    | is empty",
        "null         | null                                  | is JSON null, not an object",
        "array        | []                                    | is not a JSON object",
        "string       | '\"token\"'                           | is not a JSON object",
        "trailing     | {} {}                                 | has content after the JSON object",
        "truncated    | '{\"token\":{\"createdBy\":{\"id\":'  | ends before the JSON is complete in token.createdBy.id",
        "not json     | '{\"token\":{\"id\":nope}}'           | is not valid JSON in token.id",
      })
  void bodyThatIsNotOneObjectIsRefused(String name, String body, String what) {
    assertThatThrownBy(() -> created(body))
        .isInstanceOf(ResponseDecodingException.class)
        .hasMessageStartingWith("response body (HTTP 200) " + what)
        .hasNoCause();
  }

  @Test
  void nestingBeyondTheLimitIsRefusedEvenInsideAnUnknownField() {
    String deep = "[".repeat(40) + "]".repeat(40);
    assertThatThrownBy(() -> created("{\"extra\":" + deep + "}"))
        .isInstanceOf(ResponseDecodingException.class)
        .hasMessageContaining("exceeds a parser limit");
  }

  @Test
  void readingACreatedBodyWipesItsBytes() {
    byte[] bytes = token("\"rawToken\":\"dyn_secret\"").getBytes(UTF_8);
    json.readCreated(bytes, bytes.length, 200);
    assertThat(bytes).containsOnly(0);
  }

  @Test
  void listNamesTheEntryOfAValueOfTheWrongType() {
    assertThat(listed("{\"tokens\":[{\"id\":\"a\"},null]}").tokens()).hasSize(2);
    assertThat(listed("{\"tokens\":null}").tokens()).isNull();
    assertThatThrownBy(() -> listed("{\"tokens\":[{\"id\":\"a\"},{\"createdBy\":{\"id\":1}}]}"))
        .isInstanceOfSatisfying(
            ResponseDecodingException.class,
            e -> assertThat(e.field()).isEqualTo("tokens[1].createdBy.id"));
    assertThatThrownBy(() -> listed("{\"tokens\":[\"a\"]}"))
        .isInstanceOfSatisfying(
            ResponseDecodingException.class, e -> assertThat(e.field()).isEqualTo("tokens[0]"));
    assertThatThrownBy(() -> listed("{\"tokens\":{}}"))
        .isInstanceOfSatisfying(
            ResponseDecodingException.class, e -> assertThat(e.field()).isEqualTo("tokens"));
  }

  @Test
  void encodesTheRequestBodyAsTheApiExpects() {
    byte[] body =
        json.encode(
            dev.dyntokens.CreateTokenRequest.of(
                "deploy \"ci\" ✓", dev.dyntokens.TokenScope.WAAS_DELEGATED_ACCESS_SIGN_MESSAGE));
    assertThat(new String(body, UTF_8))
        .isEqualTo(
            "{\"note\":\"deploy \\\"ci\\\" ✓\",\"scopes\":[\"waas.delegatedAccess.signMessage\"]}");
    assertThat(new String(json.encode(dev.dyntokens.CreateTokenRequest.of("x")), UTF_8))
        .isEqualTo("{\"note\":\"x\"}");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // an unknown field whose value is not JSON: the parser fails on the server's field name
        "{\"token\":{\"NAME\":tru}}",
        // invalid JSON two unknown fields down: the path holds two of the server's names
        "{\"token\":{\"NAME\":{\"NAME\":[1,}}}",
        // a field name that is not valid UTF-8 is not the point here: a body cut short is
        "{\"tokens\":[{\"NAME\":[1,"
      })
  void fieldNamesChosenByTheServerAreCutAndFreedOfControlCharactersInDecodingErrors(
      String template) {
    String name = "a".repeat(5000) + "\\u0007\\u001b[2J\\u202e\\u2028\\r\\n";
    String body = template.replace("NAME", name);
    byte[] bytes = body.getBytes(UTF_8);

    assertThatThrownBy(
            () -> {
              if (body.startsWith("{\"tokens\"")) {
                json.readList(bytes, bytes.length, 200);
              } else {
                json.readCreated(bytes, bytes.length, 200);
              }
            })
        .isInstanceOfSatisfying(
            ResponseDecodingException.class,
            e -> {
              String field = e.field();
              assertThat(field).isNotNull().startsWith("token").contains("aaaa");
              assertThat(field.length()).isLessThanOrEqualTo(201);
              assertThat(e.getMessage()).contains(field).contains("response body (HTTP 200)");
              assertThat(e.getMessage().length()).isLessThan(400);
              for (String text : new String[] {field, e.getMessage()}) {
                assertThat(text).doesNotContain("a".repeat(101));
                assertThat(
                        text.codePoints()
                            .filter(
                                c ->
                                    Character.isISOControl(c)
                                        || Character.getType(c) == Character.FORMAT
                                        || c == 0x2028))
                    .isEmpty();
              }
            });
  }
}
