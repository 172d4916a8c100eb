package io.shardgate.gateway.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.core.EntryEvent;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.shardgate.core.reshard.ReshardProposal;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.shardgate.core.map.ShardMap;
import io.shardgate.core.plan.PlanRequest;
import io.shardgate.core.plan.PlanResult;
import io.shardgate.core.plan.ShardPlanner;
import io.shardgate.core.topology.Server;
import io.shardgate.core.topology.ServerCapacity;
import io.shardgate.core.topology.Topology;
import io.shardgate.gateway.engine.LocalVolume;
import io.shardgate.gateway.engine.MapCodec;
import io.shardgate.gateway.engine.Layers;
import io.shardgate.gateway.engine.LoadMonitor;
import io.shardgate.core.reshard.ShardLoad;
import io.shardgate.gateway.engine.LoadReport;
import io.shardgate.gateway.engine.ShardLoads;
import io.shardgate.gateway.engine.ShardLoads;
import io.shardgate.gateway.engine.Owner;
import io.shardgate.gateway.engine.SnapshotCatalog;
import io.shardgate.gateway.io.BlockVolume;
import io.shardgate.gateway.io.VolumeResolver;
import io.shardgate.gateway.store.DurableStore;
import io.shardgate.gateway.volume.ClusterView;
import io.shardgate.gateway.volume.CreateVolumeRequest;
import io.shardgate.gateway.volume.FrontEnd;
import io.shardgate.gateway.volume.MigrationInfo;
import io.shardgate.gateway.volume.ReshardRequest;
import io.shardgate.gateway.volume.ServerStatus;
import io.shardgate.gateway.volume.SnapshotInfo;
import io.shardgate.gateway.volume.VolumeException;
import io.shardgate.gateway.volume.VolumeInfo;
import io.shardgate.gateway.volume.VolumeManager;
import io.shardgate.gateway.volume.VolumeStats;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Volumes of a cluster of servers sharing one durable store (RADOS). Volume records and shard maps live in
 * Hazelcast maps (one synchronous backup) and in the durable store's metadata, written to the store first so that a
 * full-cluster restart loses nothing: the oldest member reloads them into an empty cluster. Placement runs under a
 * cluster-wide lock so two creates never over-commit a server. Every server keeps, for every volume, its local
 * (owner-checked) face and a router; map changes reach every server through an entry listener.
 */
