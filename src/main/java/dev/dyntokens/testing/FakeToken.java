package dev.dyntokens.testing;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A token stored by {@link FakeDynamicApi}, or one of its own API tokens as {@code /tokens/me}
 * describes it, for test assertions. Holds no secret but its checksum.
 *
 * @param id the token's UUID
 * @param note the note it was created with
 * @param scopes its scopes' wire values, in request order
 * @param environmentId the environment it belongs to, null for a user token
 * @param createdAt when it was created, by the fake's clock
 * @param checksum the last 6 characters of its raw token
 */
public record FakeToken(
    String id,
    String note,
    List<String> scopes,
    @Nullable String environmentId,
    Instant createdAt,
    String checksum) {

  public FakeToken {
    scopes = List.copyOf(scopes);
  }
}
