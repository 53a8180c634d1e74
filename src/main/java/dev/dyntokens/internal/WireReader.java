package dev.dyntokens.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import dev.dyntokens.ResponseDecodingException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads the API's token answers straight off Jackson's streaming parser into the wire records.
 *
 * <p>Strict where databinding is lenient or costly: a known field's value must have its JSON type
 * (no coercion of numbers to text or strings to booleans), a known field given twice is refused
 * (tracked with a bit per field, where Jackson's duplicate detection keeps a hash set per object),
 * the body must be one object with nothing after it. Unknown fields are skipped, so the API can add
 * fields. Errors name the field path ({@code token.scopes[1]}) and the byte offset, never a value.
 */
final class WireReader {
  private WireReader() {}

  /** {@code {"token": {...}}}. */
  static Json.CreatedBody created(JsonParser p, int status) throws IOException {
    rootObject(p, status);
    Json.TokenBody token = onlyField(p, status, "token", WireReader::nullableToken);
    end(p, status);
    return new Json.CreatedBody(token);
  }

  /** {@code {"tokens": [{...}, ...]}}. */
  static Json.ListBody listed(JsonParser p, int status) throws IOException {
    rootObject(p, status);
    List<Json.@Nullable TokenBody> tokens = onlyField(p, status, "tokens", WireReader::tokenArray);
    end(p, status);
    return new Json.ListBody(tokens);
  }

  /** Reads the value after a field name; the parser is on the name. */
  @FunctionalInterface
  private interface ValueReader<T> {
    @Nullable T read(JsonParser p, int status) throws IOException;
  }

  /**
   * The fields of the object the parser is in, up to its END_OBJECT: the value of {@code field}
   * (refused if given twice), every other field skipped.
   */
  private static <T> @Nullable T onlyField(
      JsonParser p, int status, String field, ValueReader<T> reader) throws IOException {
    T value = null;
    boolean seen = false;
    String name;
    while ((name = p.nextFieldName()) != null) {
      if (!name.equals(field)) {
        skipValue(p);
        continue;
      }
      if (seen) {
        throw duplicate(p, status);
      }
      seen = true;
      value = reader.read(p, status);
    }
    return value;
  }

  private static Json.@Nullable TokenBody nullableToken(JsonParser p, int status)
      throws IOException {
    return p.nextToken() == JsonToken.VALUE_NULL ? null : token(p, status);
  }

  private static @Nullable List<Json.@Nullable TokenBody> tokenArray(JsonParser p, int status)
      throws IOException {
    if (!opens(p, status, JsonToken.START_ARRAY)) {
      return null;
    }
    JsonToken t;
    List<Json.@Nullable TokenBody> tokens = new ArrayList<>();
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      tokens.add(t == JsonToken.VALUE_NULL ? null : token(p, status));
    }
    return tokens;
  }

  // Bits of the token object's known fields, for duplicate detection.
  private static final int ID = 1;
  private static final int RAW_TOKEN = 1 << 1;
  private static final int CHECKSUM = 1 << 2;
  private static final int CREATED_BY = 1 << 3;
  private static final int CREATED_AT = 1 << 4;
  private static final int ACTIVE = 1 << 5;
  private static final int NOTE = 1 << 6;
  private static final int ENVIRONMENT_ID = 1 << 7;
  private static final int ENVIRONMENT = 1 << 8;
  private static final int SCOPES = 1 << 9;

  /** A token object; the parser is on its START_OBJECT (or on the value of the wrong type). */
  private static Json.TokenBody token(JsonParser p, int status) throws IOException {
    if (!p.isExpectedStartObjectToken()) {
      throw wrongType(p, status);
    }
    String id = null;
    String rawToken = null;
    String checksum = null;
    Json.CreatorBody createdBy = null;
    String createdAt = null;
    Boolean active = null;
    String note = null;
    String environmentId = null;
    Json.EnvironmentBody environment = null;
    List<@Nullable String> scopes = null;
    int seen = 0;
    String name;
    while ((name = p.nextFieldName()) != null) {
      int bit = tokenField(name);
      if (bit == 0) {
        skipValue(p);
        continue;
      }
      if ((seen & bit) != 0) {
        throw duplicate(p, status);
      }
      seen |= bit;
      switch (bit) {
        case ID -> id = text(p, status);
        case RAW_TOKEN -> rawToken = text(p, status);
        case CHECKSUM -> checksum = text(p, status);
        case CREATED_BY -> createdBy = creator(p, status);
        case CREATED_AT -> createdAt = text(p, status);
        case ACTIVE -> active = bool(p, status);
        case NOTE -> note = text(p, status);
        case ENVIRONMENT_ID -> environmentId = text(p, status);
        case ENVIRONMENT -> environment = environment(p, status);
        default -> scopes = strings(p, status);
      }
    }
    return new Json.TokenBody(
        id,
        rawToken,
        checksum,
        createdBy,
        createdAt,
        active,
        note,
        environmentId,
        environment,
        scopes);
  }

  private static int tokenField(String name) {
    return switch (name) {
      case "id" -> ID;
      case "rawToken" -> RAW_TOKEN;
      case "checksum" -> CHECKSUM;
      case "createdBy" -> CREATED_BY;
      case "createdAt" -> CREATED_AT;
      case "active" -> ACTIVE;
      case "note" -> NOTE;
      case "projectEnvironmentId" -> ENVIRONMENT_ID;
      case "projectEnvironment" -> ENVIRONMENT;
      case "scopes" -> SCOPES;
      default -> 0;
    };
  }

  private static Json.@Nullable CreatorBody creator(JsonParser p, int status) throws IOException {
    if (!opens(p, status, JsonToken.START_OBJECT)) {
      return null;
    }
    String[] values = new String[5];
    int seen = 0;
    String name;
    while ((name = p.nextFieldName()) != null) {
      int index =
          switch (name) {
            case "id" -> 0;
            case "alias" -> 1;
            case "firstName" -> 2;
            case "lastName" -> 3;
            case "email" -> 4;
            default -> -1;
          };
      if (index < 0) {
        skipValue(p);
        continue;
      }
      if ((seen & (1 << index)) != 0) {
        throw duplicate(p, status);
      }
      seen |= 1 << index;
      values[index] = text(p, status);
    }
    return new Json.CreatorBody(values[0], values[1], values[2], values[3], values[4]);
  }

  private static Json.@Nullable EnvironmentBody environment(JsonParser p, int status)
      throws IOException {
    if (!opens(p, status, JsonToken.START_OBJECT)) {
      return null;
    }
    String id = onlyField(p, status, "id", WireReader::text);
    return new Json.EnvironmentBody(id);
  }

  private static @Nullable List<@Nullable String> strings(JsonParser p, int status)
      throws IOException {
    if (!opens(p, status, JsonToken.START_ARRAY)) {
      return null;
    }
    JsonToken t;
    List<@Nullable String> out = new ArrayList<>(4);
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t == JsonToken.VALUE_STRING) {
        out.add(p.getText());
      } else if (t == JsonToken.VALUE_NULL) {
        out.add(null);
      } else {
        throw wrongType(p, status);
      }
    }
    return out;
  }

  /**
   * Moves to the next value: false if it is JSON null, true if it opens with {@code start}; any
   * other value is refused.
   */
  private static boolean opens(JsonParser p, int status, JsonToken start) throws IOException {
    JsonToken t = p.nextToken();
    if (t == JsonToken.VALUE_NULL) {
      return false;
    }
    if (t != start) {
      throw wrongType(p, status);
    }
    return true;
  }

  /** The next value as text; null for JSON null; any other type is refused. */
  private static @Nullable String text(JsonParser p, int status) throws IOException {
    String value = p.nextTextValue();
    if (value != null || p.currentToken() == JsonToken.VALUE_NULL) {
      return value;
    }
    throw wrongType(p, status);
  }

  private static @Nullable Boolean bool(JsonParser p, int status) throws IOException {
    JsonToken t = p.nextToken();
    if (t == JsonToken.VALUE_TRUE) {
      return Boolean.TRUE;
    }
    if (t == JsonToken.VALUE_FALSE) {
      return Boolean.FALSE;
    }
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    throw wrongType(p, status);
  }

  private static void skipValue(JsonParser p) throws IOException {
    p.nextToken();
    p.skipChildren();
  }

  private static void rootObject(JsonParser p, int status) throws IOException {
    JsonToken t = p.nextToken();
    if (t == JsonToken.START_OBJECT) {
      return;
    }
    String what =
        t == null
            ? "is empty"
            : t == JsonToken.VALUE_NULL ? "is JSON null, not an object" : "is not a JSON object";
    throw new ResponseDecodingException(status, null, prefix(status) + what + at(p), null);
  }

  /** After the root object's END_OBJECT: nothing but whitespace may follow. */
  private static void end(JsonParser p, int status) throws IOException {
    if (p.nextToken() != null) {
      throw new ResponseDecodingException(
          status, null, prefix(status) + "has content after the JSON object" + at(p), null);
    }
  }

  private static ResponseDecodingException wrongType(JsonParser p, int status) {
    String path = path(p);
    return new ResponseDecodingException(
        status, path, prefix(status) + "has a value of the wrong type at " + path + at(p), null);
  }

  /** Called with the parser on the repeated field's name. */
  private static ResponseDecodingException duplicate(JsonParser p, int status) {
    String path = path(p);
    return new ResponseDecodingException(
        status, path, prefix(status) + "has a duplicate field " + path + at(p), null);
  }

  private static String prefix(int status) {
    return "response body (HTTP " + status + ") ";
  }

  private static String at(JsonParser p) {
    long offset = p.currentTokenLocation().getByteOffset();
    return offset >= 0 ? " (at byte " + offset + ")" : "";
  }

  /**
   * The path of the value the parser is on, as {@code token.scopes[1]}: built from the parser's
   * contexts, only when a value is refused. On a START_OBJECT or START_ARRAY the innermost context
   * is the new, still empty one, and is left out.
   */
  static String path(JsonParser p) {
    return safePath(rawPath(p));
  }

  /** Longest field name kept in a path; the API's own names are under 30 characters. */
  static final int MAX_NAME = 100;

  /** Longest path kept, a few names deep. */
  static final int MAX_PATH = 200;

  /**
   * A path made fit for a message, a log and {@link ResponseDecodingException#field()}: field names
   * are the server's, unbounded and of any characters. Control, format (bidirectional overrides,
   * zero-width characters), line separator and unpaired surrogate characters become {@code ?}, so
   * none can forge a log line or hide text; each name is cut at {@value #MAX_NAME} characters and
   * the path at {@value #MAX_PATH}, with {@code …} where text was cut.
   */
  static String safePath(String path) {
    StringBuilder sb = new StringBuilder(Math.min(path.length(), MAX_PATH + 1));
    int nameLength = 0;
    for (int i = 0; i < path.length(); ) {
      int c = path.codePointAt(i);
      int n = Character.charCount(c);
      i += n;
      if (c == '.' || c == '[') {
        nameLength = 0;
      } else if (nameLength >= MAX_NAME) {
        if (nameLength++ == MAX_NAME) {
          sb.append('…');
        }
        continue;
      } else {
        nameLength++;
      }
      if (sb.length() + n > MAX_PATH) {
        return sb.append('…').toString();
      }
      if (unsafe(c)) {
        sb.append('?');
      } else {
        sb.appendCodePoint(c);
      }
    }
    return sb.toString();
  }

  private static boolean unsafe(int c) {
    switch (Character.getType(c)) {
      case Character.CONTROL:
      case Character.FORMAT:
      case Character.LINE_SEPARATOR:
      case Character.PARAGRAPH_SEPARATOR:
      case Character.SURROGATE:
      case Character.PRIVATE_USE:
      case Character.UNASSIGNED:
        return true;
      default:
        return false;
    }
  }

  private static String rawPath(JsonParser p) {
    JsonStreamContext ctx = p.getParsingContext();
    if (p.currentToken() == JsonToken.START_OBJECT || p.currentToken() == JsonToken.START_ARRAY) {
      ctx = ctx.getParent();
    }
    List<String> parts = new ArrayList<>();
    for (JsonStreamContext c = ctx; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inObject() && c.getCurrentName() != null) {
        parts.add("." + c.getCurrentName());
      } else if (c.inArray() && c.hasCurrentIndex()) {
        parts.add("[" + c.getCurrentIndex() + "]");
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int i = parts.size() - 1; i >= 0; i--) {
      sb.append(parts.get(i));
    }
    return sb.length() > 0 && sb.charAt(0) == '.' ? sb.substring(1) : sb.toString();
  }
}
