package dev.dyntokens.bench;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.util.List;

/**
 * Plain Jackson records for the contenders that are not the client: the request body and the
 * create answer, databound as-is. Decoding them yields the same information as {@link
 * dev.dyntokens.Token} (createdAt as an {@link Instant}).
 */
public final class WireModel {
  private WireModel() {}

  /** {@code {"note": ..., "scopes": [...]}}. */
  public record CreateBody(String note, List<String> scopes) {}

  /** {@code {"token": {...}}}. */
  public record Created(WireToken token) {}

  public record WireToken(
      String id,
      String rawToken,
      String checksum,
      WireCreator createdBy,
      Instant createdAt,
      Boolean active,
      String note,
      String projectEnvironmentId,
      WireEnvironment projectEnvironment,
      List<String> scopes) {}

  public record WireCreator(
      String id, String alias, String firstName, String lastName, String email) {}

  public record WireEnvironment(String id) {}

  /** A mapper that ignores unknown fields, as the client's does. */
  public static ObjectMapper mapper() {
    return new ObjectMapper()
        .registerModule(new JavaTimeModule())
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  public static final CreateBody REQUEST =
      new CreateBody(CannedAnswer.NOTE, List.of("waas.delegatedAccess.signMessage"));

  /** Throws unless the decoded answer is the canned token. */
  public static WireToken check(Created created) {
    WireToken t = created.token();
    if (t == null || !CannedAnswer.EXPECTED_ID.equals(t.id()) || t.createdAt() == null) {
      throw new IllegalStateException("unexpected answer");
    }
    return t;
  }
}
