package io.shardgate.core.plan;

import io.shardgate.core.map.Shard;
import io.shardgate.core.map.ShardMap;
import io.shardgate.core.spec.PerformanceSpec;
import io.shardgate.core.topology.Server;
import io.shardgate.core.topology.ServerCapacity;
import io.shardgate.core.topology.Topology;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The production planner (first version): per spine, takes the servers with the most free IOPS until the
 * spec is met with equal shares, and interleaves equal shards over them.
 */
public final class SpreadingPlanner implements ShardPlanner {

    @Override
    public PlanResult plan(PlanRequest request, Topology topology) {
        List<Shortfall> shortfalls = new ArrayList<>();
        List<PerformanceSpec> candidates = request.spec().candidates();
        for (int c = 0; c < candidates.size(); c++) {
            PerformanceSpec spec = candidates.get(c);
            for (String spine : spineOrder(request.clientSpine(), topology)) {
                PlanResult.Accepted a = tryPlace(request, spec, c, spine, topology, shortfalls);
                if (a != null) {
                    return a;
                }
            }
        }
        return new PlanResult.Refused(new Refusal("no spine can meet the spec of volume " + request.volume(),
                shortfalls));
    }

    private static List<String> spineOrder(String clientSpine, Topology topology) {
        List<String> spines = new ArrayList<>(topology.spines());
        if (clientSpine != null && spines.remove(clientSpine)) {
            spines.add(0, clientSpine);
        }
        return spines;
    }

    private static PlanResult.Accepted tryPlace(PlanRequest request, PerformanceSpec spec, int fallbackUsed,
                                                String spine, Topology topology, List<Shortfall> shortfalls) {
        List<Server> servers = new ArrayList<>(topology.spine(spine));
        servers.sort(Comparator.comparingLong((Server s) -> topology.free(s.id()).iops()).reversed());
        long chunks = (spec.sizeBytes() + request.chunkSize() - 1) / request.chunkSize();
        for (int n = 1; n <= Math.min(servers.size(), chunks); n++) {
            long iopsShare = (spec.iops() + n - 1) / n;
            double bwShare = spec.throughputMBps() / n;
            Server weakest = servers.get(n - 1);
            ServerCapacity free = topology.free(weakest.id());
            if (free.iops() >= iopsShare && free.bandwidthMBps() >= bwShare) {
                List<Server> chosen = servers.subList(0, n);
                Map<String, ServerCapacity> res = new LinkedHashMap<>();
                for (Server s : chosen) {
                    res.put(s.id(), new ServerCapacity(iopsShare, bwShare, 0, 0));
                }
                return new PlanResult.Accepted(evenMap(request, spec, spine, chosen), spec, fallbackUsed, res);
            }
        }
        long freeIops = servers.stream().mapToLong(s -> topology.free(s.id()).iops()).sum();
        shortfalls.add(new Shortfall(spine, "iops", spec.iops(), freeIops));
        return null;
    }

    private static ShardMap evenMap(PlanRequest request, PerformanceSpec spec, String spine, List<Server> chosen) {
        long chunks = (spec.sizeBytes() + request.chunkSize() - 1) / request.chunkSize();
        int n = chosen.size();
        List<Shard> shards = new ArrayList<>(n);
        long start = 0;
        Map<Integer, String> unused = new HashMap<>();
        for (int i = 0; i < n; i++) {
            long chunkCount = chunks / n + (i < chunks % n ? 1 : 0);
            long end = Math.min(spec.sizeBytes(), start + chunkCount * request.chunkSize());
            shards.add(new Shard(start, end - start, chosen.get(i).id()));
            start = end;
        }
        unused.clear();
        return ShardMap.of(request.volume(), spine, 1, spec.sizeBytes(), request.chunkSize(), shards);
    }
}
