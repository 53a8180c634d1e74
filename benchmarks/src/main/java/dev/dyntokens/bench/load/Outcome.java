package dev.dyntokens.bench.load;

import dev.dyntokens.ConnectionClosedException;
import dev.dyntokens.ConnectionFailedException;
import dev.dyntokens.ConnectionPoolExhaustedException;
import dev.dyntokens.RateLimitedException;
import dev.dyntokens.ResponseDecodingException;
import dev.dyntokens.ResponseTimeoutException;
import dev.dyntokens.ServerErrorException;
import dev.dyntokens.TransportException;
import java.util.concurrent.TimeoutException;

/** How one create call ended, by the class of its error signal. */
public enum Outcome {
  SUCCESS("success"),
  RATE_LIMITED("429"),
  SERVER_ERROR("5xx"),
  TIMEOUT("timeout"),
  CONNECTION("connection"),
  DECODING("decoding"),
  OTHER("other");

  private final String label;

  Outcome(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  public static Outcome of(Throwable error) {
    if (error instanceof RateLimitedException) {
      return RATE_LIMITED;
    }
    if (error instanceof ServerErrorException) {
      return SERVER_ERROR;
    }
    if (error instanceof ResponseTimeoutException || error instanceof TimeoutException) {
      return TIMEOUT;
    }
    if (error instanceof ConnectionFailedException
        || error instanceof ConnectionClosedException
        || error instanceof ConnectionPoolExhaustedException
        || error instanceof TransportException) {
      return CONNECTION;
    }
    if (error instanceof ResponseDecodingException) {
      return DECODING;
    }
    return OTHER;
  }
}
