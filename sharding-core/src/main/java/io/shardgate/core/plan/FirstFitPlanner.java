package io.shardgate.core.plan;

import io.shardgate.core.spec.PerformanceSpec;
import io.shardgate.core.topology.Server;
import io.shardgate.core.topology.Topology;

import java.util.ArrayList;
import java.util.List;

/**
 * The naive baseline the simulator compares against, the classic unsharded design: spines and servers in
 * topology order, the whole volume on the first server that can carry the whole spec (first fit, no spreading).
 * Same headroom as the production planner.
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
        List<Placement.SpineFree> free = Placement.spineFree(topology, headroom);
        List<PerformanceSpec> candidates = request.spec().candidates();
        for (int c = 0; c < candidates.size(); c++) {
            PerformanceSpec spec = candidates.get(c);
            long chunks = Placement.chunkCount(spec.sizeBytes(), request.chunkSize());
            for (Placement.SpineFree spineFree : free) {
                String spine = spineFree.spine();
                List<Server> servers = topology.spine(spine);
                List<Server> chosen = Placement.fitting(topology, servers, spec, 1, headroom);
                if (!chosen.isEmpty()) {
                    var map = Placement.interleavedMap(request.volume(), spine, spec.sizeBytes(),
                            request.chunkSize(), List.of(chosen.get(0).id()), 1, HeatEstimate.UNIFORM);
                    return new PlanResult.Accepted(map, spec, c, Placement.reservations(chosen, spec));
                }
                if (c == 0) {
                    shortfalls.add(Placement.shortfall(spineFree, spec, servers.size(), chunks));
                }
            }
        }
        return new PlanResult.Refused(Placement.refusal(request.volume(), request.spec(), shortfalls));
    }
}
