package dev.dyntokens.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.dyntokens.CreateTokenRequest;
import dev.dyntokens.ResponseDecodingException;
import dev.dyntokens.TokenScope;
import java.io.IOException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads and writes the API's JSON: token bodies with Jackson's streaming parser and generator
 * ({@link WireReader}), error bodies as a tree. Parser exceptions are never attached as causes:
 * their messages quote the input, which may hold a raw token.
 */
final class Json {
  /** Deepest nesting accepted; the API's answers nest 4 levels. */
  private static final int MAX_NESTING = 32;

  /** Parses and writes token bodies; duplicate fields are caught by {@link WireReader} itself. */
  private final JsonFactory streams;

  private final ObjectReader treeReader;

  Json(ObjectMapper base) {
    StreamReadConstraints limits =
        StreamReadConstraints.builder()
            .maxNestingDepth(MAX_NESTING)
            .maxStringLength(ResponseBodies.MAX_SUCCESS_BODY)
            .maxNumberLength(100)
            .build();
    this.streams = base.getFactory().copy();
    streams.setStreamReadConstraints(limits);
    streams.disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    ObjectMapper mapper = base.copy();
    mapper.getFactory().setStreamReadConstraints(limits);
    mapper.configure(JsonParser.Feature.STRICT_DUPLICATE_DETECTION, true);
    this.treeReader = mapper.reader();
    warmUp(treeReader);
  }

  /**
   * Jackson resolves the tree deserializer on first use under a lock ({@code DeserializerCache});
   * two event loops reading their first error body at once would park on it. Resolved here, on the
   * thread building the client, it is cached for the mapper's life.
   */
  private static void warmUp(ObjectReader reader) {
    try {
      reader.readTree("{}");
    } catch (IOException e) {
      throw new IllegalStateException("the ObjectMapper cannot read a JSON tree", e);
    }
  }

  // ---- wire shapes, read by WireReader ----

  record CreatedBody(@Nullable TokenBody token) {}

  record ListBody(@Nullable List<@Nullable TokenBody> tokens) {}

  record TokenBody(
      @Nullable String id,
      @Nullable String rawToken,
      @Nullable String checksum,
      @Nullable CreatorBody createdBy,
      @Nullable String createdAt,
      @Nullable Boolean active,
      @Nullable String note,
      @Nullable String projectEnvironmentId,
      @Nullable EnvironmentBody projectEnvironment,
      @Nullable List<@Nullable String> scopes) {}

  record CreatorBody(
      @Nullable String id,
      @Nullable String alias,
      @Nullable String firstName,
      @Nullable String lastName,
      @Nullable String email) {}

  record EnvironmentBody(@Nullable String id) {}

  /** {@code {"note": ..., "scopes": [...]}}; no scopes, no {@code scopes} field. */
  byte[] encode(CreateTokenRequest request) {
    ByteArrayBuilder out = new ByteArrayBuilder(64 + 2 * request.note().length());
    try (JsonGenerator g = streams.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("note", request.note());
      List<TokenScope> scopes = request.scopes();
      if (!scopes.isEmpty()) {
        g.writeArrayFieldStart("scopes");
        for (TokenScope scope : scopes) {
          g.writeString(scope.value());
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    } catch (IOException e) {
      // Writing two strings to memory cannot fail; keep the type honest all the same.
      throw new IllegalStateException("could not encode the request body", e);
    }
    return out.toByteArray();
  }

  /**
   * Reads a create answer, then wipes {@code body}: it holds the raw token, and whatever still
   * references the exchange's buffers (a pooled connection keeps its last exchange until the next)
   * must not keep the secret in the heap after it was delivered.
   */
  CreatedBody readCreated(byte[] body, int length, int status) {
    try (JsonParser p = streams.createParser(body, 0, length)) {
      return WireReader.created(p, status);
    } catch (IOException e) {
      throw decodingFailure(e, status);
    } finally {
      java.util.Arrays.fill(body, 0, length, (byte) 0);
    }
  }

  ListBody readList(byte[] body, int length, int status) {
    try (JsonParser p = streams.createParser(body, 0, length)) {
      return WireReader.listed(p, status);
    } catch (IOException e) {
      throw decodingFailure(e, status);
    }
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

  /**
   * Describes a parser failure (the body ends, a byte is not UTF-8, a limit is hit) by the field
   * path where it struck and the byte offset, never by quoting the input.
   */
  static ResponseDecodingException decodingFailure(IOException e, int status) {
    String what = "is not valid JSON";
    if (e instanceof StreamConstraintsException) {
      what = "exceeds a parser limit (nesting deeper than " + MAX_NESTING + " or a huge value)";
    } else if (e instanceof JsonEOFException) {
      what = "ends before the JSON is complete";
    }
    String path = null;
    String location = "";
    if (e instanceof JsonProcessingException) {
      JsonProcessingException j = (JsonProcessingException) e;
      if (j.getProcessor() instanceof JsonParser) {
        String p = WireReader.path((JsonParser) j.getProcessor());
        path = p.isEmpty() ? null : p;
      }
      JsonLocation loc = j.getLocation();
      if (loc != null && loc.getByteOffset() >= 0) {
        location = " (at byte " + loc.getByteOffset() + ")";
      }
    }
    return new ResponseDecodingException(
        status,
        path,
        "response body (HTTP "
            + status
            + ") "
            + what
            + (path == null ? "" : " in " + path)
            + location,
        null);
  }
}
