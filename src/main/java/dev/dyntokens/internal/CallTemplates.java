package dev.dyntokens.internal;

import dev.dyntokens.ObservedCall;
import java.util.EnumMap;
import java.util.Map;

/**
 * The {@link ObservedCall} of each operation and target of one client, made once: telemetry is told
 * about a call without an object made for it, and with templates, never the ids in its URL.
 */
final class CallTemplates {
  private final Map<Operation, ObservedCall> user = new EnumMap<>(Operation.class);
  private final Map<Operation, ObservedCall> environment = new EnumMap<>(Operation.class);

  CallTemplates(String clientName) {
    for (Operation operation : Operation.values()) {
      user.put(operation, template(operation, "user", clientName));
      environment.put(operation, template(operation, "environment", clientName));
    }
  }

  ObservedCall of(Operation operation, boolean environmentTarget) {
    return (environmentTarget ? environment : user).get(operation);
  }

  private static ObservedCall template(Operation operation, String target, String clientName) {
    String tokens =
        "environment".equals(target) ? "/environments/{environmentId}/tokens" : "/user/tokens";
    String uri;
    switch (operation) {
      case DELETE:
      case RECONCILE_DELETE:
        uri = tokens + "/{tokenId}";
        break;
      case CURRENT_TOKEN:
        uri = "/tokens/me";
        break;
      default:
        uri = tokens;
        break;
    }
    return new Template(operation.telemetryName, target, operation.method.name(), uri, clientName);
  }

  private record Template(
      String operation, String target, String method, String uriTemplate, String clientName)
      implements ObservedCall {
    @Override
    public String toString() {
      return method + " " + uriTemplate + " (" + operation + ", " + target + ")";
    }
  }
}
