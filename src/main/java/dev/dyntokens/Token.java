package dev.dyntokens;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A token the API has just created, with its plaintext secret.
 *
 * <p>{@link #rawToken()} is revealed only in the create response: if it is not stored now, it can
 * never be retrieved again. {@link #toString()} shows the checksum (the last 6 characters of the
 * secret, as the dashboard does) and never the secret itself.
 *
 * @param id the token's id, a UUID
 * @param rawToken the plaintext secret, starting with {@code dyn_}
 * @param checksum the last 6 characters of {@code rawToken}
 * @param createdBy the user who created the token
 * @param createdAt when the token was created
 * @param active whether the token can be used, or null if the API did not say
 * @param note the token's note, if any
 * @param projectEnvironmentId the environment the token belongs to, if any
 * @param scopes the scopes granted to the token, empty if none were listed
 */
public record Token(
    String id,
    String rawToken,
    String checksum,
    TokenCreator createdBy,
    Instant createdAt,
    @Nullable Boolean active,
    @Nullable String note,
    @Nullable String projectEnvironmentId,
    List<TokenScope> scopes) {

  public Token {
    requireNonNull(id, "id == null");
    requireNonNull(rawToken, "rawToken == null");
    requireNonNull(checksum, "checksum == null");
    requireNonNull(createdBy, "createdBy == null");
    requireNonNull(createdAt, "createdAt == null");
    scopes = List.copyOf(requireNonNull(scopes, "scopes == null"));
  }

  /** Never contains {@link #rawToken()}: the secret is shown as {@code dyn_…} and its checksum. */
  @Override
  public String toString() {
    return "Token[id="
        + id
        + ", rawToken=<redacted>, checksum="
        + checksum
        + ", createdBy="
        + createdBy.id()
        + ", createdAt="
        + createdAt
        + ", active="
        + active
        + ", note="
        + note
        + ", projectEnvironmentId="
        + projectEnvironmentId
        + ", scopes="
        + scopes
        + "]";
  }
}
