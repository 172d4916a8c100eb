package io.shardgate.gateway.engine;

import io.shardgate.core.reshard.ShardLoad;
import io.shardgate.core.map.ShardMap;
import io.shardgate.core.plan.PlanRequest;
import io.shardgate.core.plan.PlanResult;
import io.shardgate.core.plan.ShardPlanner;
import io.shardgate.core.topology.Server;
import io.shardgate.core.topology.Topology;
import io.shardgate.gateway.io.BlockVolume;
import io.shardgate.gateway.io.VolumeResolver;
import io.shardgate.gateway.store.DurableStore;
import io.shardgate.gateway.volume.ClusterView;
import io.shardgate.gateway.volume.CreateVolumeRequest;
import io.shardgate.gateway.volume.MigrationInfo;
import io.shardgate.gateway.volume.ReshardRequest;
import io.shardgate.gateway.volume.ServerStatus;
import io.shardgate.gateway.volume.SnapshotInfo;
import io.shardgate.gateway.volume.VolumeException;
import io.shardgate.gateway.volume.VolumeInfo;
import io.shardgate.gateway.volume.VolumeManager;
import io.shardgate.gateway.volume.VolumeStats;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Volumes of a single-node gateway: placement by the planner on this one server, records and shard maps persisted
 * in the durable store's metadata ({@code volumes/<name>}, {@code maps/<name>}) before a change is acknowledged,
 * and reloaded on start, so a restart loses no volume. Management calls are serialised (one at a time) on the
 * worker pool; I/O does not pass through here.
 */
public final class LocalVolumeManager implements VolumeManager, ClusterView, VolumeResolver {
    private static final String VOLUMES = "volumes/";
    private static final String MAPS = "maps/";

    /** A live volume: its record, current map and I/O face. */
    private record Entry(MapCodec.VolumeRecord record, AtomicReference<ShardMap> map, LocalVolume volume) {
    }

    private final Server server;
    private final DurableStore store;
    private final WorkerExecutor pool;
    private final ShardPlanner planner;
    private final Owner owner;
    private final LoadMonitor load;
    private final Map<String, Entry> volumes = new ConcurrentHashMap<>();
    private final SnapshotCatalog snapshots;
    private Topology topology;

    private LocalVolumeManager(Server server, Owner owner, ShardPlanner planner, LoadMonitor load) {
        this.server = server;
        this.load = load;
        this.owner = owner;
        this.store = owner.store();
        this.pool = owner.pool();
        this.planner = planner;
        this.snapshots = new SnapshotCatalog(store);
        this.topology = Topology.of(List.of(server));
    }

    /**
     * Loads every persisted volume; blocking (call at start, off the event loop).
     *
     * @param owner this server's owner side (its id must be {@code server}'s)
     * @param load  the owner's load monitor, for the server's current load
     */
    public static LocalVolumeManager open(Server server, Owner owner, ShardPlanner planner, LoadMonitor load)
            throws IOException {
        LocalVolumeManager m = new LocalVolumeManager(server, owner, planner, load);
        for (String key : m.store.listMeta(VOLUMES)) {
            MapCodec.VolumeRecord r = MapCodec.decodeRecord(m.store.getMeta(key).orElseThrow());
            byte[] mapBytes = m.store.getMeta(MAPS + r.name()).orElseThrow(() ->
                    new IOException("volume " + r.name() + " has a record but no shard map in the store"));
            m.add(r, MapCodec.decodeLayout(mapBytes));
        }
        return m;
    }

    private Entry add(MapCodec.VolumeRecord r, MapCodec.Layout layout) {
        AtomicReference<ShardMap> ref = new AtomicReference<>(layout.map());
        Entry e = new Entry(r, ref, owner.open(r.name(), ref::get, layout.layers()));
        volumes.put(r.name(), e);
        topology = topology.reserve(r.reservedCapacity());
        return e;
    }

    private <T> Future<T> serially(java.util.concurrent.Callable<T> op) {
        // ordered = true: management operations run one at a time, in order
        return pool.executeBlocking(op, true);
    }

    private Entry entry(String name) {
        Entry e = volumes.get(name);
        if (e == null) {
            throw new VolumeException(VolumeException.Kind.NOT_FOUND, "no volume named '" + name + "'");
        }
        return e;
    }

