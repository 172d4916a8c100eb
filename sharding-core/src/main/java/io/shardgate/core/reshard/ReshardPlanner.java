package io.shardgate.core.reshard;

import io.shardgate.core.map.ShardMap;
import io.shardgate.core.topology.Server;
import io.shardgate.core.topology.Topology;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Proposes at most one change per volume per call, from measured load (splits also from the predicted heat the
 * owners' prefetch policies publish, see {@link ShardLoad#heatOpsPerSec()}): split a shard that carries too large a share
 * of its owner's capacity (at its load median, chunk-aligned, the upper part to the least-loaded server of the
 * spine), else move the hottest shard off an overloaded server to one that stays under the low-water mark, else
 * merge two cold neighbours of the same owner. Pure and thread-safe; the caller keeps the time of each volume's
 * last change for the cool-down.
 */
public final class ReshardPlanner {
    private final ReshardOptions options;

    public ReshardPlanner(ReshardOptions options) {
        this.options = options;
    }

    /**
     * @param map          the volume's current map
     * @param shardLoads   loads measured at {@code map.version()} (others are ignored)
     * @param serverLoads  load per server id (servers without an entry count as idle)
     * @param topology     servers and their capacity
     * @param lastChangeMs when this volume's map last changed (epoch ms), or {@code Long.MIN_VALUE}
     * @param nowMs        the current time (epoch ms)
     */
    public Optional<ReshardProposal> propose(ShardMap map, List<ShardLoad> shardLoads,
                                             Map<String, ServerLoad> serverLoads, Topology topology,
                                             long lastChangeMs, long nowMs) {
        if (lastChangeMs != Long.MIN_VALUE && nowMs - lastChangeMs < options.coolDownMs()) {
            return Optional.empty();
        }
        ShardLoad[] byShard = new ShardLoad[map.shardCount()];
        for (ShardLoad l : shardLoads) {
            if (l.mapVersion() == map.version() && l.shardIndex() >= 0 && l.shardIndex() < byShard.length) {
                byShard[l.shardIndex()] = l;
            }
        }
        Map<String, Double> utilisation = utilisation(map.spine(), serverLoads, topology);
        Optional<ReshardProposal> split = split(map, byShard, utilisation, topology);
        if (split.isPresent()) {
            return split;
        }
        Optional<ReshardProposal> move = move(map, byShard, utilisation, topology);
        return move.isPresent() ? move : merge(map, byShard, topology);
    }

    private static Map<String, Double> utilisation(String spine, Map<String, ServerLoad> loads, Topology topology) {
        Map<String, Double> u = new HashMap<>();
        for (Server s : topology.spine(spine)) {
            ServerLoad l = loads.get(s.id());
            u.put(s.id(), l == null || s.capacity().iops() == 0 ? 0.0 : l.opsPerSec() / s.capacity().iops());
        }
        return u;
    }

    private static double capacityOf(Topology topology, String serverId) {
        return topology.server(serverId).map(s -> (double) s.capacity().iops()).orElse(0.0);
    }

    private Optional<ReshardProposal> split(ShardMap map, ShardLoad[] byShard, Map<String, Double> utilisation,
                                            Topology topology) {
        if (map.shardCount() >= options.maxShards()) {
            return Optional.empty();
        }
        int hottest = -1;
        double hottestShare = options.splitShare();
        for (int i = 0; i < byShard.length; i++) {
            double cap = capacityOf(topology, map.owner(i));
            if (byShard[i] != null && cap > 0 && byShard[i].heatOpsPerSec() / cap > hottestShare
                    && chunksIn(map, i) >= 2) {
                hottest = i;
                hottestShare = byShard[i].heatOpsPerSec() / cap;
            }
        }
        if (hottest < 0) {
            return Optional.empty();
        }
        String target = leastLoaded(utilisation, map.owner(hottest));
        if (target == null) {
            return Optional.empty();
        }
        ShardLoad hot = byShard[hottest];
        long at = loadMedian(map, hottest, hot.heatChunkOps());
        String what = hot.predictedOpsPerSec() > hot.opsPerSec() ? " is predicted to carry " : " carries ";
        return Optional.of(new ReshardProposal.Split(map.volume(), map.version(), hottest, at, target,
                "shard " + hottest + what + percent(hottestShare) + " of " + map.owner(hottest)
                        + "'s IOPS capacity (split above " + percent(options.splitShare()) + ")"));
    }

