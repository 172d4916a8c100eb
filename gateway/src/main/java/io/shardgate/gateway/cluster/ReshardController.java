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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The re-shard controller. Every server runs the timer, but only the oldest cluster member acts: it is the one
 * every member agrees on without an election, and when it dies the next oldest is the oldest at its next tick
 * (within one interval of Hazelcast noticing the death). Each tick runs the re-shard planner over every volume with
 * the latest load reports and applies at most one proposal per volume, under the placement lock, through the same
 * path as an operator's request. The planner's cool-down (per volume, from the last change this server saw) and its
 * threshold gaps keep it from flapping.
 */
final class ReshardController {
    private static final Logger LOG = LoggerFactory.getLogger(ReshardController.class);
    private final ClusterVolumeManager manager;
    private final ClusterNode node;
    private final Vertx vertx;
    private final WorkerExecutor pool;
    private final ReshardPlanner planner = new ReshardPlanner(ReshardOptions.DEFAULT);
    private final Map<String, Long> lastChange = new ConcurrentHashMap<>();
    private volatile boolean ticking;
    private long timer = -1;

    ReshardController(ClusterVolumeManager manager, ClusterNode node, Vertx vertx, WorkerExecutor pool) {
        this.manager = manager;
        this.node = node;
        this.vertx = vertx;
        this.pool = pool;
    }

    /** Starts the periodic run; {@code intervalMs} 0 leaves automatic re-sharding off. */
    void start(long intervalMs) {
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
