package dev.dyntokens.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.dyntokens.CreateTokenRequest;
import dev.dyntokens.ResponseDecodingException;
import dev.dyntokens.TokenScope;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads and writes the API's JSON with one configured mapper. Parser exceptions are never attached
 * as causes: their messages quote the input, which may hold a raw token.
 */
final class Json {
  /** Deepest nesting accepted; the API's answers nest 4 levels. */
  private static final int MAX_NESTING = 32;

  private final ObjectWriter createWriter;
  private final ObjectReader createdReader;
  private final ObjectReader listReader;
  private final ObjectReader treeReader;

  Json(ObjectMapper base) {
    ObjectMapper mapper = base.copy();
    mapper
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING)
                .maxStringLength(ResponseBodies.MAX_SUCCESS_BODY)
                .maxNumberLength(100)
                .build());
    mapper.configure(JsonParser.Feature.STRICT_DUPLICATE_DETECTION, true);
    mapper.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    mapper.configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);
    mapper.configure(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY, false);
    // A string field that arrives as a number or boolean is a wrong type, not something to coerce.
    mapper
        .coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    mapper
        .coercionConfigFor(LogicalType.Boolean)
        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
    this.createWriter = mapper.writerFor(CreateBody.class);
    this.createdReader = mapper.readerFor(CreatedBody.class);
    this.listReader = mapper.readerFor(ListBody.class);
    this.treeReader = mapper.reader();
  }

  // ---- wire shapes; accessors are named after the JSON fields ----

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  record CreateBody(
      @JsonProperty("note") String note, @JsonProperty("scopes") List<String> scopes) {}

  record CreatedBody(@JsonProperty("token") @Nullable TokenBody token) {}

  record ListBody(@JsonProperty("tokens") @Nullable List<@Nullable TokenBody> tokens) {}

  record TokenBody(
      @JsonProperty("id") @Nullable String id,
      @JsonProperty("rawToken") @Nullable String rawToken,
      @JsonProperty("checksum") @Nullable String checksum,
      @JsonProperty("createdBy") @Nullable CreatorBody createdBy,
      @JsonProperty("createdAt") @Nullable String createdAt,
      @JsonProperty("active") @Nullable Boolean active,
      @JsonProperty("note") @Nullable String note,
      @JsonProperty("projectEnvironmentId") @Nullable String projectEnvironmentId,
      @JsonProperty("projectEnvironment") @Nullable EnvironmentBody projectEnvironment,
      @JsonProperty("scopes") @Nullable List<@Nullable String> scopes) {}

  record CreatorBody(
      @JsonProperty("id") @Nullable String id,
      @JsonProperty("alias") @Nullable String alias,
      @JsonProperty("firstName") @Nullable String firstName,
      @JsonProperty("lastName") @Nullable String lastName,
      @JsonProperty("email") @Nullable String email) {}

  record EnvironmentBody(@JsonProperty("id") @Nullable String id) {}

  byte[] encode(CreateTokenRequest request) {
    List<TokenScope> scopes = request.scopes();
    List<String> values = new ArrayList<>(scopes.size());
    for (TokenScope scope : scopes) {
      values.add(scope.value());
    }
    try {
      return createWriter.writeValueAsBytes(new CreateBody(request.note(), values));
    } catch (JsonProcessingException e) {
      // Writing two strings to memory cannot fail; keep the type honest all the same.
      throw new IllegalStateException("could not encode the request body", e);
    }
  }

  /**
   * Reads a create answer, then wipes {@code body}: it holds the raw token, and whatever still
   * references the exchange's buffers (a pooled connection keeps its last exchange until the next)
   * must not keep the secret in the heap after it was delivered.
   */
  CreatedBody readCreated(byte[] body, int length, int status) {
    CreatedBody read;
    try {
      read = createdReader.readValue(body, 0, length);
    } catch (IOException e) {
      throw decodingFailure(e, status);
    } finally {
      java.util.Arrays.fill(body, 0, length, (byte) 0);
    }
    if (read == null) {
      throw notAnObject(status);
    }
    return read;
  }

  ListBody readList(byte[] body, int length, int status) {
    ListBody read;
    try {
      read = listReader.readValue(body, 0, length);
    } catch (IOException e) {
      throw decodingFailure(e, status);
    }
    if (read == null) {
      throw notAnObject(status);
    }
    return read;
  }

  /** A body of just {@code null}: Jackson reads it as no value at all. */
  private static ResponseDecodingException notAnObject(int status) {
    return new ResponseDecodingException(
        status, null, "response body (HTTP " + status + ") is JSON null, not an object", null);
  }

  /** Reads an error body as a tree, or returns null if it is not a JSON object. */
  @Nullable JsonNode readErrorTree(byte[] body, int length) {
    try {
      JsonNode node = treeReader.readTree(new java.io.ByteArrayInputStream(body, 0, length));
      return node != null && node.isObject() ? node : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Describes a parser failure by position and field path only, never by quoting the input. */
  static ResponseDecodingException decodingFailure(IOException e, int status) {
    String path = null;
    String what = "is not valid JSON";
    if (e instanceof JsonMappingException) {
      JsonMappingException m = (JsonMappingException) e;
      path = fieldPath(m.getPath());
      // Databind wraps the parser's own failures (the body ends, a byte is not UTF-8, a limit is
      // hit) with the path where they struck: those are not values of the wrong type.
      Throwable cause = m.getCause();
      if (cause instanceof IOException
          && !(cause instanceof JsonMappingException)
          && cause instanceof JsonProcessingException) {
        ResponseDecodingException inner = decodingFailure((IOException) cause, status);
        return new ResponseDecodingException(
            status,
            path,
            path == null ? inner.getMessage() : inner.getMessage() + " in " + path,
            null);
      }
      if (path != null) {
        what = "has a value of the wrong type at " + path;
      } else {
        what = "does not have the expected shape";
      }
    } else if (e instanceof com.fasterxml.jackson.core.exc.StreamConstraintsException) {
      what = "exceeds a parser limit (nesting deeper than " + MAX_NESTING + " or a huge value)";
    } else if (e instanceof com.fasterxml.jackson.core.io.JsonEOFException) {
      what = "ends before the JSON is complete";
    } else if (e instanceof com.fasterxml.jackson.core.JsonParseException
        && e.getMessage() != null
        && e.getMessage().startsWith("Duplicate field")) {
      what = "has a duplicate field";
    }
    String location = "";
    if (e instanceof JsonProcessingException) {
      JsonLocation loc = ((JsonProcessingException) e).getLocation();
      if (loc != null && loc.getByteOffset() >= 0) {
        location = " (at byte " + loc.getByteOffset() + ")";
      }
    }
    return new ResponseDecodingException(
        status, path, "response body (HTTP " + status + ") " + what + location, null);
  }

  private static @Nullable String fieldPath(List<JsonMappingException.Reference> refs) {
    if (refs.isEmpty()) {
      return null;
    }
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference ref : refs) {
      if (ref.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.length() == 0 ? null : sb.toString();
  }
}