    private Optional<ReshardProposal> move(ShardMap map, ShardLoad[] byShard, Map<String, Double> utilisation,
                                           Topology topology) {
        int best = -1;
        String bestTarget = null;
        double bestOps = 0;
        for (int i = 0; i < byShard.length; i++) {
            String owner = map.owner(i);
            if (byShard[i] == null || utilisation.getOrDefault(owner, 0.0) <= options.highWater()
                    || byShard[i].opsPerSec() <= bestOps) {
                continue;
            }
            String target = leastLoaded(utilisation, owner);
            if (target == null) {
                continue;
            }
            double cap = capacityOf(topology, target);
            double after = utilisation.get(target) + (cap == 0 ? 1 : byShard[i].opsPerSec() / cap);
            if (after < options.lowWater()) {
                best = i;
                bestTarget = target;
                bestOps = byShard[i].opsPerSec();
            }
        }
        if (best < 0) {
            return Optional.empty();
        }
        return Optional.of(new ReshardProposal.Move(map.volume(), map.version(), best, bestTarget,
                map.owner(best) + " is at " + percent(utilisation.get(map.owner(best))) + " (above "
                        + percent(options.highWater()) + "); " + bestTarget + " stays below "
                        + percent(options.lowWater())));
    }

    private Optional<ReshardProposal> merge(ShardMap map, ShardLoad[] byShard, Topology topology) {
        for (int i = 0; i + 1 < byShard.length; i++) {
            if (!map.owner(i).equals(map.owner(i + 1)) || byShard[i] == null || byShard[i + 1] == null) {
                continue;
            }
            double cap = capacityOf(topology, map.owner(i));
            if (cap > 0 && byShard[i].opsPerSec() / cap < options.coldShare()
                    && byShard[i + 1].opsPerSec() / cap < options.coldShare()) {
                return Optional.of(new ReshardProposal.Merge(map.volume(), map.version(), i,
                        "shards " + i + " and " + (i + 1) + " on " + map.owner(i) + " are both below "
                                + percent(options.coldShare()) + " of its capacity"));
            }
        }
        return Optional.empty();
    }

    private static String leastLoaded(Map<String, Double> utilisation, String except) {
        String best = null;
        double bestU = Double.MAX_VALUE;
        for (Map.Entry<String, Double> e : utilisation.entrySet()) {
            if (!e.getKey().equals(except) && (e.getValue() < bestU
                    || (e.getValue() == bestU && best != null && e.getKey().compareTo(best) < 0))) {
                best = e.getKey();
                bestU = e.getValue();
            }
        }
        return best;
    }

    private static long chunksIn(ShardMap map, int index) {
        long len = map.shardEnd(index) - map.shardStart(index);
        return (len + map.chunkSize() - 1) / map.chunkSize();
    }

    /**
     * The chunk boundary nearest the load median (the boundary that splits the measured load most evenly), kept
     * strictly inside the shard; the chunk midpoint when the per-chunk load is unknown.
     */
    static long loadMedian(ShardMap map, int index, long[] chunkOps) {
        long chunks = chunksIn(map, index);
        long start = map.shardStart(index);
        long cutChunk = chunks / 2;
        if (chunkOps.length == chunks) {
            long total = 0;
            for (long ops : chunkOps) {
                total += ops;
            }
            if (total > 0) {
                long acc = 0;
                for (int c = 0; c < chunkOps.length; c++) {
                    long before = acc;
                    acc += chunkOps[c];
                    if (2 * acc >= total) {
                        // the median falls in chunk c: cut on whichever side of it splits the load more evenly
                        cutChunk = Math.abs(2 * before - total) <= Math.abs(2 * acc - total) ? c : c + 1;
                        break;
                    }
                }
            }
        }
        cutChunk = Math.max(1, Math.min(chunks - 1, cutChunk));
        return start + cutChunk * map.chunkSize();
    }

    private static String percent(double fraction) {
        return Math.round(fraction * 100) + "%";
    }

    /** Lists the proposals for several volumes, one per volume at most. */
    public List<ReshardProposal> proposeAll(List<ShardMap> maps, List<ShardLoad> shardLoads,
                                            Map<String, ServerLoad> serverLoads, Topology topology,
                                            Map<String, Long> lastChangeMs, long nowMs) {
        List<ReshardProposal> out = new ArrayList<>();
        for (ShardMap m : maps) {
            List<ShardLoad> mine = shardLoads.stream().filter(l -> l.volume().equals(m.volume())).toList();
            propose(m, mine, serverLoads, topology, lastChangeMs.getOrDefault(m.volume(), Long.MIN_VALUE), nowMs)
                    .ifPresent(out::add);
        }
        return out;
    }
}
