package io.shardgate.gateway.iscsi;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** State the connections of one {@link IscsiServer} share: session handles and per-volume COMPARE AND WRITE order. */
final class TargetRegistry {
    private final AtomicInteger tsih = new AtomicInteger();
    private final Map<String, AsyncMutex> compareAndWrite = new ConcurrentHashMap<>();

    /** A new target session identifying handle, never 0. */
    int nextTsih() {
        int v;
        do {
            v = tsih.incrementAndGet() & 0xFFFF;
        } while (v == 0);
        return v;
    }

    AsyncMutex compareAndWriteMutex(String volume) {
        return compareAndWrite.computeIfAbsent(volume, v -> new AsyncMutex());
    }
}
