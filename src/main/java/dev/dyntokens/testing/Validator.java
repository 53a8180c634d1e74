package dev.dyntokens.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dyntokens.TokenScope;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Parses and checks a create request's body as the API does; unknown fields are ignored. */
final class Validator {
  static final int MAX_NOTE_LENGTH = 100;

  /**
   * The scope wire values the fake accepts unless told otherwise: those the client knows, in the
   * order of the API's documentation, so a scope added to {@link TokenScope} needs no second edit
   * here.
   */
  static final Set<String> DOCUMENTED_SCOPES = documentedScopes();

  private static Set<String> documentedScopes() {
    Set<String> scopes = new LinkedHashSet<>();
    TokenScope.knownScopes().forEach(scope -> scopes.add(scope.value()));
    return Collections.unmodifiableSet(scopes);
  }

  private static final ObjectMapper MAPPER = warmedUp(new ObjectMapper());

  private Validator() {}

  /**
   * Jackson resolves the tree deserializer on first use under a lock; resolved here, once, no two
   * event loops parsing their first request at once park on it.
   */
  private static ObjectMapper warmedUp(ObjectMapper mapper) {
    try {
      mapper.readTree("{}");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    return mapper;
  }

  /** A checked create request, or the error answer. */
  record Parsed(String note, List<String> scopes, @Nullable Answer error) {
    static Parsed failed(Answer error) {
      return new Parsed("", List.of(), error);
    }
  }

  /** Parses and validates against the documented scopes, as {@link #parse(byte[], Set)} does. */
  static Parsed parse(byte[] body) {
    return parse(body, DOCUMENTED_SCOPES);
  }

  /**
   * Parses and validates; the answer is set if the request is refused.
   *
   * @param knownScopes the scope wire values accepted; any other is 422 {@code invalid_scopes}
   */
  static Parsed parse(byte[] body, Set<String> knownScopes) {
    JsonNode root;
    try {
      root = MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      return badRequest("Malformed JSON body");
    } catch (IOException e) {
      return badRequest("Unreadable body");
    }
    if (root == null || !root.isObject()) {
      return badRequest("Request body must be a JSON object");
    }
    JsonNode note = root.get("note");
    if (note == null || !note.isTextual() || note.textValue().isBlank()) {
      return badRequest("note is required");
    }
    if (note.textValue().length() > MAX_NOTE_LENGTH) {
      return badRequest("note must be at most " + MAX_NOTE_LENGTH + " characters");
    }
    return scopes(note.textValue(), root.get("scopes"), knownScopes);
  }

  /** Parses without checking, for fast mode: whatever cannot be read is left empty. */
  static Parsed lenient(byte[] body) {
    try {
      JsonNode root = MAPPER.readTree(body);
      JsonNode note = root == null ? null : root.get("note");
      List<String> scopes = new ArrayList<>();
      JsonNode array = root == null ? null : root.get("scopes");
      if (array != null && array.isArray()) {
        array.forEach(s -> scopes.add(s.asText()));
      }
      return new Parsed(note == null ? "" : note.asText(), scopes, null);
    } catch (IOException e) {
      return new Parsed("", List.of(), null);
    }
  }

  private static Parsed scopes(String note, @Nullable JsonNode scopes, Set<String> knownScopes) {
    if (scopes == null || scopes.isNull()) {
      return new Parsed(note, List.of(), null);
    }
    if (!scopes.isArray()) {
      return badRequest("scopes must be an array");
    }
    List<String> values = new ArrayList<>();
    List<String> invalid = new ArrayList<>();
    for (JsonNode scope : scopes) {
      if (!scope.isTextual()) {
        return badRequest("scopes must be strings");
      }
      values.add(scope.textValue());
      if (!knownScopes.contains(scope.textValue())) {
        invalid.add(scope.textValue());
      }
    }
    if (!invalid.isEmpty()) {
      return Parsed.failed(
          Answer.json(422, WireJson.error("Invalid scopes", "invalid_scopes", invalid)));
    }
    return new Parsed(note, values, null);
  }

  private static Parsed badRequest(String message) {
    return Parsed.failed(Answer.json(400, WireJson.error(message)));
  }
}
