package dev.dyntokens.testing.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dyntokens.CreateTokenRequest;
import dev.dyntokens.ReactiveTokenClient;
import dev.dyntokens.TokenScope;
import dev.dyntokens.testing.FakeDynamicApi;
import dev.dyntokens.testing.FaultKind;
import dev.dyntokens.testing.FaultPlan;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

@ExtendWith(FakeDynamicApiExtension.class)
class FakeDynamicApiExtensionPerTestTest {
  private static final List<FakeDynamicApi> SEEN = new CopyOnWriteArrayList<>();

  @AfterAll
  static void everyTestHadAFakeOfItsOwnAndEachWasClosedAfterIt() {
    assertThat(SEEN).hasSize(3).doesNotHaveDuplicates();
    assertThat(SEEN).allMatch(FakeDynamicApi::isClosed);
  }

  static FaultPlan firstCreateFails() {
    return FaultPlan.builder().script(FaultPlan.Target.CREATE, FaultKind.STATUS_503).build();
  }

  @Test
  void aTestGetsAFreshRunningFakeAndAClientPointedAtIt(
      FakeDynamicApi api, ReactiveTokenClient client) {
    SEEN.add(api);

    client
        .createToken(CreateTokenRequest.of("ci", TokenScope.ALL_READ))
        .block(Duration.ofSeconds(10));

    assertThat(client.baseUrl()).isEqualTo(api.baseUrl());
    assertThat(api.tokens()).hasSize(1);
  }

  @Test
  void everyParameterOfATestIsTheSameFake(FakeDynamicApi one, FakeDynamicApi other) {
    SEEN.add(one);

    assertThat(other).isSameAs(one);
    assertThat(one.tokens()).isEmpty();
  }

  @Test
  @WithFaults("firstCreateFails")
  void aTestsWithFaultsMethodGivesItsFakeItsFaultPlan(
      FakeDynamicApi api, ReactiveTokenClient client) {
    SEEN.add(api);

    client
        .createToken(CreateTokenRequest.of("ci", TokenScope.ALL_READ))
        .onErrorResume(e -> Mono.empty())
        .block(Duration.ofSeconds(10));

    assertThat(api.stats().faults(FaultKind.STATUS_503)).isEqualTo(1);
  }

  @Test
  void nothingOutsideTheJunitPackageOfTheLibraryRefersToJunit()
      throws IOException, URISyntaxException {
    Path classes =
        Paths.get(FakeDynamicApi.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path junitPackage = classes.resolve("dev/dyntokens/testing/junit");
    List<Path> offenders = new ArrayList<>();
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        if (file.toString().endsWith(".class") && !file.startsWith(junitPackage)) {
          try (InputStream in = Files.newInputStream(file)) {
            String text =
                new String(in.readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
            if (text.contains("org/junit")) {
              offenders.add(classes.relativize(file));
            }
          }
        }
      }
    }

    assertThat(Files.isDirectory(junitPackage)).isTrue();
    assertThat(offenders).isEmpty();
  }
}
