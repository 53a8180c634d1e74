package dev.dyntokens.testing;

import org.jspecify.annotations.Nullable;

/**
 * What a request asks for, parsed from its method and its path relative to the base path.
 *
 * @param operation the operation, or why there is none
 * @param environmentId the environment of an environment endpoint, null for the user's and for
 *     {@code /tokens/me}
 * @param tokenId the token to delete, null for other operations
 */
record Route(Operation operation, @Nullable String environmentId, @Nullable String tokenId) {

  enum Operation {
    CREATE,
    LIST,
    DELETE,
    /** {@code GET /tokens/me}: the API token the request is made with. */
    CURRENT,
    METHOD_NOT_ALLOWED,
    NOT_FOUND
  }

  private static final Route NOT_FOUND = new Route(Operation.NOT_FOUND, null, null);

  /**
   * Parses a path relative to the base path, such as {@code /environments/e1/tokens} or {@code
   * /tokens/me}.
   */
  static Route parse(String method, @Nullable String relativePath) {
    if (relativePath == null) {
      return NOT_FOUND;
    }
    String[] parts = relativePath.split("/", -1);
    if (parts.length < 3 || !parts[0].isEmpty()) {
      return NOT_FOUND;
    }
    if (parts[1].equals("tokens") && parts[2].equals("me") && parts.length == 3) {
      Operation operation = method.equals("GET") ? Operation.CURRENT : Operation.METHOD_NOT_ALLOWED;
      return new Route(operation, null, null);
    }
    if (parts[1].equals("user") && parts[2].equals("tokens")) {
      return tokens(method, parts, 3, null);
    }
    if (parts[1].equals("environments")
        && parts.length >= 4
        && !parts[2].isEmpty()
        && parts[3].equals("tokens")) {
      return tokens(method, parts, 4, parts[2]);
    }
    return NOT_FOUND;
  }

  private static Route tokens(
      String method, String[] parts, int collectionEnd, @Nullable String environmentId) {
    if (parts.length == collectionEnd) {
      Operation operation =
          switch (method) {
            case "POST" -> Operation.CREATE;
            case "GET" -> Operation.LIST;
            default -> Operation.METHOD_NOT_ALLOWED;
          };
      return new Route(operation, environmentId, null);
    }
    if (parts.length == collectionEnd + 1 && !parts[collectionEnd].isEmpty()) {
      Operation operation =
          method.equals("DELETE") ? Operation.DELETE : Operation.METHOD_NOT_ALLOWED;
      return new Route(operation, environmentId, parts[collectionEnd]);
    }
    return NOT_FOUND;
  }
}