    @Override
    public Future<VolumeInfo> create(CreateVolumeRequest request) {
        return serially(() -> {
            if (volumes.containsKey(request.name())) {
                throw new VolumeException(VolumeException.Kind.ALREADY_EXISTS, "a volume named '" + request.name()
                        + "' exists");
            }
            PlanResult result = planner.plan(new PlanRequest(request.name(), request.spec(), request.clientSpine(),
                    store.chunkSize()), topology);
            if (result instanceof PlanResult.Refused refused) {
                throw new VolumeException(VolumeException.Kind.REFUSED, refused.refusal().summary(), refused.refusal());
            }
            PlanResult.Accepted a = (PlanResult.Accepted) result;
            String top = snapshots.freshTop(request.name(), chains());
            Layers layers = request.source() == null ? new Layers(List.of(top))
                    : Layers.over(top, sourceSnapshot(request).layers());
            MapCodec.VolumeRecord r = MapCodec.VolumeRecord.accepted(request.name(), a);
            MapCodec.Layout layout = new MapCodec.Layout(a.map(), layers);
            store.putMeta(MAPS + r.name(), MapCodec.encode(layout));
            store.putMeta(VOLUMES + r.name(), MapCodec.encode(r)); // the record last: it makes the volume exist
            return add(r, layout).record().info(a.map());
        });
    }

    /** The snapshot a new volume starts from: a named one, or a hidden one of the live source volume taken now. */
    private SnapshotCatalog.SnapshotRecord sourceSnapshot(CreateVolumeRequest request) throws Exception {
        CreateVolumeRequest.Source source = request.source();
        Entry from = entry(source.volume());
        SnapshotCatalog.SnapshotRecord snap = source.snapshot() != null ? snapshots.get(source.volume(),
                source.snapshot()) : null;
        long size = snap != null ? snap.sizeBytes() : from.map().get().sizeBytes();
        if (request.spec().sizeBytes() < size) {
            throw new VolumeException(VolumeException.Kind.INVALID, "sizeBytes " + request.spec().sizeBytes()
                    + " is smaller than the source's " + size);
        }
        return snap != null ? snap : takeSnapshot(from, SnapshotCatalog.cloneSourceName(request.name()), true);
    }

    /** Freezes the volume's layers as a snapshot and gives it a new empty top layer; blocking. */
    private SnapshotCatalog.SnapshotRecord takeSnapshot(Entry e, String name, boolean hidden) throws Exception {
        String volume = e.record().name();
        if (snapshots.find(volume, name).isPresent()) {
            throw new VolumeException(VolumeException.Kind.ALREADY_EXISTS, "volume '" + volume
                    + "' has a snapshot named '" + name + "'");
        }
        Layers current = e.volume().layers();
        ShardMap next = e.map().get().bump();
        Layers pushed = current.pushed(SnapshotCatalog.topLayer(volume, next.version()));
        SnapshotCatalog.SnapshotRecord snap = new SnapshotCatalog.SnapshotRecord(name, volume, current.chain(),
                next.sizeBytes(), System.currentTimeMillis(), hidden);
        // persisted before the switch: a crash in between leaves writes in the frozen layer, still read through
        snapshots.put(snap);
        switchTo(e, new MapCodec.Layout(next, pushed), false);
        return snap;
    }

    private void switchTo(Entry e, MapCodec.Layout layout, boolean contentChanges) throws Exception {
        store.putMeta(MAPS + e.record().name(), MapCodec.encode(layout));
        e.map().set(layout.map());
        e.volume().switchLayers(layout.layers(), contentChanges).toCompletionStage().toCompletableFuture()
                .get(60, java.util.concurrent.TimeUnit.SECONDS);
    }

    private Map<String, Layers> chains() {
        Map<String, Layers> out = new java.util.HashMap<>();
        volumes.forEach((name, e) -> out.put(name, e.volume().layers()));
        return out;
    }

    @Override
    public Future<VolumeInfo> respec(String volume, io.shardgate.core.spec.PerformanceSpec spec) {
        return serially(() -> {
            Entry e = entry(volume);
            ShardMap current = e.map().get();
            PlanResult result = planner.plan(new PlanRequest(volume, spec.withSize(current.sizeBytes()),
                    e.record().spine(), store.chunkSize()), topology.release(e.record().reservedCapacity()));
            if (result instanceof PlanResult.Refused refused) {
                throw new VolumeException(VolumeException.Kind.REFUSED, refused.refusal().summary(), refused.refusal());
            }
            PlanResult.Accepted a = (PlanResult.Accepted) result;
            MapCodec.VolumeRecord r = e.record().respecified(a);
            ShardMap next = MapCodec.VolumeRecord.replanned(current, a);
            store.putMeta(MAPS + volume, MapCodec.encode(new MapCodec.Layout(next, e.volume().layers())));
            store.putMeta(VOLUMES + volume, MapCodec.encode(r));
            topology = topology.release(e.record().reservedCapacity()).reserve(r.reservedCapacity());
            volumes.put(volume, new Entry(r, e.map(), e.volume()));
            e.map().set(next);
            return r.info(next);
        });
    }

    @Override
    public Future<MigrationInfo> reshard(String volume, ReshardRequest request) {
        return Future.failedFuture(new VolumeException(VolumeException.Kind.INVALID, "re-sharding moves shards"
                + " between servers: it needs a cluster (serve --hazelcast-port ...), not an embedded gateway"));
    }

