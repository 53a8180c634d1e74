package dev.dyntokens;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The body of a create call: a note that identifies the token and the scopes it is granted.
 *
 * <p>Validated at construction: the note is required, not blank and at most {@value
 * #MAX_NOTE_LENGTH} characters (the API's limit); scopes may be empty but neither the list nor any
 * element may be null. The scope list is copied, so the request is immutable.
 *
 * @param note a name or note that helps identify the token and its use
 * @param scopes the scopes granted to the token, in order; duplicates are kept as given
 */
public record CreateTokenRequest(String note, List<TokenScope> scopes) {

  /** The longest note the API accepts, in characters. */
  public static final int MAX_NOTE_LENGTH = 100;

  /**
   * @throws IllegalArgumentException if the note is null, blank or over 100 characters, or if
   *     scopes or one of them is null
   */
  public CreateTokenRequest {
    if (note == null) {
      throw new IllegalArgumentException("note == null");
    }
    if (note.isBlank()) {
      throw new IllegalArgumentException("note must not be blank");
    }
    if (note.length() > MAX_NOTE_LENGTH) {
      throw new IllegalArgumentException(
          "note must be at most " + MAX_NOTE_LENGTH + " characters but was " + note.length());
    }
    if (scopes == null) {
      throw new IllegalArgumentException("scopes == null");
    }
    List<TokenScope> copy = new ArrayList<>(scopes.size());
    for (int i = 0; i < scopes.size(); i++) {
      TokenScope scope = scopes.get(i);
      if (scope == null) {
        throw new IllegalArgumentException("scopes[" + i + "] == null");
      }
      copy.add(scope);
    }
    scopes = List.copyOf(copy);
  }

  /**
   * A request with this note and these scopes.
   *
   * @throws IllegalArgumentException as the canonical constructor does
   */
  public static CreateTokenRequest of(String note, TokenScope... scopes) {
    if (scopes == null) {
      throw new IllegalArgumentException("scopes == null");
    }
    return new CreateTokenRequest(note, Arrays.asList(scopes));
  }
}
