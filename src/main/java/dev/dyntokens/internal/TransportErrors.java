package dev.dyntokens.internal;

import dev.dyntokens.ConnectionClosedException;
import dev.dyntokens.ConnectionFailedException;
import dev.dyntokens.ConnectionPoolExhaustedException;
import dev.dyntokens.ResponseTimeoutException;
import dev.dyntokens.TokenClientException;
import dev.dyntokens.TransportException;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.timeout.ReadTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import javax.net.ssl.SSLHandshakeException;
import reactor.netty.http.client.PrematureCloseException;

/** Maps what Netty and Reactor Netty signal into the client's transport exceptions. */
final class TransportErrors {
  private TransportErrors() {}

  /**
   * @param written whether the request had been handed to the connection
   * @param responseTimeoutNanos the exchange's own response timeout, which a timeout message names
   * @param config for the other limits the messages name
   */
  static TokenClientException map(
      Throwable error,
      boolean written,
      String request,
      long responseTimeoutNanos,
      ClientConfig config) {
    if (error instanceof TokenClientException) {
      return (TokenClientException) error;
    }
    String type = error.getClass().getSimpleName();
    if (error instanceof StaleConnectionException) {
      return new ConnectionClosedException(
          request + " failed before it was sent: " + error.getMessage(), error, false);
    }
    if (error instanceof ReadTimeoutException) {
      return new ResponseTimeoutException(
          request
              + " timed out: no complete answer within "
              + millis(Duration.ofNanos(responseTimeoutNanos))
              + " of the request being written",
          error);
    }
    if (error instanceof ConnectTimeoutException) {
      return new ConnectionFailedException(
          request + " could not connect within " + millis(config.connectTimeout), error);
    }
    if (error instanceof UnknownHostException) {
      return new ConnectionFailedException(
          request + " could not connect: unknown host (DNS lookup failed)", error);
    }
    if (error instanceof ConnectException || error instanceof NoRouteToHostException) {
      return new ConnectionFailedException(
          request + " could not connect: " + safeMessage(error), error);
    }
    if (error instanceof SSLHandshakeException) {
      return new ConnectionFailedException(
          request + " could not connect: TLS handshake failed (" + safeMessage(error) + ")", error);
    }
    if (type.equals("PoolAcquireTimeoutException")) {
      return new ConnectionPoolExhaustedException(
          request
              + " found no free connection within the pool's acquire timeout of "
              + millis(ClientConfig.PENDING_ACQUIRE_TIMEOUT)
              + " (pool of "
              + config.maxConnections
              + " connections all busy)",
          error);
    }
    if (type.equals("PoolAcquirePendingLimitException")) {
      return new ConnectionPoolExhaustedException(
          request
              + " was refused: "
              + config.maxPendingAcquires
              + " calls were already waiting for one of the pool's "
              + config.maxConnections
              + " connections",
          error);
    }
    if (error instanceof PrematureCloseException
        || error instanceof PrematureChannelClosureException
        || error instanceof ClosedChannelException
        || error instanceof IOException) {
      return new ConnectionClosedException(
          request
              + " failed: the connection closed "
              + (written ? "after the request was written" : "before the request was written")
              + " ("
              + type
              + ")",
          error,
          written);
    }
    return new TransportException(
        request + " failed: " + type + (written ? " after the request was written" : ""),
        error,
        written);
  }

  private static String millis(Duration d) {
    return d.toMillis() + " ms";
  }

  /** Netty's connect messages name the address, never a secret; clip them all the same. */
  private static String safeMessage(Throwable error) {
    String m = error.getMessage();
    return m == null ? error.getClass().getSimpleName() : ErrorMapping.clip(m, 200);
  }
}
