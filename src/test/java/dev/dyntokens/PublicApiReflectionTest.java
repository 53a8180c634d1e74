package dev.dyntokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Frameworks (Spring, Kotlin, mocking and DI libraries) reflect on every public method. Micrometer
 * and Spring are optional dependencies, so no public type of the core may name one of their types:
 * {@code getMethods()} must work with only the required dependencies on the classpath.
 */
class PublicApiReflectionTest {
  private static final List<String> OPTIONAL = List.of("micrometer", "spring", "HdrHistogram");

  /** The public types directly in {@code dev.dyntokens}, read from the compiled classes. */
  private static List<String> publicTypeNames() throws Exception {
    Path root =
        Path.of(
                ReactiveTokenClient.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI())
            .resolve("dev/dyntokens");
    List<String> names = new ArrayList<>();
    try (Stream<Path> files = Files.list(root)) {
      files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".class") && !n.equals("package-info.class"))
          .forEach(n -> names.add("dev.dyntokens." + n.substring(0, n.length() - 6)));
    }
    return names;
  }

  @Test
  void everyPublicTypeCanBeReflectedOnWithoutTheOptionalDependencies() throws Exception {
    List<URL> required = new ArrayList<>();
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    for (String entry : classPath.split(File.pathSeparator)) {
      if (OPTIONAL.stream().noneMatch(entry::contains)) {
        required.add(Path.of(entry).toUri().toURL());
      }
    }
    try (URLClassLoader loader =
        new URLClassLoader(required.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
      assertThat(loader.getResource("io/micrometer/core/instrument/MeterRegistry.class"))
          .as("the loader really lacks Micrometer")
          .isNull();
      int reflected = 0;
      for (String name : publicTypeNames()) {
        Class<?> type = Class.forName(name, false, loader);
        if (java.lang.reflect.Modifier.isPublic(type.getModifiers())) {
          assertThat(type.getMethods()).as(name).isNotNull();
          assertThat(type.getConstructors()).as(name).isNotNull();
          reflected++;
        }
      }
      assertThat(reflected).isGreaterThan(20);
    }
  }

  @Test
  void noPublicSignatureOfTheCoreNamesAnOptionalType() throws Exception {
    for (String name : publicTypeNames()) {
      Class<?> type = Class.forName(name);
      if (!java.lang.reflect.Modifier.isPublic(type.getModifiers())) {
        continue;
      }
      for (Method m : type.getMethods()) {
        List<Type> named = new ArrayList<>(List.of(m.getGenericParameterTypes()));
        named.add(m.getGenericReturnType());
        for (Type t : named) {
          assertThat(t.getTypeName())
              .as("%s.%s", name, m.getName())
              .doesNotContain("io.micrometer")
              .doesNotContain("org.springframework");
        }
      }
    }
  }
}
