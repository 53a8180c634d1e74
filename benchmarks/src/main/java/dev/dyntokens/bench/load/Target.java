package dev.dyntokens.bench.load;

import java.util.Map;

/** What the driver sends its calls to: an embedded fake or a real API. */
public interface Target extends AutoCloseable {
  String baseUrl();

  /** The bearer token to use. Never printed. */
  String apiToken();

  /** A one-line description, without the API token. */
  String describe();

  /** Whether tokens created here are real and must be cleaned up. */
  boolean real();

  /** The server's own counters (requests received, faults injected...), empty if unknown. */
  Map<String, Long> serverStats();

  @Override
  void close();

  /** A real API at this base URL, with the token from the DYNAMIC_API_TOKEN variable. */
  static Target realApi(String baseUrl) {
    String token = System.getenv("DYNAMIC_API_TOKEN");
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException(
          "--base-url needs the API token in the DYNAMIC_API_TOKEN environment variable");
    }
    return new Target() {
      @Override
      public String baseUrl() {
        return baseUrl;
      }

      @Override
      public String apiToken() {
        return token;
      }

      @Override
      public String describe() {
        return "real API at " + baseUrl;
      }

      @Override
      public boolean real() {
        return true;
      }

      @Override
      public Map<String, Long> serverStats() {
        return Map.of();
      }

      @Override
      public void close() {}
    };
  }
}
