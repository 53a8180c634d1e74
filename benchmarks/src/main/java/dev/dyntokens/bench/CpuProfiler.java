package dev.dyntokens.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * Reports {@link CpuMeter}'s sample of each iteration per creation. Use as {@code -prof
 * dev.dyntokens.bench.CpuProfiler}.
 *
 * <ul>
 *   <li>{@code cpu.client.ns/op}: CPU of all non-server Java threads (client event loops, JDK
 *       client threads, the benchmark thread) per creation;
 *   <li>{@code cpu.server.ns/op}: CPU of the server's single thread per creation;
 *   <li>{@code cpu.server.util}: server CPU / wall time, in cores: the server has one thread, so a
 *       value well below 1.0 means it was not the bottleneck;
 *   <li>{@code cpu.process.ns/op} and {@code cpu.process.util}: the whole process, GC and JIT
 *       threads included;
 *   <li>{@code server.connections}: connections the server accepted during the iteration, 0 when
 *       every call reused a kept-alive connection;
 *   <li>{@code server.connections.open}: connections open at the end of the iteration;
 *   <li>for the TLS benchmarks ({@code Tls} in the name), {@code server.tls.handshakes}: TLS
 *       handshakes the server completed during the iteration, and {@code server.tls.resumed}: how
 *       many of them resumed a session instead of a full handshake (0 by design).
 * </ul>
 */
public final class CpuProfiler implements InternalProfiler {
  @Override
  public String getDescription() {
    return "CPU per creation of client vs server threads (ThreadMXBean)";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    CpuMeter.clear();
  }

  @Override
  public Collection<? extends Result> afterIteration(
      BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
    CpuMeter.Sample s = CpuMeter.last();
    long ops = result.getMetadata() == null ? 0 : result.getMetadata().getAllOps();
    List<Result> out = new ArrayList<>();
    if (s == null || ops <= 0 || s.wallNs() <= 0) {
      return out;
    }
    double wall = s.wallNs();
    out.add(scalar("cpu.client.ns/op", (double) s.otherNs() / ops, "ns/op"));
    out.add(scalar("cpu.server.ns/op", (double) s.serverNs() / ops, "ns/op"));
    out.add(scalar("cpu.server.util", s.serverNs() / wall, "cores"));
    out.add(scalar("cpu.process.ns/op", (double) s.processNs() / ops, "ns/op"));
    out.add(scalar("cpu.process.util", s.processNs() / wall, "cores"));
    // Keep-alive check: connections the server accepted during the iteration (0 once warm).
    out.add(
        new ScalarResult(
            "server.connections", s.newConnections(), "conns", AggregationPolicy.AVG));
    // How many connections carried the calls: one per call in flight on HTTP/1.1, few on HTTP/2.
    out.add(
        new ScalarResult(
            "server.connections.open", s.openConnections(), "conns", AggregationPolicy.AVG));
    if (benchmarkParams.getBenchmark().contains("Tls")) {
      out.add(
          new ScalarResult(
              "server.tls.handshakes", s.tlsHandshakes(), "handshakes", AggregationPolicy.AVG));
      out.add(
          new ScalarResult(
              "server.tls.resumed", s.tlsResumed(), "handshakes", AggregationPolicy.AVG));
    }
    return out;
  }

  private static ScalarResult scalar(String label, double value, String unit) {
    return new ScalarResult(label, value, unit, AggregationPolicy.AVG);
  }
}
