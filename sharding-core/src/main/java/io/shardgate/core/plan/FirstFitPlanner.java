package io.shardgate.core.plan;

import io.shardgate.core.spec.PerformanceSpec;
import io.shardgate.core.topology.Server;
import io.shardgate.core.topology.Topology;

import java.util.ArrayList;
import java.util.List;

/**
 * The naive baseline the simulator compares against: spines and servers in topology order, the first server that
 * can carry the whole spec, else the first {@code n} servers in order that can carry equal shares, with the
 * smallest {@code n}. One shard per server, no spreading beyond need. Same headroom as the production planner.
 */
public final class FirstFitPlanner implements ShardPlanner {
    private final double headroom;

    public FirstFitPlanner() {
        this(PlannerOptions.DEFAULT.headroom());
    }

    public FirstFitPlanner(double headroom) {
        this.headroom = headroom;
    }

    @Override
    public PlanResult plan(PlanRequest request, Topology topology) {
        List<Shortfall> shortfalls = new ArrayList<>();
        List<PerformanceSpec> candidates = request.spec().candidates();
        for (int c = 0; c < candidates.size(); c++) {
            PerformanceSpec spec = candidates.get(c);
            long chunks = Placement.chunkCount(spec.sizeBytes(), request.chunkSize());
            for (String spine : topology.spines()) {
                List<Server> servers = topology.spine(spine);
                int limit = (int) Math.min(servers.size(), chunks);
                for (int n = 1; n <= limit; n++) {
                    List<Server> chosen = firstN(topology, servers, spec, n);
                    if (chosen != null) {
                        var map = Placement.interleavedMap(request.volume(), spine, spec.sizeBytes(),
                                request.chunkSize(), chosen.stream().map(Server::id).toList(), n,
                                HeatEstimate.UNIFORM);
                        return new PlanResult.Accepted(map, spec, c, Placement.reservations(chosen, spec));
                    }
                }
                if (c == 0) {
                    shortfalls.add(Placement.shortfall(topology, spine, spec, headroom, chunks));
                }
            }
        }
        return new PlanResult.Refused(Placement.refusal(request.volume(), request.spec(), shortfalls));
    }

    private List<Server> firstN(Topology topology, List<Server> servers, PerformanceSpec spec, int n) {
        var share = Placement.share(spec, n);
        List<Server> chosen = new ArrayList<>(n);
        for (Server s : servers) {
            if (Placement.freeIops(topology, s, headroom) >= share.iops()
                    && Placement.freeBandwidth(topology, s, headroom) >= share.bandwidthMBps()) {
                chosen.add(s);
                if (chosen.size() == n) {
                    return chosen;
                }
            }
        }
        return null;
    }
}
