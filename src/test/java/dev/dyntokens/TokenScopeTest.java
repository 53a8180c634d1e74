package dev.dyntokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokenScopeTest {

  @ParameterizedTest
  @CsvSource({
    "all.read, ALL_READ",
    "gasless.read, GASLESS_READ",
    "gasless.write, GASLESS_WRITE",
    "flow.write, FLOW_WRITE"
  })
  void theNewerWireValuesRoundTripToTheirConstants(String wire, String constant)
      throws ReflectiveOperationException {
    TokenScope expected = (TokenScope) TokenScope.class.getField(constant).get(null);

    TokenScope parsed = TokenScope.of(wire);

    assertThat(parsed).isSameAs(expected).isEqualTo(expected);
    assertThat(parsed.value()).isEqualTo(wire);
    assertThat(parsed.toString()).isEqualTo(wire);
    assertThat(parsed.isKnown()).isTrue();
  }

  @Test
  void gaslessWriteIsTheConstantForItsWireValue() {
    assertThat(TokenScope.of("gasless.write")).isSameAs(TokenScope.GASLESS_WRITE);
    assertThat(TokenScope.GASLESS_WRITE.value()).isEqualTo("gasless.write");
  }

  @Test
  void knownScopesListEveryDocumentedScopeOnceInTheOrderOfTheApisDocumentation() {
    List<String> values = TokenScope.knownScopes().stream().map(TokenScope::value).toList();

    assertThat(values)
        .containsExactly(
            "all.read",
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
            "environment.balances.read",
            "gasless.read",
            "gasless.write",
            "flow.write");
    assertThat(TokenScope.knownScopes()).allMatch(TokenScope::isKnown);
  }

  @Test
  void everyPublicConstantIsAKnownScopeNamedInUpperSnakeCaseOfItsWireValue()
      throws IllegalAccessException {
    int constants = 0;
    for (java.lang.reflect.Field field : TokenScope.class.getFields()) {
      if (field.getType() != TokenScope.class) {
        continue;
      }
      TokenScope scope = (TokenScope) field.get(null);
      String snake =
          scope
              .value()
              .replaceAll("([a-z])([A-Z])", "$1_$2")
              .replace('.', '_')
              .toUpperCase(java.util.Locale.ROOT);
      assertThat(field.getName()).isEqualTo(snake);
      assertThat(TokenScope.knownScopes()).contains(scope);
      constants++;
    }
    assertThat(constants).isEqualTo(TokenScope.knownScopes().size());
  }

  @Test
  void aLookAlikeOfANewerScopeIsNotTheConstant() {
    TokenScope upper = TokenScope.of("GASLESS.WRITE");

    assertThat(upper).isNotEqualTo(TokenScope.GASLESS_WRITE);
    assertThat(upper.isKnown()).isFalse();
  }
}
