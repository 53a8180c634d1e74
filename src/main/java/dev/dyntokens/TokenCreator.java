package dev.dyntokens;

import org.jspecify.annotations.Nullable;

/**
 * The user who created a token.
 *
 * @param id the user's id (required)
 * @param alias the user's alias, if the API sent one
 * @param firstName the user's first name, if the API sent one
 * @param lastName the user's last name, if the API sent one
 * @param email the user's email address, if the API sent one
 */
public record TokenCreator(
    String id,
    @Nullable String alias,
    @Nullable String firstName,
    @Nullable String lastName,
    @Nullable String email) {

  public TokenCreator {
    java.util.Objects.requireNonNull(id, "id == null");
  }
}
