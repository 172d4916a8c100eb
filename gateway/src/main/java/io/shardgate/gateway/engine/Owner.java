package io.shardgate.gateway.engine;

import io.micrometer.core.instrument.MeterRegistry;
import io.shardgate.core.map.ShardMap;
import io.shardgate.gateway.store.DurableStore;
import io.shardgate.gateway.tier.CacheTier;
import io.vertx.core.WorkerExecutor;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * What this server brings to every volume it owns shards of: its id, the durable store, the bounded {@code store-io}
 * worker pool, the cache tiers and the meter registry. Both volume managers (single node and cluster) open their
 * {@link LocalVolume}s through it, so the owner side is assembled in one place. Thread-safe.
 */
public final class Owner {
    private final String serverId;
    private final DurableStore store;
    private final WorkerExecutor pool;
    private final MeterRegistry registry;
    private final CacheTier ram;
    private final CacheTier nvme;
    private final AtomicLong nextVolumeKey = new AtomicLong();
    private final Map<Long, LocalVolume> open = new ConcurrentHashMap<>();
    private volatile AccessListener listener = AccessListener.NONE;
    private volatile CapacityEmulator capacity;

    /**
     * @param pool the bounded worker pool for store calls and NVMe tier I/O
     * @param ram  the RAM tier shared by the volumes, or null for none
     * @param nvme the NVMe tier shared by the volumes, or null for none
     */
    public Owner(String serverId, DurableStore store, WorkerExecutor pool, MeterRegistry registry, CacheTier ram,
                 CacheTier nvme) {
        this.serverId = serverId;
        this.store = store;
        this.pool = pool;
        this.registry = registry;
        this.ram = ram;
        this.nvme = nvme;
    }

    /**
     * Opens the owner side of one live volume. Each call gets a fresh tier key, so a deleted volume's cached blocks
     * can never be read by a new volume of the same name.
     *
     * @param map    the volume's current shard map, read on every request
     * @param layers the chunk layers it reads through (see {@link LocalVolume#switchLayers} for changes)
     */
    public LocalVolume open(String name, Supplier<ShardMap> map, Layers layers) {
        long key = nextVolumeKey.incrementAndGet();
        LocalVolume v = new LocalVolume(name, map, layers, this, new VolumeMetrics(registry, name), key);
        open.put(key, v);
        return v;
    }

    /** Forgets a volume that was deleted or is no longer owned here, and frees its cached blocks. */
    public void retire(LocalVolume volume) {
        if (open.remove(volume.volumeKey()) != null) {
            volume.dropCachedBlocks();
        }
    }

    /** The volumes opened and not retired. */
    public Collection<LocalVolume> volumes() {
        return List.copyOf(open.values());
    }

    public String serverId() {
        return serverId;
    }

    public DurableStore store() {
        return store;
    }

    public WorkerExecutor pool() {
        return pool;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Who hears every completed owner-side request from now on (one listener; {@link AccessListener#NONE} = none). */
    public void listenTo(AccessListener listener) {
        this.listener = listener;
    }

    AccessListener listener() {
        return listener;
    }

    /** Caps owner-side I/O at an emulated capacity from now on (benchmarks on one machine); null for none. */
    public void emulateCapacity(CapacityEmulator capacity) {
        this.capacity = capacity;
    }

    CapacityEmulator capacity() {
        return capacity;
    }

    /** The RAM tier, or null. */
    public CacheTier ram() {
        return ram;
    }

    /** The NVMe tier, or null. */
    public CacheTier nvme() {
        return nvme;
    }
}
