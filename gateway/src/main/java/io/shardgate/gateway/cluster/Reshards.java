package io.shardgate.gateway.cluster;

import io.shardgate.core.map.ShardMap;
import io.shardgate.core.reshard.ReshardProposal;
import io.shardgate.core.reshard.ShardLoad;
import io.shardgate.core.topology.Server;
import io.shardgate.core.topology.Topology;
import io.shardgate.gateway.engine.LoadReport;
import io.shardgate.gateway.volume.MigrationInfo;
import io.shardgate.gateway.volume.ReshardRequest;
import io.shardgate.gateway.volume.VolumeException;

import java.util.Comparator;
import java.util.Map;

/** Turns an operator's re-shard request into a proposal, and a proposal into its history record. */
final class Reshards {
    private Reshards() {
    }

    static ReshardProposal proposal(ReshardRequest r, ShardMap map, Topology topology, Map<String, LoadReport> loads) {
        if (r.shard() >= map.shardCount()) {
            throw new VolumeException(VolumeException.Kind.INVALID, "volume " + map.volume() + " has "
                    + map.shardCount() + " shards: there is no shard " + r.shard());
        }
        String why = "operator request";
        return switch (r.action()) {
            case "split" -> new ReshardProposal.Split(map.volume(), map.version(), r.shard(),
                    splitPoint(r, map, loads), r.to() != null ? r.to() : leastLoadedOther(map, r.shard(), topology,
                    loads), why);
            case "move" -> new ReshardProposal.Move(map.volume(), map.version(), r.shard(), r.to() != null ? r.to()
                    : leastLoadedOther(map, r.shard(), topology, loads), why);
            case "merge" -> new ReshardProposal.Merge(map.volume(), map.version(), r.shard(), why);
            default -> throw new VolumeException(VolumeException.Kind.INVALID, "unknown action " + r.action());
        };
    }

    /** The requested point rounded down to a chunk, or the shard's load median, or its middle chunk. */
    private static long splitPoint(ReshardRequest r, ShardMap map, Map<String, LoadReport> loads) {
        long start = map.shardStart(r.shard());
        long end = map.shardEnd(r.shard());
        int chunk = map.chunkSize();
        long at;
        if (r.atOffset() >= 0) {
            at = r.atOffset() / chunk * chunk;
        } else {
            long[] ops = chunkOps(map, r.shard(), loads);
            at = ops == null ? median(start, end, chunk) : start + loadMedian(ops) * chunk;
        }
        if (at <= start || at >= end) {
            at = median(start, end, chunk);
        }
        if (at <= start || at >= end) {
            throw new VolumeException(VolumeException.Kind.INVALID, "shard " + r.shard() + " of " + map.volume()
                    + " is a single chunk: it cannot be split");
        }
        return at;
    }

    private static long median(long start, long end, int chunk) {
        return (start + (end - start) / 2) / chunk * chunk;
    }

    /** The chunk index (within the shard, at least 1) below which half the operations fell. */
    private static int loadMedian(long[] ops) {
        long total = 0;
        for (long o : ops) {
            total += o;
        }
        long seen = 0;
        for (int i = 0; i < ops.length; i++) {
            seen += ops[i];
            if (seen * 2 >= total) {
                return Math.max(1, i + 1 < ops.length ? i + 1 : i);
            }
        }
        return Math.max(1, ops.length / 2);
    }

    private static long[] chunkOps(ShardMap map, int shard, Map<String, LoadReport> loads) {
        LoadReport r = loads.get(map.owner(shard));
        if (r == null) {
            return null;
        }
        for (ShardLoad l : r.shards()) {
            if (l.volume().equals(map.volume()) && l.mapVersion() == map.version() && l.shardIndex() == shard
                    && l.chunkOps().length > 1) {
                return l.chunkOps();
            }
        }
        return null;
    }

    private static String leastLoadedOther(ShardMap map, int shard, Topology topology, Map<String, LoadReport> loads) {
        String owner = map.owner(shard);
        return topology.spine(map.spine()).stream().map(Server::id).filter(id -> !id.equals(owner))
                .min(Comparator.comparingDouble((String id) -> loads.containsKey(id) ? loads.get(id).opsPerSec() : 0)
                        .thenComparing(id -> id))
                .orElseThrow(() -> new VolumeException(VolumeException.Kind.CONFLICT, "spine " + map.spine()
                        + " has no other server to give shard " + shard + " of " + map.volume() + " to"));
    }

    static MigrationInfo info(ReshardProposal p, ShardMap before, ShardMap next, String state, long startedAtMs,
                              long switchedAtMs) {
        String kind;
        int shard;
        String from;
        String to;
        if (p instanceof ReshardProposal.Split s) {
            kind = "split";
            shard = s.shardIndex();
            from = before.owner(shard);
            to = s.newOwner();
        } else if (p instanceof ReshardProposal.Move m) {
            kind = "move";
            shard = m.shardIndex();
            from = before.owner(shard);
            to = m.newOwner();
        } else if (p instanceof ReshardProposal.Evacuate e) {
            kind = "evacuate";
            shard = e.newOwners().keySet().stream().min(Integer::compare).orElse(-1);
            from = String.join(",", new java.util.TreeSet<>(e.newOwners().keySet().stream().map(before::owner)
                    .toList()));
            to = String.join(",", new java.util.TreeSet<>(e.newOwners().values()));
        } else {
            ReshardProposal.Merge g = (ReshardProposal.Merge) p;
            kind = "merge";
            shard = g.shardIndex();
            from = before.owner(shard + 1);
            to = before.owner(shard);
        }
        return new MigrationInfo(p.volume() + "-" + next.version(), p.volume(), kind, shard, from, to,
                before.version(), next.version(), p.reason(), state, startedAtMs, switchedAtMs,
                switchedAtMs - startedAtMs);
    }
}
