package dev.dyntokens.bench;

import java.nio.charset.StandardCharsets;

/** The create answer the benchmark server sends: the vendor's documented example, verbatim. */
public final class CannedAnswer {
  /** A placeholder API token, never a real one. */
  public static final String API_TOKEN = "dyn_benchmark_api_token_not_a_secret";

  public static final String NOTE = "benchmark token";

  public static final String JSON =
      "{\"token\":{"
          + "\"id\":\"95b11417-f18f-457f-8804-68e361f9164f\","
          + "\"rawToken\":\"dyn_aGLjTe3TUN40vSE75sTtgUx9AjIe0q4n3LFC\","
          + "\"checksum\":\"4n3LFC\","
          + "\"createdBy\":{\"id\":\"95b11417-f18f-457f-8804-68e361f9164f\",\"alias\":\"bench\","
          + "\"firstName\":\"Jane\",\"lastName\":\"Smith\",\"email\":\"jsmith@example.com\"},"
          + "\"createdAt\":\"2023-11-07T05:31:56Z\","
          + "\"active\":true,"
          + "\"note\":\"benchmark token\","
          + "\"projectEnvironmentId\":\"95b11417-f18f-457f-8804-68e361f9164f\","
          + "\"projectEnvironment\":{\"id\":\"95b11417-f18f-457f-8804-68e361f9164f\"},"
          + "\"scopes\":[\"waas.delegatedAccess.signMessage\"]"
          + "}}";

  public static final byte[] BYTES = JSON.getBytes(StandardCharsets.UTF_8);

  public static final String EXPECTED_ID = "95b11417-f18f-457f-8804-68e361f9164f";

  private CannedAnswer() {}
}
