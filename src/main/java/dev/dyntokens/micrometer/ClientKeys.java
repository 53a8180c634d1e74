package dev.dyntokens.micrometer;

import dev.dyntokens.ObservedCall;
import dev.dyntokens.TransportException;
import io.micrometer.common.KeyValues;
import org.jspecify.annotations.Nullable;

/**
 * The low-cardinality keys of the HTTP-client convention (as Spring's and Reactor Netty's HTTP
 * client observations have them, so the same dashboards chart them), plus the client's own.
 */
final class ClientKeys {
  static final String METHOD = "method";
  static final String URI = "uri";
  static final String STATUS = "status";
  static final String OUTCOME = "outcome";
  static final String EXCEPTION = "exception";
  static final String CLIENT_NAME = "client.name";
  static final String OPERATION = "operation";
  static final String TARGET = "target";

  private ClientKeys() {}

  static KeyValues of(ObservedCall call, int status, @Nullable Throwable error) {
    return KeyValues.of(
        METHOD, call.method(),
        URI, call.uriTemplate(),
        STATUS, status(status, error),
        OUTCOME, outcome(status),
        EXCEPTION, exception(error),
        CLIENT_NAME, call.clientName(),
        OPERATION, call.operation(),
        TARGET, call.target());
  }

  /** The answer's code; {@code IO_ERROR} when the network failed it, {@code NONE} otherwise. */
  static String status(int status, @Nullable Throwable error) {
    if (status > 0) {
      return Integer.toString(status);
    }
    return error instanceof TransportException ? "IO_ERROR" : "NONE";
  }

  static String outcome(int status) {
    if (status >= 100 && status < 200) {
      return "INFORMATIONAL";
    }
    if (status >= 200 && status < 300) {
      return "SUCCESS";
    }
    if (status >= 300 && status < 400) {
      return "REDIRECTION";
    }
    if (status >= 400 && status < 500) {
      return "CLIENT_ERROR";
    }
    if (status >= 500 && status < 600) {
      return "SERVER_ERROR";
    }
    return "UNKNOWN";
  }

  /** The failure's simple class name, or {@code none}. */
  static String exception(@Nullable Throwable error) {
    if (error == null) {
      return "none";
    }
    String name = error.getClass().getSimpleName();
    return name.isEmpty() ? error.getClass().getName() : name;
  }
}
