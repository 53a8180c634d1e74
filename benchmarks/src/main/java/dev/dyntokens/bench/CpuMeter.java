package dev.dyntokens.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time of the benchmark server's thread versus every other Java thread, over one JMH
 * iteration. The benchmark state starts and stops it in its iteration-level setup and tear-down
 * (which run before the trial tear-down stops the server's thread), and {@link CpuProfiler} turns
 * the last sample into per-creation results.
 */
public final class CpuMeter {
  /** One iteration's CPU: server thread, other Java threads, whole process, and wall time (ns). */
  public record Sample(
      long serverNs,
      long otherNs,
      long processNs,
      long wallNs,
      long newConnections,
      long tlsHandshakes,
      long tlsResumed,
      long openConnections) {}

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private static Map<Long, Long> startCpu = Map.of();
  private static long startWall;
  private static long startProcess;
  private static long startConnections;
  private static long startHandshakes;
  private static long startResumed;
  private static volatile Sample last;

  private CpuMeter() {}

  public static synchronized void start() {
    if (THREADS.isThreadCpuTimeSupported() && !THREADS.isThreadCpuTimeEnabled()) {
      THREADS.setThreadCpuTimeEnabled(true);
    }
    Map<Long, Long> cpu = new HashMap<>();
    for (long id : THREADS.getAllThreadIds()) {
      long t = THREADS.getThreadCpuTime(id);
      if (t >= 0) {
        cpu.put(id, t);
      }
    }
    startCpu = cpu;
    startProcess = OS.getProcessCpuTime();
    startConnections = CannedServer.connectionsAccepted();
    startHandshakes = CannedServer.tlsHandshakes();
    startResumed = CannedServer.tlsResumed();
    startWall = System.nanoTime();
  }

  public static synchronized void stop() {
    long wall = System.nanoTime() - startWall;
    long process = OS.getProcessCpuTime() - startProcess;
    long server = 0;
    long other = 0;
    long[] ids = THREADS.getAllThreadIds();
    ThreadInfo[] infos = THREADS.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      long now = THREADS.getThreadCpuTime(ids[i]);
      if (now < 0 || infos[i] == null) {
        continue;
      }
      long delta = now - startCpu.getOrDefault(ids[i], 0L);
      if (infos[i].getThreadName().startsWith(CannedServer.THREAD_PREFIX)) {
        server += delta;
      } else {
        other += delta;
      }
    }
    last =
        new Sample(
            server,
            other,
            process,
            wall,
            CannedServer.connectionsAccepted() - startConnections,
            CannedServer.tlsHandshakes() - startHandshakes,
            CannedServer.tlsResumed() - startResumed,
            CannedServer.connectionsOpen());
  }

  /** The sample of the iteration that ended last, or null if none has. */
  public static Sample last() {
    return last;
  }

  static void clear() {
    last = null;
  }
}
