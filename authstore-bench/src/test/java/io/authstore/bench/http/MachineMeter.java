package io.authstore.bench.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Where a stage's time went, from snapshots taken at its start and end: CPU of the whole machine
 * ({@code /proc/stat}), of the servers' JVM and of {@code redis-server} ({@code /proc/<pid>/stat}),
 * of this JVM (the load generator) and of its Gatling threads; the collections of both JVMs; the
 * kernel's count of connections refused a place in a full listen queue ({@code ListenOverflows},
 * machine-wide); and the connections open to each server.
 *
 * <p>This JVM's CPU that Gatling's threads do not account for is GC and JIT compiler threads,
 * mostly (and the simulation's own threads, such as {@code main} and {@code load-meter}); the
 * machine's CPU that neither JVM nor Redis accounts for is other processes.
 *
 * <p>Linux only. Thread-safe: a snapshot asks the servers' JVM for its collections ({@link
 * LoadTarget#serverGc}, serialized there); snapshots are never changed once made.
 */
final class MachineMeter {
  /** What a JVM thread works for, by its name. */
  enum Part {
    /** Jetty's pool (Javalin), the server's Lettuce and revocation threads. */
    SERVER,
    /** Gatling's engine (actors, scheduler) and its Netty HTTP client. */
    GENERATOR,
    /** Any other Java thread. */
    OTHER_THREADS
  }

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private static final List<GarbageCollectorMXBean> GCS =
      ManagementFactory.getGarbageCollectorMXBeans();
  private static final long NANOS_PER_TICK = 10_000_000L; // USER_HZ = 100 on Linux

  private final LoadTarget target;
  private final int[] serverPorts;

  /**
   * @param target the servers' JVM and Redis, whose CPU and collections are counted
   */
  MachineMeter(LoadTarget target) {
    this.target = target;
    this.serverPorts = new int[] {target.memoryPort(), target.redisBackedPort()};
  }

  /** Counters at one instant; times in nanoseconds. */
  record Snapshot(
      long wallNanos,
      long machineBusy,
      long machineSteal,
      long servers,
      long redis,
      long generatorJvm,
      long gatlingThreads,
      long[] serverGc,
      long[] generatorGc,
      long listenOverflows,
      int[] connections) {}

  /** Between two snapshots: CPU as a share of one CPU (1.0 = one core busy), and counts. */
  record Usage(
      double wallSeconds,
      double machine,
      double steal,
      double servers,
      double redis,
      double generatorJvm,
      double gatlingThreads,
      long[] serverGc,
      long[] generatorGc,
      long listenOverflows,
      int[] connectionsAtStart,
      int[] connectionsAtEnd) {

    /** Processes other than the two JVMs and redis-server. */
    double otherProcesses() {
      return Math.max(0, machine - servers - redis - generatorJvm);
    }

    String describe() {
      return String.format(
          Locale.ROOT,
          "cpu (cores) %.2f = servers' jvm %.2f + redis %.2f + generator's jvm %.2f (gatling"
              + " threads %.2f) + other processes %.2f; steal %.2f%n"
              + "    gc servers %d collections, %d ms; generator %d, %d ms; listen queue overflows"
              + " %d; connections open %s at start, %s at end",
          machine,
          servers,
          redis,
          generatorJvm,
          gatlingThreads,
          otherProcesses(),
          steal,
          serverGc[0],
          serverGc[1],
          generatorGc[0],
          generatorGc[1],
          listenOverflows,
          Arrays.toString(connectionsAtStart),
          Arrays.toString(connectionsAtEnd));
    }
  }

  /** Established connections to each server port, now (cheaper than a snapshot). */
  int[] connections() {
    return establishedTo(serverPorts);
  }

  Snapshot snapshot() {
    long[] machine = machineTicks();
    long gcCount = 0;
    long gcMillis = 0;
    for (GarbageCollectorMXBean gc : GCS) {
      gcCount += Math.max(0, gc.getCollectionCount());
      gcMillis += Math.max(0, gc.getCollectionTime());
    }
    return new Snapshot(
        System.nanoTime(),
        machine[0] * NANOS_PER_TICK,
        machine[1] * NANOS_PER_TICK,
        processTicks(target.serversPid()) * NANOS_PER_TICK,
        processTicks(target.redisPid()) * NANOS_PER_TICK,
        OS.getProcessCpuTime(),
        threadCpu().get(Part.GENERATOR),
        target.serverGc(),
        new long[] {gcCount, gcMillis},
        listenOverflows(),
        establishedTo(serverPorts));
  }

  static Usage between(Snapshot a, Snapshot b) {
    double wall = b.wallNanos() - a.wallNanos();
    return new Usage(
        wall / 1e9,
        (b.machineBusy() - a.machineBusy()) / wall,
        (b.machineSteal() - a.machineSteal()) / wall,
        (b.servers() - a.servers()) / wall,
        (b.redis() - a.redis()) / wall,
        (b.generatorJvm() - a.generatorJvm()) / wall,
        (b.gatlingThreads() - a.gatlingThreads()) / wall,
        minus(b.serverGc(), a.serverGc()),
        minus(b.generatorGc(), a.generatorGc()),
        b.listenOverflows() - a.listenOverflows(),
        a.connections(),
        b.connections());
  }

  private static long[] minus(long[] b, long[] a) {
    return new long[] {b[0] - a[0], b[1] - a[1]};
  }

  /** The part a thread belongs to, from the names Jetty, Lettuce, authstore and Gatling use. */
  static Part partOf(String threadName) {
    String name = threadName.toLowerCase(Locale.ROOT);
    if (name.startsWith("jetty")
        || name.startsWith("qtp")
        || name.startsWith("lettuce")
        || name.startsWith("authstore")) {
      return Part.SERVER;
    }
    // Gatling's actor system runs on Executors.newFixedThreadPool (default names pool-N-thread-M);
    // its Netty event loops are gatling-N-M. Nothing else in a load run uses default names.
    if (name.startsWith("gatling") || name.startsWith("pool-")) {
      return Part.GENERATOR;
    }
    return Part.OTHER_THREADS;
  }

  /** CPU seconds per live thread name (numbers folded), to check {@link #partOf} against a run. */
  static String threadNames() {
    Map<String, Long> byName = new TreeMap<>();
    long[] ids = THREADS.getAllThreadIds();
    ThreadInfo[] infos = THREADS.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      if (infos[i] != null) {
        String name = infos[i].getThreadName();
        String folded = name.replaceAll("[0-9]+", "N").replaceAll("@.*", "@...");
        long cpu = Math.max(0, THREADS.getThreadCpuTime(ids[i]));
        byName.merge(folded + " [" + partOf(name) + "]", cpu, Long::sum);
      }
    }
    StringBuilder out = new StringBuilder();
    byName.forEach(
        (name, cpu) -> {
          if (cpu >= 50_000_000L) {
            out.append(String.format(Locale.ROOT, "%8.1f s  %s%n", cpu / 1e9, name));
          }
        });
    return out.toString();
  }

  private static Map<Part, Long> threadCpu() {
    Map<Part, Long> cpu = new EnumMap<>(Part.class);
    for (Part part : Part.values()) {
      cpu.put(part, 0L);
    }
    long[] ids = THREADS.getAllThreadIds();
    ThreadInfo[] infos = THREADS.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      long time = THREADS.getThreadCpuTime(ids[i]);
      if (infos[i] != null && time > 0) {
        cpu.merge(partOf(infos[i].getThreadName()), time, Long::sum);
      }
    }
    return cpu;
  }

  /** Busy and steal ticks over all CPUs: user, nice, system, irq, softirq, steal. */
  private static long[] machineTicks() {
    String cpuLine = read(Path.of("/proc/stat")).lines().findFirst().orElseThrow();
    long[] f =
        Arrays.stream(cpuLine.trim().split("\\s+")).skip(1).mapToLong(Long::parseLong).toArray();
    // user nice system idle iowait irq softirq steal ...
    return new long[] {f[0] + f[1] + f[2] + f[5] + f[6] + f[7], f[7]};
  }

  /** utime + stime of a process, in ticks; 0 if it is gone. */
  private static long processTicks(long pid) {
    String stat;
    try {
      stat = read(Path.of("/proc/" + pid + "/stat"));
    } catch (UncheckedIOException e) {
      return 0;
    }
    // Fields after the command name, which is in parentheses and may contain spaces.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /** TcpExt ListenOverflows: connections dropped because a listen queue was full. */
  private static long listenOverflows() {
    List<String> lines =
        read(Path.of("/proc/net/netstat")).lines().filter(l -> l.startsWith("TcpExt:")).toList();
    if (lines.size() < 2) {
      return 0;
    }
    List<String> names = Arrays.asList(lines.get(0).split("\\s+"));
    int i = names.indexOf("ListenOverflows");
    return i < 0 ? 0 : Long.parseLong(lines.get(1).split("\\s+")[i]);
  }

  /** Established TCP connections whose local port is each of the given ports. */
  private static int[] establishedTo(int[] ports) {
    int[] counts = new int[ports.length];
    // The servers listen on IPv4-mapped IPv6 sockets: their connections are in tcp6.
    Stream.of("/proc/net/tcp", "/proc/net/tcp6")
        .flatMap(file -> read(Path.of(file)).lines().skip(1))
        .forEach(
            line -> {
              String[] f = line.trim().split("\\s+");
              if (f.length > 3 && f[3].equals("01")) {
                int local = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
                for (int i = 0; i < ports.length; i++) {
                  if (ports[i] == local) {
                    counts[i]++;
                  }
                }
              }
            });
    return counts;
  }

  private static String read(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
