package dev.dyntokens.bench.load;

/** Starts the embedded fake API the driver uses by default. */
public final class Targets {
  private Targets() {}

  public static Target fake(double faultRate, int rateLimitPerSecond) {
    return new BuiltinFakeApi(faultRate, rateLimitPerSecond);
  }
}
