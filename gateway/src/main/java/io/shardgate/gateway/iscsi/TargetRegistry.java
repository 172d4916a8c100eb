package io.shardgate.gateway.iscsi;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * State the connections of one {@link IscsiServer} share: session handles and, per volume, the COMPARE AND WRITE
 * order and the count of logical unit resets (each session reports a new one as a unit attention). Thread-safe.
 */
final class TargetRegistry {
    private final AtomicInteger tsih = new AtomicInteger();
    private final Map<String, Unit> units = new ConcurrentHashMap<>();

    /** Shared state of one logical unit (volume) on this server. */
    static final class Unit {
        final AsyncMutex compareAndWrite = new AsyncMutex();
        final AtomicLong resets = new AtomicLong();
    }

    /** A new target session identifying handle, never 0. */
    int nextTsih() {
        int v;
        do {
            v = tsih.incrementAndGet() & 0xFFFF;
        } while (v == 0);
        return v;
    }

    Unit unit(String volume) {
        return units.computeIfAbsent(volume, v -> new Unit());
    }
}
