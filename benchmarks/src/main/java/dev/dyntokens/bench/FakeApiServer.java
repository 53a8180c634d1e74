package dev.dyntokens.bench;

import dev.dyntokens.testing.FakeDynamicApi;
import dev.dyntokens.testing.FakeDynamicApiOptions;

/**
 * Runs the library's {@link FakeDynamicApi} from the command line until the process is killed, so
 * other tools can be pointed at it. Prints the base URL and the API token, one per line, then
 * serves on non-daemon event loops. Options: {@link FakeDynamicApiOptions}.
 */
public final class FakeApiServer {
  private FakeApiServer() {}

  public static void main(String[] args) {
    FakeDynamicApi api;
    try {
      api = FakeDynamicApiOptions.parse(args).daemon(false).start();
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(FakeDynamicApiOptions.USAGE);
      System.exit(2);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(api::close, "fake-dynamic-api-shutdown"));
    System.out.println(api.baseUrl());
    System.out.println(api.apiToken());
    System.out.flush();
  }
}
