package dev.dyntokens.micrometer;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import reactor.netty.resources.ConnectionPoolMetrics;
import reactor.netty.resources.ConnectionProvider;

/**
 * Gauges of the client's own pool ({@code dynamic.tokens.pool.*}), removed again when the pool is
 * disposed (Reactor Netty calls {@code deRegisterMetrics} then), so a closed pool is neither kept
 * alive by the registry nor shown beside a later client's.
 */
final class PoolGauges implements ConnectionProvider.MeterRegistrar {
  private final MeterRegistry meters;
  private final Map<String, List<Meter>> registered = new ConcurrentHashMap<>();

  PoolGauges(MeterRegistry meters) {
    this.meters = meters;
  }

  @Override
  public void registerMetrics(
      String poolName, String id, SocketAddress remote, ConnectionPoolMetrics m) {
    Tags tags = Tags.of("pool", poolName, "remote", String.valueOf(remote));
    List<Meter> gauges =
        List.of(
            gauge(
                "dynamic.tokens.pool.active",
                "Connections in use",
                tags,
                m,
                ConnectionPoolMetrics::acquiredSize),
            gauge(
                "dynamic.tokens.pool.idle",
                "Idle pooled connections",
                tags,
                m,
                ConnectionPoolMetrics::idleSize),
            gauge(
                "dynamic.tokens.pool.total",
                "Connections open",
                tags,
                m,
                ConnectionPoolMetrics::allocatedSize),
            gauge(
                "dynamic.tokens.pool.pending",
                "Calls waiting for a connection",
                tags,
                m,
                ConnectionPoolMetrics::pendingAcquireSize),
            gauge(
                "dynamic.tokens.pool.max",
                "Pool size limit",
                tags,
                m,
                ConnectionPoolMetrics::maxAllocatedSize));
    registered.put(key(poolName, id, remote), gauges);
  }

  @Override
  public void deRegisterMetrics(String poolName, String id, SocketAddress remote) {
    List<Meter> gauges = registered.remove(key(poolName, id, remote));
    if (gauges != null) {
      gauges.forEach(meters::remove);
    }
  }

  private static String key(String poolName, String id, SocketAddress remote) {
    return poolName + '\n' + id + '\n' + remote;
  }

  private Meter gauge(
      String name,
      String description,
      Tags tags,
      ConnectionPoolMetrics m,
      ToDoubleFunction<ConnectionPoolMetrics> value) {
    return Gauge.builder(name, m, value)
        .description(description)
        .tags(tags)
        .strongReference(true)
        .register(meters);
  }
}
