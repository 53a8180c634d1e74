package dev.dyntokens.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The configuration metadata the jar carries (generated from {@link DynamicTokensProperties} by the
 * configuration processor) and the README's property table list the same properties, each with a
 * description.
 */
class DynamicTokensMetadataTest {
  private static final Pattern README_ROW =
      Pattern.compile("^\\| `(dynamic\\.tokens\\.[a-z0-9.-]+)` \\|");

  private static JsonNode metadata() throws Exception {
    try (InputStream in =
        DynamicTokensMetadataTest.class.getResourceAsStream(
            "/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("META-INF/spring-configuration-metadata.json").isNotNull();
      return new ObjectMapper().readTree(in);
    }
  }

  @Test
  void theMetadataAndTheReadmeListTheSameProperties() throws Exception {
    Set<String> inMetadata = new TreeSet<>();
    for (JsonNode property : metadata().path("properties")) {
      inMetadata.add(property.path("name").asText());
      assertThat(property.path("description").asText())
          .as("description of %s", property.path("name").asText())
          .isNotBlank();
    }
    Set<String> inReadme = new TreeSet<>();
    boolean inSpringSection = false;
    for (String line : Files.readAllLines(Path.of("README.md"))) {
      if (line.startsWith("## ")) {
        inSpringSection = line.equals("## Use in Spring WebFlux");
      }
      Matcher row = README_ROW.matcher(line);
      if (inSpringSection && row.find()) {
        inReadme.add(row.group(1));
      }
    }
    assertThat(inMetadata).contains("dynamic.tokens.ssl.bundle", "dynamic.tokens.shared-resources");
    assertThat(inReadme).as("README property table").containsExactlyElementsOf(inMetadata);
  }

  @Test
  void sharedResourcesIsDescribedAsTheCodeBehaves() throws Exception {
    for (JsonNode property : metadata().path("properties")) {
      String name = property.path("name").asText();
      String description = property.path("description").asText();
      if (name.equals("dynamic.tokens.shared-resources")) {
        assertThat(description).contains("event loops").contains("pool is the client's own");
      }
      if (name.equals("dynamic.tokens.max-connections")
          || name.equals("dynamic.tokens.max-pending-acquires")) {
        assertThat(description).as(name).doesNotContain("ignored");
      }
    }
  }
}
