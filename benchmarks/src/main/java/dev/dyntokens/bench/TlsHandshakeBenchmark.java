package dev.dyntokens.bench;

import org.openjdk.jmh.annotations.OperationsPerInvocation;

/**
 * Token creation when every creation pays one full TLS 1.3 handshake: the server of {@link
 * CreateTokenTlsBenchmark} answers each creation with {@code Connection: close} and closes, so
 * every contender opens a new connection (TCP and TLS) for the next one, and it resumes no
 * session (no tickets, no session cache; {@code server.tls.resumed} reports any resumption). The
 * score is creations/s; {@code cpu.client.ns/op} is the client's CPU per creation, handshake
 * included. Same contenders, set-up and trust as {@link CreateTokenTlsBenchmark}; N = 1 and 16
 * (N concurrent handshakes).
 */
public class TlsHandshakeBenchmark {
  private TlsHandshakeBenchmark() {}

  /** One creation, and so one handshake, at a time. */
  @OperationsPerInvocation(1)
  public static class N1 extends CreateTokenTlsBenchmark.Batch {
    @Override
    protected int n() {
      return 1;
    }

    @Override
    protected boolean newConnectionEachCreation() {
      return true;
    }
  }

  @OperationsPerInvocation(16)
  public static class N16 extends CreateTokenTlsBenchmark.Batch {
    @Override
    protected int n() {
      return 16;
    }

    @Override
    protected boolean newConnectionEachCreation() {
      return true;
    }
  }
}
