package io.shardgate.gateway.cluster;

import io.shardgate.core.map.ShardMap;
import io.shardgate.core.reshard.ReshardOptions;
import io.shardgate.core.reshard.ReshardPlanner;
import io.shardgate.core.reshard.ReshardProposal;
import io.shardgate.core.reshard.ServerLoad;
import io.shardgate.core.reshard.ShardLoad;
import io.shardgate.core.topology.Topology;
import io.shardgate.gateway.engine.LoadReport;
import io.shardgate.gateway.engine.MapCodec;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The re-shard controller. Every server runs the timer, but only the oldest cluster member acts: it is the one
 * every member agrees on without an election, and when it dies the next oldest is the oldest at its next tick
 * (within one interval of Hazelcast noticing the death). Each tick runs the re-shard planner over every volume with
 * the latest load reports and applies at most one proposal per volume, under the placement lock, through the same
 * path as an operator's request. The planner's cool-down (per volume, from the last change this server saw) and its
 * threshold gaps keep it from flapping.
 *
 * <p>Repair runs whatever the interval (every second, also on the oldest member only): shards whose owner has been
 * missing from the cluster for {@link #DEAD_AFTER_MS} are given to the least-loaded live servers of their spine, in
 * one map version per volume. The data is in the shared store, so nothing is copied; the grace period keeps a full
 * cluster restart, where members join a few seconds apart, from reshuffling every shard.
 */
final class ReshardController {
    private static final Logger LOG = LoggerFactory.getLogger(ReshardController.class);
    private final ClusterVolumeManager manager;
    private final ClusterNode node;
    private final Vertx vertx;
    private final WorkerExecutor pool;
    private final ReshardPlanner planner = new ReshardPlanner(ReshardOptions.DEFAULT);
    private final Map<String, Long> lastChange = new ConcurrentHashMap<>();
    /** Server id → when this member first saw it own shards while absent from the cluster. */
    private final Map<String, Long> missingSince = new ConcurrentHashMap<>();
    static final long DEAD_AFTER_MS = 12_000;
    private static final long REPAIR_EVERY_MS = 1_000;
    private volatile boolean ticking;
    private volatile boolean repairing;
    private long timer = -1;
    private long repairTimer = -1;

    ReshardController(ClusterVolumeManager manager, ClusterNode node, Vertx vertx, WorkerExecutor pool) {
        this.manager = manager;
        this.node = node;
        this.vertx = vertx;
        this.pool = pool;
    }

    /** Starts the periodic run; {@code intervalMs} 0 leaves automatic re-sharding off (repair always runs). */
    void start(long intervalMs) {
        repairTimer = vertx.setPeriodic(REPAIR_EVERY_MS, id -> {
            if (!repairing && node.isOldest()) {
                repairing = true;
                pool.executeBlocking(() -> {
                    repair();
                    return null;
                }, false).onComplete(ar -> repairing = false);
            }
        });
        if (intervalMs > 0) {
            timer = vertx.setPeriodic(intervalMs, id -> {
                if (!ticking && node.isOldest()) {
                    ticking = true;
                    pool.executeBlocking(() -> {
                        tick();
                        return null;
                    }, false).onComplete(ar -> ticking = false);
                }
            });
        }
    }

    void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        if (repairTimer >= 0) {
            vertx.cancelTimer(repairTimer);
        }
    }

    /** Gives the shards of servers missing for {@link #DEAD_AFTER_MS} to live servers of the same spine. */
    private void repair() {
        Set<String> live = new HashSet<>();
        node.peers().forEach(p -> live.add(p.server().id()));
        long now = System.currentTimeMillis();
        missingSince.keySet().retainAll(Set.copyOf(missingOwners(live)));
        for (String volume : List.copyOf(node.maps().keySet())) {
            try {
                manager.underPlacementLock(() -> {
                    byte[] bytes = node.maps().get(volume);
                    if (bytes == null) {
                        return null;
                    }
                    ShardMap map = MapCodec.decodeMap(bytes);
                    Map<Integer, String> moves = new HashMap<>();
                    Topology topology = manager.topology();
                    Map<String, LoadReport> loads = manager.loads();
                    for (int i = 0; i < map.shardCount(); i++) {
                        String owner = map.owner(i);
                        if (live.contains(owner)) {
                            continue;
                        }
                        long since = missingSince.computeIfAbsent(owner, o -> now);
                        if (now - since >= DEAD_AFTER_MS) {
                            String target = leastLoadedLive(map.spine(), topology, loads, moves.size());
                            if (target != null) {
                                moves.put(i, target);
                            }
                        }
                    }
                    if (!moves.isEmpty()) {
                        manager.migrate(new ReshardProposal.Evacuate(volume, map.version(), moves,
                                "owners left the cluster more than " + DEAD_AFTER_MS / 1000 + " s ago"));
                    }
                    return null;
                });
            } catch (Exception e) {
                LOG.warn("repair of {} failed: {}", volume, e.toString());
            }
        }
    }

    private Set<String> missingOwners(Set<String> live) {
        Set<String> out = new HashSet<>();
        for (byte[] bytes : node.maps().values()) {
            try {
                ShardMap m = MapCodec.decodeMap(bytes);
                m.owners().stream().filter(o -> !live.contains(o)).forEach(out::add);
            } catch (java.io.IOException e) {
                // an unreadable map is reported where it is used
            }
        }
        return out;
    }

    /** Spreads evacuated shards over the live servers of the spine, least loaded first, round robin. */
    private static String leastLoadedLive(String spine, Topology topology, Map<String, LoadReport> loads, int n) {
        List<String> ids = topology.spine(spine).stream().map(s -> s.id())
                .sorted(java.util.Comparator.comparingDouble((String id) -> loads.containsKey(id)
                        ? loads.get(id).opsPerSec() : 0).thenComparing(id -> id)).toList();
        return ids.isEmpty() ? null : ids.get(n % ids.size());
    }

    void changed(String volume, long atMs) {
        lastChange.put(volume, atMs);
    }

    private void tick() {
        for (String volume : List.copyOf(node.maps().keySet())) {
            try {
                manager.underPlacementLock(() -> {
                    byte[] bytes = node.maps().get(volume);
                    if (bytes != null) {
                        ReshardProposal p = proposeNow(MapCodec.decodeMap(bytes), manager.topology());
                        if (p != null) {
                            manager.migrate(p);
                        }
                    }
                    return null;
                });
            } catch (Exception e) {
                LOG.warn("automatic re-sharding of {} failed: {}", volume, e.toString());
            }
        }
    }

    /** The planner's proposal for the map with the latest load reports, or null. */
    ReshardProposal proposeNow(ShardMap map, Topology topology) {
        Map<String, LoadReport> reports = manager.loads();
        List<ShardLoad> shards = new ArrayList<>();
        Map<String, ServerLoad> servers = new HashMap<>();
        reports.forEach((id, r) -> {
            shards.addAll(r.shards());
            servers.put(id, new ServerLoad(id, r.opsPerSec(), r.bytesPerSec()));
        });
        return planner.propose(map, shards, servers, topology, lastChange.getOrDefault(map.volume(), Long.MIN_VALUE),
                System.currentTimeMillis()).orElse(null);
    }
}
