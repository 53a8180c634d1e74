package dev.dyntokens;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A token as the list endpoints describe it: everything but the secret.
 *
 * @param id the token's id, a UUID
 * @param checksum the last 6 characters of the token's secret
 * @param createdBy the user who created the token
 * @param createdAt when the token was created
 * @param active whether the token can be used, or null if the API did not say (the list endpoints
 *     do not, today)
 * @param note the token's note, if any
 * @param projectEnvironmentId the environment the token belongs to, if any
 * @param scopes the scopes granted to the token, empty if none were listed
 */
public record TokenInfo(
    String id,
    String checksum,
    TokenCreator createdBy,
    Instant createdAt,
    @Nullable Boolean active,
    @Nullable String note,
    @Nullable String projectEnvironmentId,
    List<TokenScope> scopes) {

  public TokenInfo {
    requireNonNull(id, "id == null");
    requireNonNull(checksum, "checksum == null");
    requireNonNull(createdBy, "createdBy == null");
    requireNonNull(createdAt, "createdAt == null");
    scopes = List.copyOf(requireNonNull(scopes, "scopes == null"));
  }
}