public final class ClusterVolumeManager implements VolumeManager, ClusterView, VolumeResolver, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterVolumeManager.class);
    private static final String PLACEMENT_LOCK = "__placement__";
    private static final String VOLUMES = "volumes/";
    private static final String MAPS = "maps/";

    /** This server's faces of one volume. */
    private record Entry(AtomicReference<ShardMap> map, LocalVolume local, RoutedVolume routed) {
    }

    private final ClusterNode node;
    private final Server self;
    private final DurableStore store;
    private final WorkerExecutor pool;
    private final ShardPlanner planner;
    private final Owner owner;
    private final SnapshotCatalog snapshots;
    private final Handover handover;
    private final ReshardController controller;
    private final AtomicInteger migrationsInFlight = new AtomicInteger();
    private final Timer pause;
    private final LoadMonitor load;
    private final Vertx vertx;
    private final InternalClient client;
    private final InternalServer internal;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private static final long RESYNC_MS = 2000;
    private static final ObjectMapper LOAD_JSON = new ObjectMapper();
    private static final ObjectMapper MIGRATION_JSON = new ObjectMapper();
    private static final String MIGRATIONS = "migrations/";
    private long resyncTimer = -1;

    private ClusterVolumeManager(ClusterNode node, Server self, Owner owner, ShardPlanner planner, Vertx vertx,
                                 InternalServer internal, InternalClient client, LoadMonitor load) {
        this.load = load;
        this.node = node;
        this.self = self;
        this.owner = owner;
        this.store = owner.store();
        this.snapshots = new SnapshotCatalog(store);
        this.handover = new Handover(node, vertx, owner.registry(), this::peer);
        this.controller = new ReshardController(this, node, vertx, owner.pool());
        Gauge.builder("shardgate.migrations.in.flight", migrationsInFlight, AtomicInteger::get)
                .description("re-sharding steps this server is coordinating").register(owner.registry());
        this.pause = Timer.builder("shardgate.migration.pause").description("publication of a re-sharded map to"
                + " its application by every server involved: the longest a request could wait")
                .register(owner.registry());
        this.pool = owner.pool();
        this.planner = planner;
        this.vertx = vertx;
        this.client = client;
        this.internal = internal;
        internal.serve(new InternalServer.Owned() {
            @Override
            public BlockVolume local(String volume) {
                Entry e = entries.get(volume);
                return e == null ? null : e.local();
            }

            @Override
            public ShardMap map(String volume) {
                Entry e = entries.get(volume);
                return e == null ? null : e.map().get();
            }
        });
    }

    /**
     * Starts the internal protocol, joins the cluster (publishing the internal address), loads persisted state into
     * an empty cluster, and follows map changes. Blocking: call at start, off the event loop.
     */
    public static ClusterVolumeManager start(ClusterOptions options, Server self, Owner owner, ShardPlanner planner,
                                             Vertx vertx, LoadMonitor load) throws Exception {
        InternalServer internal = new InternalServer(vertx);
        int internalPort = internal.start(options.host(), options.internalPort()).toCompletionStage()
                .toCompletableFuture().get();
        ClusterNode node = ClusterNode.start(options, self, internalPort);
        ClusterVolumeManager m = new ClusterVolumeManager(node, self, owner, planner, vertx, internal,
                new InternalClient(vertx), load);
        load.publishTo(m::publish);
        m.follow();
        m.controller.start(options.reshardIntervalMs());
        LOG.info("server {} joined cluster {} ({} members); internal protocol on {}:{}", self.id(),
                options.clusterName(), node.peers().size(), options.host(), internalPort);
        return m;
    }

    private void follow() throws IOException {
        IMap<String, byte[]> maps = node.maps();
        maps.lock(PLACEMENT_LOCK);
        try {
            if (maps.isEmpty() && node.volumes().isEmpty()) {
                for (String key : store.listMeta(VOLUMES)) {
                    String name = key.substring(VOLUMES.length());
                    byte[] map = store.getMeta(MAPS + name).orElseThrow(() ->
                            new IOException("volume " + name + " has a record but no shard map in the store"));
                    MapCodec.decodeMap(map); // refuse to load a broken map
                    node.volumes().put(name, store.getMeta(key).orElseThrow());
                    maps.put(name, map);
                }
            }
        } finally {
            maps.unlock(PLACEMENT_LOCK);
        }
        maps.addEntryListener((EntryAddedListener<String, byte[]>) this::onMap, true);
        maps.addEntryListener((EntryUpdatedListener<String, byte[]>) this::onMap, true);
        maps.addEntryListener((EntryRemovedListener<String, byte[]>) e -> drop(e.getKey()), false);
        resync();
        // a safety net behind the listeners: an event lost while members join or leave is caught within seconds
        resyncTimer = vertx.setPeriodic(RESYNC_MS, id -> pool.executeBlocking(() -> {
            resync();
            return null;
        }, false));
    }

    /** Brings every local view in line with the replicated maps: new and changed maps, deleted volumes. */
    private void resync() {
        Map<String, byte[]> all = new HashMap<>(node.maps());
        all.forEach(this::refresh);
        for (String name : List.copyOf(entries.keySet())) {
            // checked again: a volume created since the snapshot was taken must stay
            if (!all.containsKey(name) && !node.maps().containsKey(name)) {
                drop(name);
            }
        }
    }

    private void onMap(EntryEvent<String, byte[]> e) {
        refresh(e.getKey(), e.getValue());
    }

    private void refresh(String name, byte[] bytes) {
        MapCodec.Layout layout;
        try {
            layout = MapCodec.decodeLayout(bytes);
        } catch (IOException ex) {
            LOG.error("ignoring an invalid shard map for volume {}: {}", name, ex.getMessage());
            return;
        }
        ShardMap m = layout.map();
        Entry e = entries.computeIfAbsent(name, n -> {
            AtomicReference<ShardMap> ref = new AtomicReference<>(m);
            LocalVolume local = owner.open(n, ref::get, layout.layers());
            return new Entry(ref, local, new RoutedVolume(n, ref::get, self.id(), local, this::peer, client, vertx));
        });
        follow(name, e, layout);
    }

    /**
     * Applies a newer layout on this server, then acknowledges its version in {@code sg-applied}, so that the server
     * that made the change knows none of this server's writes straddles it:
     * <ul>
     *   <li>shards this server loses: writes in flight drain and its cached blocks of the volume are dropped before
     *       the acknowledgement (new requests meet the new map and go to the new owner);</li>
     *   <li>shards it gains: every request of the volume waits until their previous owners have acknowledged, then
     *       the hottest chunks are loaded into the tiers in the background;</li>
     *   <li>new layers (a snapshot or revert elsewhere): switched through the volume's write gate.</li>
     * </ul>
     */
    private void follow(String name, Entry e, MapCodec.Layout layout) {
        ShardMap next = layout.map();
        synchronized (e) {
            ShardMap before = e.map().get();
            if (next.version() < before.version()) {
                return; // an older layout arriving late
            }
            Set<String> previousOwners = next.version() > before.version()
                    ? Handover.previousOwnersOfGained(before, next, self.id()) : Set.of();
            boolean loses = next.version() > before.version() && Handover.losesAny(before, next, self.id());
            if (!previousOwners.isEmpty()) {
                e.local().holdUntil(handover.awaitAcks(name, next.version(), previousOwners)
                        .andThen(ar -> handover.warm(e.local(), before, next, self.id())));
            }
            e.map().set(next);
            try {
                if (loses) {
                    e.local().fenceAndDrain().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
                }
                Layers current = e.local().layers();
                if (!current.equals(layout.layers())) {
                    boolean pushed = layout.layers().chain().size() == current.chain().size() + 1
                            && layout.layers().chain().subList(1, layout.layers().chain().size())
                            .equals(current.chain());
                    e.local().switchLayers(layout.layers(), !pushed).toCompletionStage().toCompletableFuture()
                            .get(30, TimeUnit.SECONDS);
                }
            } catch (Exception ex) {
                LOG.error("volume {}: could not apply map version {} here: {}", name, next.version(), ex.toString());
                return;
            }
        }
        node.applied().set(name + "/" + self.id(), next.version());
    }

    /** Waits until every owner of the map has applied its version (or fails after 30 s). */
    private void awaitOwners(String name, ShardMap map) throws Exception {
        awaitApplied(name, map.version(), map.owners());
    }

    /**
     * Waits until every live server of {@code servers} has applied {@code version} of the volume (a server that left
     * the cluster is not waited for), or fails after 30 s naming the laggard.
     */
    private void awaitApplied(String name, long version, java.util.Collection<String> servers) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (String server : new java.util.TreeSet<>(servers)) {
            while (peer(server) != null) {
                Long applied = node.applied().get(name + "/" + server);
                if (applied != null && applied >= version) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new VolumeException(VolumeException.Kind.UNAVAILABLE, "server " + server + " did not apply"
                            + " version " + version + " of volume " + name + " within 30 s; the change is"
                            + " stored and will apply when it catches up");
                }
                Thread.sleep(2);
            }
        }
    }

    private void drop(String name) {
        Entry e = entries.remove(name);
        if (e != null) {
            owner.retire(e.local());
        }
    }

    private Peer peer(String serverId) {
        for (Peer p : node.peers()) {
            if (p.server().id().equals(serverId)) {
                return p;
            }
        }
        return null;
    }

    private <T> Future<T> blocking(Callable<T> op) {
        return pool.executeBlocking(op, false);
    }

    <T> T underPlacementLock(Callable<T> op) throws Exception {
        node.maps().lock(PLACEMENT_LOCK);
        try {
            return op.call();
        } finally {
            node.maps().unlock(PLACEMENT_LOCK);
        }
    }

    Topology topology() throws IOException {
        List<Server> servers = node.peers().stream().map(Peer::server).toList();
        Topology t = Topology.of(servers);
        for (byte[] bytes : node.volumes().values()) {
            Map<String, ServerCapacity> res = new HashMap<>(MapCodec.decodeRecord(bytes).reservedCapacity());
            res.keySet().retainAll(servers.stream().map(Server::id).toList()); // departed servers reserve nothing
            t = t.reserve(res);
        }
        return t;
    }

    private MapCodec.VolumeRecord record(String name) throws IOException {
        byte[] bytes = node.volumes().get(name);
        if (bytes == null) {
            throw new VolumeException(VolumeException.Kind.NOT_FOUND, "no volume named '" + name + "'");
        }
        return MapCodec.decodeRecord(bytes);
    }

    private ShardMap map(String name) throws IOException {
        byte[] bytes = node.maps().get(name);
        if (bytes == null) {
            throw new VolumeException(VolumeException.Kind.NOT_FOUND, "no volume named '" + name + "'");
        }
        return MapCodec.decodeMap(bytes);
    }

    @Override
    public Future<VolumeInfo> create(CreateVolumeRequest request) {
        return blocking(() -> underPlacementLock(() -> {
            if (node.volumes().containsKey(request.name())) {
                throw new VolumeException(VolumeException.Kind.ALREADY_EXISTS, "a volume named '" + request.name()
                        + "' exists");
            }
            PlanResult result = planner.plan(new PlanRequest(request.name(), request.spec(), request.clientSpine(),
                    store.chunkSize()), topology());
            if (result instanceof PlanResult.Refused refused) {
                throw new VolumeException(VolumeException.Kind.REFUSED, refused.refusal().summary(),
                        refused.refusal());
            }
            PlanResult.Accepted a = (PlanResult.Accepted) result;
            String top = snapshots.freshTop(request.name(), chains());
            Layers layers = request.source() == null ? new Layers(List.of(top))
                    : Layers.over(top, sourceSnapshot(request).layers());
            MapCodec.VolumeRecord r = MapCodec.VolumeRecord.accepted(request.name(), a);
            byte[] mapBytes = MapCodec.encode(new MapCodec.Layout(a.map(), layers));
            byte[] recordBytes = MapCodec.encode(r);
            store.putMeta(MAPS + r.name(), mapBytes); // durable first, then visible
            store.putMeta(VOLUMES + r.name(), recordBytes);
            node.maps().put(r.name(), mapBytes);
            node.volumes().put(r.name(), recordBytes);
            refresh(r.name(), mapBytes);
            return r.info(a.map());
        }));
    }

    @Override
    public Future<VolumeInfo> get(String name) {
        return blocking(() -> record(name).info(map(name)));
    }

    @Override
    public Future<List<VolumeInfo>> list() {
        return blocking(() -> {
            List<VolumeInfo> out = new ArrayList<>();
            for (String name : node.volumes().keySet()) {
                try {
                    out.add(record(name).info(map(name)));
                } catch (VolumeException gone) {
                    // deleted while listing
                }
            }
            out.sort(Comparator.comparing(VolumeInfo::name));
            return out;
        });
    }

    @Override
    public Future<VolumeInfo> extend(String name, long newSizeBytes) {
        return blocking(() -> underPlacementLock(() -> {
            MapCodec.VolumeRecord r = record(name);
            byte[] oldBytes = node.maps().get(name);
            ShardMap current = MapCodec.decodeMap(oldBytes);
            if (newSizeBytes < current.sizeBytes()) {
                throw new VolumeException(VolumeException.Kind.INVALID, "sizeBytes " + newSizeBytes
                        + " is smaller than the volume's " + current.sizeBytes() + ": volumes cannot shrink");
            }
            if (newSizeBytes == current.sizeBytes()) {
                return r.info(current);
            }
            ShardMap next = current.extend(newSizeBytes);
            publish(name, oldBytes, new MapCodec.Layout(next, MapCodec.decodeLayout(oldBytes).layers()));
            return r.info(next);
        }));
    }

    /** Persists a volume's next layout, then replaces the replicated one by compare-and-set, and applies it here. */
    private void publish(String name, byte[] oldBytes, MapCodec.Layout next) throws IOException {
        byte[] nextBytes = MapCodec.encode(next);
        store.putMeta(MAPS + name, nextBytes);
        if (!node.maps().replace(name, oldBytes, nextBytes)) { // compare-and-set on the whole map
            throw new VolumeException(VolumeException.Kind.CONFLICT, "the shard map of " + name
                    + " changed meanwhile: try again");
        }
        refresh(name, nextBytes);
    }

    private MapCodec.Layout layout(String name) throws IOException {
        byte[] bytes = node.maps().get(name);
        if (bytes == null) {
            throw new VolumeException(VolumeException.Kind.NOT_FOUND, "no volume named '" + name + "'");
        }
        return MapCodec.decodeLayout(bytes);
    }

    private Map<String, Layers> chains() throws IOException {
        Map<String, Layers> out = new HashMap<>();
        for (Map.Entry<String, byte[]> e : node.maps().entrySet()) {
            out.put(e.getKey(), MapCodec.decodeLayout(e.getValue()).layers());
        }
        return out;
    }

    /** The snapshot a new volume starts from: a named one, or a hidden one of the live source volume taken now. */
    private SnapshotCatalog.SnapshotRecord sourceSnapshot(CreateVolumeRequest request) throws Exception {
        CreateVolumeRequest.Source source = request.source();
        MapCodec.Layout from = layout(source.volume());
        SnapshotCatalog.SnapshotRecord snap = source.snapshot() != null ? snapshots.get(source.volume(),
                source.snapshot()) : null;
        long size = snap != null ? snap.sizeBytes() : from.map().sizeBytes();
        if (request.spec().sizeBytes() < size) {
            throw new VolumeException(VolumeException.Kind.INVALID, "sizeBytes " + request.spec().sizeBytes()
                    + " is smaller than the source's " + size);
        }
        return snap != null ? snap : takeSnapshot(source.volume(), SnapshotCatalog.cloneSourceName(request.name()),
                true);
    }

    /** Freezes the volume's layers as a snapshot, gives it a new top layer on every owner; under the lock. */
    private SnapshotCatalog.SnapshotRecord takeSnapshot(String volume, String name, boolean hidden) throws Exception {
        if (snapshots.find(volume, name).isPresent()) {
            throw new VolumeException(VolumeException.Kind.ALREADY_EXISTS, "volume '" + volume
                    + "' has a snapshot named '" + name + "'");
        }
        byte[] oldBytes = node.maps().get(volume);
        if (oldBytes == null) {
            throw new VolumeException(VolumeException.Kind.NOT_FOUND, "no volume named '" + volume + "'");
        }
        MapCodec.Layout current = MapCodec.decodeLayout(oldBytes);
        ShardMap next = current.map().bump();
        SnapshotCatalog.SnapshotRecord snap = new SnapshotCatalog.SnapshotRecord(name, volume,
                current.layers().chain(), next.sizeBytes(), System.currentTimeMillis(), hidden);
        snapshots.put(snap); // before the switch: writes landing in the frozen layer meanwhile are still read through
        publish(volume, oldBytes, new MapCodec.Layout(next, current.layers().pushed(
                SnapshotCatalog.topLayer(volume, next.version()))));
        awaitOwners(volume, next);
        return snap;
    }

    @Override
    public Future<VolumeInfo> respec(String volume, io.shardgate.core.spec.PerformanceSpec spec) {
        return blocking(() -> underPlacementLock(() -> {
            MapCodec.VolumeRecord old = record(volume);
            byte[] oldBytes = node.maps().get(volume);
            MapCodec.Layout current = MapCodec.decodeLayout(oldBytes);
            PlanResult result = planner.plan(new PlanRequest(volume, spec.withSize(current.map().sizeBytes()),
                    old.spine(), store.chunkSize()), topology().release(old.reservedCapacity()));
            if (result instanceof PlanResult.Refused refused) {
                throw new VolumeException(VolumeException.Kind.REFUSED, refused.refusal().summary(),
                        refused.refusal());
            }
            PlanResult.Accepted a = (PlanResult.Accepted) result;
            MapCodec.VolumeRecord r = old.respecified(a);
            ShardMap next = MapCodec.VolumeRecord.replanned(current.map(), a);
            byte[] recordBytes = MapCodec.encode(r);
            store.putMeta(VOLUMES + volume, recordBytes);
            node.volumes().put(volume, recordBytes);
            publish(volume, oldBytes, new MapCodec.Layout(next, current.layers()));
            java.util.Set<String> involved = new java.util.TreeSet<>(current.map().owners());
            involved.addAll(next.owners());
            awaitApplied(volume, next.version(), involved);
            return r.info(next);
        }));
    }

    @Override
    public Future<MigrationInfo> reshard(String volume, ReshardRequest request) {
        return blocking(() -> underPlacementLock(() -> {
            record(volume);
            MapCodec.Layout current = layout(volume);
            ReshardProposal proposal = request.action().equals("auto")
                    ? controller.proposeNow(current.map(), topology())
                    : Reshards.proposal(request, current.map(), topology(), loads());
            if (proposal == null) {
                throw new VolumeException(VolumeException.Kind.CONFLICT, "the re-shard planner proposes nothing for "
                        + volume + " now (no shard is hot, no server over its high-water mark, nothing cold)");
            }
            return migrate(proposal);
        }));
    }

    /**
     * Applies a re-shard proposal under the placement lock: publishes the next map (servers losing ranges drain and
     * fence themselves, servers gaining ranges hold requests until then), waits until every server involved has
     * applied it, moves the reservations with the bytes, and records the migration.
     */
    MigrationInfo migrate(ReshardProposal proposal) throws Exception {
        String volume = proposal.volume();
        byte[] oldBytes = node.maps().get(volume);
        if (oldBytes == null) {
            throw new VolumeException(VolumeException.Kind.NOT_FOUND, "no volume named '" + volume + "'");
        }
        MapCodec.Layout current = MapCodec.decodeLayout(oldBytes);
        ShardMap before = current.map();
        ShardMap next;
        try {
            next = proposal.apply(before);
            Topology live = topology();
            for (String o : next.owners()) {
                // owners the change brings in must be live servers of the spine; others (a dead one awaiting
                // evacuation) may stay
                if (!before.owners().contains(o) && live.server(o).filter(x -> x.spine().equals(before.spine()))
                        .isEmpty()) {
                    throw new IllegalArgumentException("server " + o + " is not a live member of spine "
                            + before.spine());
                }
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new VolumeException(VolumeException.Kind.INVALID, e.getMessage());
        }
        long started = System.currentTimeMillis();
        migrationsInFlight.incrementAndGet();
        try {
            publish(volume, oldBytes, new MapCodec.Layout(next, current.layers()));
            java.util.Set<String> involved = new java.util.TreeSet<>(before.owners());
            involved.addAll(next.owners());
            awaitApplied(volume, next.version(), involved);
        } finally {
            migrationsInFlight.decrementAndGet();
        }
        long switched = System.currentTimeMillis();
        pause.record(switched - started, TimeUnit.MILLISECONDS);
        MapCodec.VolumeRecord r = record(volume).rebalanced(next);
        byte[] recordBytes = MapCodec.encode(r);
        store.putMeta(VOLUMES + volume, recordBytes);
        node.volumes().put(volume, recordBytes);
        MigrationInfo info = Reshards.info(proposal, before, next, "CLEANED_UP", started, switched);
        store.putMeta(MIGRATIONS + volume + "/" + String.format(java.util.Locale.ROOT, "%016d", next.version()),
                MIGRATION_JSON.writeValueAsBytes(info));
        LOG.info("volume {}: {} of shard {} ({} -> {}) at version {} took {} ms: {}", volume, info.kind(),
                info.shard(), info.from(), info.to(), next.version(), info.pauseMs(), proposal.reason());
        controller.changed(volume, switched);
        return info;
    }

    @Override
    public Future<List<MigrationInfo>> migrations(String volume) {
        return blocking(() -> {
            record(volume);
            List<MigrationInfo> out = new ArrayList<>();
            for (String key : store.listMeta(MIGRATIONS + volume + "/")) {
                byte[] bytes = store.getMeta(key).orElse(null);
                if (bytes != null) {
                    out.add(MIGRATION_JSON.readValue(bytes, MigrationInfo.class));
                }
            }
            return out;
        });
    }

    @Override
    public Future<SnapshotInfo> createSnapshot(String volume, String snapshot) {
        return blocking(() -> underPlacementLock(() -> {
            SnapshotCatalog.checkName(snapshot);
            record(volume);
            return takeSnapshot(volume, snapshot, false).info();
        }));
    }

    @Override
    public Future<List<SnapshotInfo>> snapshots(String volume) {
        return blocking(() -> {
            record(volume);
            return snapshots.visible(volume);
        });
    }

    @Override
    public Future<Void> deleteSnapshot(String volume, String snapshot) {
        return blocking(() -> underPlacementLock(() -> {
            record(volume);
            snapshots.delete(volume, snapshot, chains());
            return null;
        }));
    }

    @Override
    public Future<VolumeInfo> revert(String volume, String snapshot) {
        return blocking(() -> underPlacementLock(() -> {
            MapCodec.VolumeRecord r = record(volume);
            SnapshotCatalog.SnapshotRecord snap = snapshots.get(volume, snapshot);
            byte[] oldBytes = node.maps().get(volume);
            MapCodec.Layout current = MapCodec.decodeLayout(oldBytes);
            ShardMap next = current.map().bump();
            publish(volume, oldBytes, new MapCodec.Layout(next, Layers.over(
                    SnapshotCatalog.topLayer(volume, next.version()), snap.layers())));
            awaitOwners(volume, next);
            snapshots.collect(List.of(current.layers().top()), chains());
            return r.info(next);
        }));
    }

    @Override
    public Future<Void> delete(String name) {
        return blocking(() -> underPlacementLock(() -> {
            record(name);
            Set<String> own = snapshots.layersOfDeletable(name, layout(name).layers());
            store.deleteMeta(VOLUMES + name);
            node.volumes().remove(name);
            node.maps().remove(name);
            store.deleteMeta(MAPS + name);
            drop(name);
            own.addAll(snapshots.forgetVolume(name));
            snapshots.collect(own, chains());
            return null;
        }));
    }

    @Override
    public Future<ShardMap> shardMap(String name) {
        return blocking(() -> map(name));
    }

    /** Tells the cluster where this server's front ends listen. */
    public void publishFrontEnd(FrontEnd f) {
        node.frontEnds().set(f.serverId(), f.host() + " " + f.nbdPort() + " " + f.iscsiPort());
    }

    /** The live servers' front ends, this server first. */
    public List<FrontEnd> frontEnds() {
        List<FrontEnd> out = new ArrayList<>();
        for (Peer p : node.peers()) {
            String v = node.frontEnds().get(p.server().id());
            if (v != null) {
                String[] f = v.split(" ");
                FrontEnd e = new FrontEnd(p.server().id(), f[0], Integer.parseInt(f[1]), Integer.parseInt(f[2]));
                if (p.server().id().equals(self.id())) {
                    out.add(0, e);
                } else {
                    out.add(e);
                }
            }
        }
        return out;
    }

    /** The export records every server shares; {@code onChange} hears each change (null bytes: removed). */
    public Map<String, byte[]> exports(java.util.function.BiConsumer<String, byte[]> onChange) {
        node.exports().addEntryListener((EntryAddedListener<String, byte[]>) e -> onChange.accept(e.getKey(),
                e.getValue()), true);
        node.exports().addEntryListener((EntryUpdatedListener<String, byte[]>) e -> onChange.accept(e.getKey(),
                e.getValue()), true);
        node.exports().addEntryListener((EntryRemovedListener<String, byte[]>) e -> onChange.accept(e.getKey(),
                null), false);
        return node.exports();
    }

    /** Puts this server's report into the cluster; it expires after three intervals unless renewed. */
    private void publish(LoadReport report) {
        try {
            node.loads().set(self.id(), LOAD_JSON.writeValueAsBytes(report), 3 * Math.max(1000, report.intervalMs()),
                    TimeUnit.MILLISECONDS);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not publish the load of server {}: {}", self.id(), e.toString());
        }
    }

    /** The fresh load reports of all servers, by server id (a server without one has measured nothing yet). */
    Map<String, LoadReport> loads() {
        Map<String, LoadReport> out = new HashMap<>();
        long now = System.currentTimeMillis();
        node.loads().forEach((id, bytes) -> {
            try {
                LoadReport r = LOAD_JSON.readValue(bytes, LoadReport.class);
                if (r.freshAt(now)) {
                    out.put(id, r);
                }
            } catch (IOException e) {
                LOG.warn("ignoring an unreadable load report of server {}: {}", id, e.toString());
            }
        });
        return out;
    }

    @Override
    public Future<List<ServerStatus>> servers() {
        return blocking(() -> {
            Topology t = topology();
            Map<String, LoadReport> loads = loads();
            List<ServerStatus> out = new ArrayList<>();
            for (Peer p : node.peers()) {
                int shards = 0;
                for (Entry e : entries.values()) {
                    ShardMap m = e.map().get();
                    for (int i = 0; i < m.shardCount(); i++) {
                        shards += m.owner(i).equals(p.server().id()) ? 1 : 0;
                    }
                }
                LoadReport r = loads.getOrDefault(p.server().id(), LoadReport.empty(p.server().id()));
                out.add(new ServerStatus(p.server(), t.reserved(p.server().id()), true, r.opsPerSec(),
                        r.bytesPerSec(), shards));
            }
            return out;
        });
    }

    /**
     * The volume's counters summed over the servers owning its shards, from their latest load reports (so up to one
     * monitor interval old); this server's own counters are taken live.
     */
    @Override
    public Future<VolumeStats> stats(String volume) {
        return blocking(() -> {
            record(volume);
            List<VolumeStats> parts = new ArrayList<>();
            loads().forEach((id, r) -> {
                if (!id.equals(self.id())) {
                    r.volumes().stream().filter(v -> v.volume().equals(volume)).forEach(parts::add);
                }
            });
            Entry e = entries.get(volume);
            if (e != null) {
                parts.add(e.local().stats());
            }
            return VolumeStats.sum(volume, parts);
        });
    }

    @Override
    public Future<List<ShardLoad>> heat(String volume) {
        return blocking(() -> {
            long version = map(volume).version();
            return ShardLoads.ofVolume(volume, version, loads().values());
        });
    }

    @Override
    public Future<java.util.Optional<io.shardgate.gateway.store.StoreCapacity>> storeCapacity() {
        return blocking(store::capacity);
    }

    @Override
    public BlockVolume open(String name) {
        Entry e = entries.get(name);
        return e == null ? null : e.routed();
    }

    @Override
    public List<String> names() {
        return entries.keySet().stream().sorted().toList();
    }

    @Override
    public void close() {
        controller.stop();
        vertx.cancelTimer(resyncTimer);
        internal.stop();
        client.close();
        node.close();
    }
}
