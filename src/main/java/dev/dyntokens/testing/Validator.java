package dev.dyntokens.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Parses and checks a create request's body as the API does; unknown fields are ignored. */
final class Validator {
  static final int MAX_NOTE_LENGTH = 100;

  /** The scope wire values the fake accepts. */
  static final Set<String> SCOPES =
      Set.of(
          "waas.delegatedAccess.signMessage",
          "waas.authenticate",
          "environment.settings.read",
          "environment.settings.write",
          "environment.apiTokens.read",
          "environment.apiTokens.write",
          "environment.users.read",
          "environment.users.write",
          "environment.analytics.read",
          "environment.webhooks.read",
          "environment.webhooks.write",
          "environment.events.read",
          "environment.events.write",
          "environment.balances.read");

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

  /** Parses and validates; the answer is set if the request is refused. */
  static Parsed parse(byte[] body) {
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
    return scopes(note.textValue(), root.get("scopes"));
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

  private static Parsed scopes(String note, @Nullable JsonNode scopes) {
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
      if (!SCOPES.contains(scope.textValue())) {
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
