package dev.dyntokens.testing;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Writes the fake's answers with Jackson's streaming generator, independent of the client. */
final class WireJson {
  /** The user every token is created by. */
  static final String CREATOR_ID = "6f1c2a3b-4d5e-4f60-8a71-92b3c4d5e6f7";

  private static final JsonFactory FACTORY = new JsonFactory();

  private WireJson() {}

  /** {@code {"error": message}} plus {@code "code"} and {@code "payload"} when given. */
  static byte[] error(String message, @Nullable String code, List<String> invalid) {
    return write(
        g -> {
          g.writeStartObject();
          g.writeStringField("error", message);
          if (code != null) {
            g.writeStringField("code", code);
          }
          if (!invalid.isEmpty()) {
            g.writeObjectFieldStart("payload");
            g.writeArrayFieldStart("invalidScopes");
            for (String scope : invalid) {
              g.writeString(scope);
            }
            g.writeEndArray();
            g.writeEndObject();
          }
          g.writeEndObject();
        });
  }

  static byte[] error(String message) {
    return error(message, null, List.of());
  }

  static byte[] rateLimited() {
    return "{\"message\":\"Rate limit exceeded\",\"code\":429}".getBytes(StandardCharsets.UTF_8);
  }

  /** {@code {"token": TokenWithRaw}}. */
  static byte[] created(FakeToken token, String rawToken) {
    return write(
        g -> {
          g.writeStartObject();
          g.writeFieldName("token");
          token(g, token, rawToken, true);
          g.writeEndObject();
        });
  }

  /**
   * {@code {"token": Token}} for {@code GET /tokens/me}: the listed shape plus {@code active} (a
   * token that authenticates is active), never a {@code rawToken}.
   */
  static byte[] current(FakeToken token) {
    return write(
        g -> {
          g.writeStartObject();
          g.writeFieldName("token");
          token(g, token, null, true);
          g.writeEndObject();
        });
  }

  /** {@code {"tokens": [Token, ...]}}. */
  static byte[] list(List<FakeToken> tokens) {
    return write(
        g -> {
          g.writeStartObject();
          g.writeArrayFieldStart("tokens");
          for (FakeToken token : tokens) {
            token(g, token, null, false);
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  /** The JSON object {@code body} (or {@code {}} if empty) with a padding field up to size. */
  static byte[] oversized(byte[] body, int size) {
    byte[] object = body.length == 0 ? "{}".getBytes(StandardCharsets.UTF_8) : body;
    String head = object.length > 2 ? ",\"padding\":\"" : "\"padding\":\"";
    int padding = Math.max(0, size - object.length - head.length() - 1);
    byte[] out = Arrays.copyOf(object, object.length - 1 + head.length() + padding + 2);
    int at = object.length - 1;
    byte[] headBytes = head.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(headBytes, 0, out, at, headBytes.length);
    at += headBytes.length;
    Arrays.fill(out, at, at + padding, (byte) 'x');
    at += padding;
    out[at] = '"';
    out[at + 1] = '}';
    return out;
  }

  private static void token(
      JsonGenerator g, FakeToken token, @Nullable String rawToken, boolean active)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("id", token.id());
    if (rawToken != null) {
      g.writeStringField("rawToken", rawToken);
    }
    g.writeStringField("checksum", token.checksum());
    g.writeObjectFieldStart("createdBy");
    g.writeStringField("id", CREATOR_ID);
    g.writeStringField("alias", "fake");
    g.writeStringField("firstName", "Fake");
    g.writeStringField("lastName", "User");
    g.writeStringField("email", "fake.user@example.com");
    g.writeEndObject();
    g.writeStringField("createdAt", DateTimeFormatter.ISO_INSTANT.format(token.createdAt()));
    if (active) {
      g.writeBooleanField("active", true);
    }
    g.writeStringField("note", token.note());
    String environmentId = token.environmentId();
    if (environmentId != null) {
      g.writeStringField("projectEnvironmentId", environmentId);
      g.writeObjectFieldStart("projectEnvironment");
      g.writeStringField("id", environmentId);
      g.writeEndObject();
    }
    g.writeArrayFieldStart("scopes");
    for (String scope : token.scopes()) {
      g.writeString(scope);
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static byte[] write(Body body) {
    try (ByteArrayBuilder out = new ByteArrayBuilder(512);
        JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      body.write(g);
      g.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }
}
