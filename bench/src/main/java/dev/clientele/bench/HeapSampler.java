package dev.clientele.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * JVM heap use during one phase of the benchmark. Two figures, because a collector lets the heap
 * fill with garbage before it runs: <b>peak</b> is the sum of the heap pools' peak usage since the
 * phase began ({@link MemoryPoolMXBean#resetPeakUsage}; an upper bound of the heap's true peak),
 * and <b>after GC</b> the largest heap left right after any collection in the phase (from the
 * collectors' notifications), the better measure of what the driver really holds.
 */
final class HeapSampler implements AutoCloseable {
  /** One phase's figures, in bytes. */
  record Heap(long peak, long afterGc) {}

  private final List<MemoryPoolMXBean> pools =
      ManagementFactory.getMemoryPoolMXBeans().stream()
          .filter(p -> p.getType() == MemoryType.HEAP)
          .toList();
  private final Set<String> heapPools =
      pools.stream().map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
  private final List<Runnable> unsubscribe = new ArrayList<>();
  private volatile long afterGc;

  HeapSampler() {
    NotificationListener onGc = this::collected;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(onGc, null, null);
        unsubscribe.add(
            () -> {
              try {
                emitter.removeNotificationListener(onGc);
              } catch (javax.management.ListenerNotFoundException ignored) {
                // already gone
              }
            });
      }
    }
  }

  /** Starts a new phase: both figures start again from now. */
  synchronized void reset() {
    for (MemoryPoolMXBean p : pools) p.resetPeakUsage();
    afterGc = 0;
  }

  /** The figures since the last {@link #reset}. */
  synchronized Heap read() {
    long peak = 0;
    for (MemoryPoolMXBean p : pools) peak += p.getPeakUsage().getUsed();
    return new Heap(peak, afterGc);
  }

  private void collected(Notification n, Object handback) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType()))
      return;
    var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
    long used = 0;
    for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
      if (heapPools.contains(e.getKey())) used += e.getValue().getUsed();
    }
    synchronized (this) {
      if (used > afterGc) afterGc = used;
    }
  }

  @Override
  public void close() {
    unsubscribe.forEach(Runnable::run);
  }
}
