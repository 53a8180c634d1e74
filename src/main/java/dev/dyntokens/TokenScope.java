package dev.dyntokens;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A scope granted to an API token, identified by its wire value (for example {@code
 * environment.users.read}).
 *
 * <p>This is a value type rather than an enum so that a scope the server adds later still
 * round-trips: {@link #of(String)} accepts any non-blank value and returns the constant for the
 * known ones.
 */
public final class TokenScope {
  private static final Map<String, TokenScope> KNOWN = new LinkedHashMap<>();

  public static final TokenScope ALL_READ = known("all.read");
  public static final TokenScope WAAS_DELEGATED_ACCESS_SIGN_MESSAGE =
      known("waas.delegatedAccess.signMessage");
  public static final TokenScope WAAS_AUTHENTICATE = known("waas.authenticate");
  public static final TokenScope ENVIRONMENT_SETTINGS_READ = known("environment.settings.read");
  public static final TokenScope ENVIRONMENT_SETTINGS_WRITE = known("environment.settings.write");
  public static final TokenScope ENVIRONMENT_API_TOKENS_READ = known("environment.apiTokens.read");
  public static final TokenScope ENVIRONMENT_API_TOKENS_WRITE =
      known("environment.apiTokens.write");
  public static final TokenScope ENVIRONMENT_USERS_READ = known("environment.users.read");
  public static final TokenScope ENVIRONMENT_USERS_WRITE = known("environment.users.write");
  public static final TokenScope ENVIRONMENT_ANALYTICS_READ = known("environment.analytics.read");
  public static final TokenScope ENVIRONMENT_WEBHOOKS_READ = known("environment.webhooks.read");
  public static final TokenScope ENVIRONMENT_WEBHOOKS_WRITE = known("environment.webhooks.write");
  public static final TokenScope ENVIRONMENT_EVENTS_READ = known("environment.events.read");
  public static final TokenScope ENVIRONMENT_EVENTS_WRITE = known("environment.events.write");
  public static final TokenScope ENVIRONMENT_BALANCES_READ = known("environment.balances.read");
  public static final TokenScope GASLESS_READ = known("gasless.read");
  public static final TokenScope GASLESS_WRITE = known("gasless.write");
  public static final TokenScope FLOW_WRITE = known("flow.write");

  /** Longest wire value accepted; real scopes are under 40 characters. */
  static final int MAX_LENGTH = 200;

  private final String value;

  private TokenScope(String value) {
    this.value = value;
  }

  private static TokenScope known(String value) {
    TokenScope scope = new TokenScope(value);
    KNOWN.put(value, scope);
    return scope;
  }

  /**
   * Returns the scope with this wire value: the constant for a known scope, a new value otherwise.
   *
   * @throws NullPointerException if {@code value} is null
   * @throws IllegalArgumentException if {@code value} is blank, longer than 200 characters or
   *     contains whitespace or control characters
   */
  public static TokenScope of(String value) {
    requireNonNull(value, "value == null");
    TokenScope known = KNOWN.get(value);
    if (known != null) {
      return known;
    }
    if (value.isEmpty() || value.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "scope value must be 1 to " + MAX_LENGTH + " characters but was " + value.length());
    }
    for (int i = 0; i < value.length(); i++) {
      if (isInvisible(value.charAt(i))) {
        throw new IllegalArgumentException(
            "scope value must not contain whitespace, control or invisible characters (index "
                + i
                + ")");
      }
    }
    return new TokenScope(value);
  }

  /**
   * Characters that make two scopes look alike in a log or a form: C0/C1 controls (including
   * U+0085), every kind of space (including the non-breaking ones {@link Character#isWhitespace}
   * leaves out) and format characters such as U+200B zero-width space or U+FEFF.
   */
  private static boolean isInvisible(char c) {
    return c <= ' '
        || Character.isISOControl(c)
        || Character.isWhitespace(c)
        || Character.isSpaceChar(c)
        || Character.getType(c) == Character.FORMAT;
  }

  /** The scopes this version of the client knows, in the order of the API's documentation. */
  public static java.util.List<TokenScope> knownScopes() {
    return java.util.List.copyOf(KNOWN.values());
  }

  /** Whether this scope is one of the scopes this version of the client knows. */
  public boolean isKnown() {
    return KNOWN.get(value) == this;
  }

  /** The wire value, for example {@code environment.users.read}. */
  public String value() {
    return value;
  }

  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof TokenScope && ((TokenScope) other).value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return value;
  }
}
