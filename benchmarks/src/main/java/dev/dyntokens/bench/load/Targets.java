package dev.dyntokens.bench.load;

import dev.dyntokens.testing.FaultKind;
import java.util.List;
import java.util.Locale;

/** Starts the target the options ask for. */
public final class Targets {
  private Targets() {}

  public static Target of(Options o) {
    if (o.realApi()) {
      return Target.realApi(o.baseUrl());
    }
    List<FaultKind> kinds =
        o.faults().isEmpty()
            ? LibraryFake.DEFAULT_FAULTS
            : o.faults().stream().map(Targets::kind).toList();
    return new LibraryFake(o.faultRate(), kinds, o.rateLimitPerSecond(), o.seed(), o.tls());
  }

  private static FaultKind kind(String name) {
    try {
      return FaultKind.valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown fault kind " + name + "; one of " + List.of(FaultKind.values()));
    }
  }
}
