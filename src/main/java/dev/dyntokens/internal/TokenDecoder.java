package dev.dyntokens.internal;

import dev.dyntokens.ResponseDecodingException;
import dev.dyntokens.Token;
import dev.dyntokens.TokenCreator;
import dev.dyntokens.TokenInfo;
import dev.dyntokens.TokenScope;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Turns the wire shapes into the public model, checking every field the contract requires. Messages
 * name the field, never its value: the value may be a secret.
 */
final class TokenDecoder {
  /** The checksum is the last 6 characters of the raw token. */
  static final int CHECKSUM_LENGTH = 6;

  private TokenDecoder() {}

  static Token created(Json.CreatedBody body, int status) {
    Json.TokenBody t = body.token();
    if (t == null) {
      throw missing(status, "token");
    }
    String id = id(t.id(), "token.id", status);
    String rawToken = rawToken(t.rawToken(), status);
    String checksum = require(t.checksum(), "token.checksum", status);
    if (!rawToken.endsWith(checksum) || checksum.length() != CHECKSUM_LENGTH) {
      throw new ResponseDecodingException(
          status,
          "token.checksum",
          "created token "
              + id
              + " failed its integrity check: token.checksum is not the last "
              + CHECKSUM_LENGTH
              + " characters of token.rawToken",
          null);
    }
    return new Token(
        id,
        rawToken,
        checksum,
        creator(t.createdBy(), "token.createdBy", status),
        instant(t.createdAt(), "token.createdAt", status),
        t.active(),
        t.note(),
        environmentId(t),
        scopes(t.scopes(), "token.scopes", status));
  }

  /**
   * {@code {"token": Token}} of {@code GET /tokens/me}: the listed shape, its secret never kept.
   */
  static TokenInfo current(Json.CreatedBody body, int status) {
    Json.TokenBody t = body.token();
    if (t == null) {
      throw missing(status, "token");
    }
    return info(t, "token", status);
  }

  private static TokenInfo info(Json.TokenBody t, String at, int status) {
    return new TokenInfo(
        id(t.id(), at + ".id", status),
        require(t.checksum(), at + ".checksum", status),
        creator(t.createdBy(), at + ".createdBy", status),
        instant(t.createdAt(), at + ".createdAt", status),
        t.active(),
        t.note(),
        environmentId(t),
        scopes(t.scopes(), at + ".scopes", status));
  }

  static List<TokenInfo> listed(Json.ListBody body, int status) {
    List<Json.@Nullable TokenBody> tokens = body.tokens();
    if (tokens == null) {
      throw missing(status, "tokens");
    }
    List<TokenInfo> out = new ArrayList<>(tokens.size());
    for (int i = 0; i < tokens.size(); i++) {
      Json.TokenBody t = tokens.get(i);
      String at = "tokens[" + i + "]";
      if (t == null) {
        throw missing(status, at);
      }
      out.add(info(t, at, status));
    }
    return out;
  }

  private static @Nullable String environmentId(Json.TokenBody t) {
    if (t.projectEnvironmentId() != null) {
      return t.projectEnvironmentId();
    }
    return t.projectEnvironment() == null ? null : t.projectEnvironment().id();
  }

  private static String id(@Nullable String value, String field, int status) {
    String id = require(value, field, status);
    // Ids are used in delete paths later: refuse one that could change a path.
    if (!PathIds.valid(id)) {
      throw new ResponseDecodingException(
          status, field, field + " is not a valid id (letters, digits, '-', '_')", null);
    }
    return id;
  }

  private static String rawToken(@Nullable String value, int status) {
    String raw = require(value, "token.rawToken", status);
    if (raw.length() <= CHECKSUM_LENGTH) {
      throw new ResponseDecodingException(
          status, "token.rawToken", "token.rawToken is too short to be a token", null);
    }
    // The secret must be usable as a bearer token: visible ASCII only.
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new ResponseDecodingException(
            status,
            "token.rawToken",
            "token.rawToken is not valid token text (character at index " + i + ")",
            null);
      }
    }
    return raw;
  }

  private static TokenCreator creator(Json.@Nullable CreatorBody c, String field, int status) {
    if (c == null) {
      throw missing(status, field);
    }
    return new TokenCreator(
        require(c.id(), field + ".id", status), c.alias(), c.firstName(), c.lastName(), c.email());
  }

  private static Instant instant(@Nullable String value, String field, int status) {
    String text = require(value, field, status);
    Instant fast = Instants.parse(text);
    if (fast != null) {
      return fast;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      try {
        return OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException e2) {
        throw new ResponseDecodingException(
            status, field, field + " is not an ISO-8601 instant", null);
      }
    }
  }

  private static List<TokenScope> scopes(
      @Nullable List<@Nullable String> values, String field, int status) {
    if (values == null || values.isEmpty()) {
      return List.of();
    }
    List<TokenScope> scopes = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      String v = values.get(i);
      if (v == null) {
        throw missing(status, field + "[" + i + "]");
      }
      try {
        scopes.add(TokenScope.of(v));
      } catch (IllegalArgumentException e) {
        throw new ResponseDecodingException(
            status, field + "[" + i + "]", field + "[" + i + "] is not a valid scope", null);
      }
    }
    return scopes;
  }

  private static String require(@Nullable String value, String field, int status) {
    if (value == null) {
      throw missing(status, field);
    }
    if (value.isEmpty()) {
      throw new ResponseDecodingException(status, field, field + " is empty", null);
    }
    return value;
  }

  private static ResponseDecodingException missing(int status, String field) {
    return new ResponseDecodingException(
        status, field, "response body (HTTP " + status + ") lacks required field " + field, null);
  }
}