    @Override
    public Future<List<MigrationInfo>> migrations(String volume) {
        try {
            entry(volume);
            return Future.succeededFuture(List.of());
        } catch (VolumeException e) {
            return Future.failedFuture(e);
        }
    }

    @Override
    public Future<SnapshotInfo> createSnapshot(String volume, String snapshot) {
        return serially(() -> {
            SnapshotCatalog.checkName(snapshot);
            return takeSnapshot(entry(volume), snapshot, false).info();
        });
    }

    @Override
    public Future<List<SnapshotInfo>> snapshots(String volume) {
        return serially(() -> {
            entry(volume);
            return snapshots.visible(volume);
        });
    }

    @Override
    public Future<Void> deleteSnapshot(String volume, String snapshot) {
        return serially(() -> {
            entry(volume);
            snapshots.delete(volume, snapshot, chains());
            return null;
        });
    }

    @Override
    public Future<VolumeInfo> revert(String volume, String snapshot) {
        return serially(() -> {
            Entry e = entry(volume);
            SnapshotCatalog.SnapshotRecord snap = snapshots.get(volume, snapshot);
            Layers old = e.volume().layers();
            ShardMap next = e.map().get().bump();
            switchTo(e, new MapCodec.Layout(next, Layers.over(SnapshotCatalog.topLayer(volume, next.version()),
                    snap.layers())), true);
            snapshots.collect(List.of(old.top()), chains());
            return e.record().info(next);
        });
    }

    @Override
    public Future<VolumeInfo> get(String name) {
        try {
            Entry e = entry(name);
            return Future.succeededFuture(e.record().info(e.map().get()));
        } catch (VolumeException e) {
            return Future.failedFuture(e);
        }
    }

    @Override
    public Future<List<VolumeInfo>> list() {
        List<VolumeInfo> out = new ArrayList<>();
        for (Entry e : volumes.values()) {
            out.add(e.record().info(e.map().get()));
        }
        out.sort(Comparator.comparing(VolumeInfo::name));
        return Future.succeededFuture(out);
    }

    @Override
    public Future<VolumeInfo> extend(String name, long newSizeBytes) {
        return serially(() -> {
            Entry e = entry(name);
            ShardMap current = e.map().get();
            if (newSizeBytes < current.sizeBytes()) {
                throw new VolumeException(VolumeException.Kind.INVALID, "sizeBytes " + newSizeBytes
                        + " is smaller than the volume's " + current.sizeBytes() + ": volumes cannot shrink");
            }
            if (newSizeBytes == current.sizeBytes()) {
                return e.record().info(current);
            }
            ShardMap next = current.extend(newSizeBytes);
            store.putMeta(MAPS + name, MapCodec.encode(new MapCodec.Layout(next, e.volume().layers())));
            e.map().set(next);
            return e.record().info(next);
        });
    }

    @Override
    public Future<Void> delete(String name) {
        return serially(() -> {
            Entry e = entry(name);
            java.util.Set<String> own = snapshots.layersOfDeletable(name, e.volume().layers());
            store.deleteMeta(VOLUMES + name); // first: from here on the volume no longer exists after a restart
            store.deleteMeta(MAPS + name);
            volumes.remove(name);
            owner.retire(e.volume());
            topology = topology.release(e.record().reservedCapacity());
            own.addAll(snapshots.forgetVolume(name));
            snapshots.collect(own, chains());
            return null;
        });
    }

    @Override
    public Future<ShardMap> shardMap(String name) {
        try {
            return Future.succeededFuture(entry(name).map().get());
        } catch (VolumeException e) {
            return Future.failedFuture(e);
        }
    }

    @Override
    public Future<List<ServerStatus>> servers() {
        int shards = volumes.values().stream().mapToInt(e -> e.map().get().shardCount()).sum();
        LoadReport now = load.latest();
        return Future.succeededFuture(List.of(new ServerStatus(server, topology.reserved(server.id()), true,
                now.opsPerSec(), now.bytesPerSec(), shards)));
    }

    @Override
    public Future<VolumeStats> stats(String volume) {
        try {
            return Future.succeededFuture(entry(volume).volume().stats());
        } catch (VolumeException e) {
            return Future.failedFuture(e);
        }
    }

    @Override
    public Future<List<ShardLoad>> heat(String volume) {
        try {
            long version = entry(volume).map().get().version();
            return Future.succeededFuture(ShardLoads.ofVolume(volume, version, List.of(load.latest())));
        } catch (VolumeException e) {
            return Future.failedFuture(e);
        }
    }

    @Override
    public Future<java.util.Optional<io.shardgate.gateway.store.StoreCapacity>> storeCapacity() {
        return owner.pool().executeBlocking(store::capacity, false);
    }

    @Override
    public BlockVolume open(String name) {
        Entry e = volumes.get(name);
        return e == null ? null : e.volume();
    }

    @Override
    public List<String> names() {
        return volumes.keySet().stream().sorted().toList();
    }
}
