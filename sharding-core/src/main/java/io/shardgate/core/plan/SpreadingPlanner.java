package io.shardgate.core.plan;

import io.shardgate.core.spec.PerformanceSpec;
import io.shardgate.core.topology.Server;
import io.shardgate.core.topology.Topology;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The production planner. For each candidate spec (the spec, then its fallbacks), it tries the client's spine
 * first, then the other spines from the most free IOPS to the least (worst fit keeps spines evenly loaded). In a
 * spine it ranks servers by how much of the spec each could carry and spreads the volume evenly over as many of
 * them as helps: at least as many as needed to fit, up to {@link PlannerOptions#maxServersPerVolume()}, while each
 * still gets {@link PlannerOptions#minIopsPerServer()}. Shards are interleaved round-robin over those servers.
 *
 * <p>Pure and thread-safe.
 */
public final class SpreadingPlanner implements ShardPlanner {
    private final PlannerOptions options;
    private final HeatEstimate heat;

    public SpreadingPlanner() {
        this(PlannerOptions.DEFAULT, HeatEstimate.UNIFORM);
    }

    public SpreadingPlanner(PlannerOptions options, HeatEstimate heat) {
        this.options = options;
        this.heat = heat;
    }

    @Override
    public PlanResult plan(PlanRequest request, Topology topology) {
        List<Shortfall> shortfalls = new ArrayList<>();
        List<PerformanceSpec> candidates = request.spec().candidates();
        for (int c = 0; c < candidates.size(); c++) {
            PerformanceSpec spec = candidates.get(c);
            for (String spine : spineOrder(request.clientSpine(), topology)) {
                PlanResult.Accepted accepted = place(request, spec, c, spine, topology);
                if (accepted != null) {
                    return accepted;
                }
                if (c == 0) {
                    shortfalls.add(Placement.shortfall(topology, spine, spec, options.headroom(),
                            Placement.chunkCount(spec.sizeBytes(), request.chunkSize())));
                }
            }
        }
        return new PlanResult.Refused(Placement.refusal(request.volume(), request.spec(), shortfalls));
    }

    private List<String> spineOrder(String clientSpine, Topology topology) {
        List<String> spines = new ArrayList<>(topology.spines());
        java.util.Map<String, Double> free = new java.util.HashMap<>();
        for (String spine : spines) {
            double sum = 0;
            for (Server s : topology.spine(spine)) {
                sum += Math.max(0, Placement.freeIops(topology, s, options.headroom()));
            }
            free.put(spine, sum);
        }
        spines.sort(Comparator.comparingDouble((String s) -> free.get(s)).reversed());
        if (clientSpine != null && spines.remove(clientSpine)) {
            spines.add(0, clientSpine);
        }
        return spines;
    }

    private PlanResult.Accepted place(PlanRequest request, PerformanceSpec spec, int fallbackUsed, String spine,
                                      Topology topology) {
        List<Server> ranked = Placement.byFractionDescending(topology, spine, spec, options.headroom());
        long chunks = Placement.chunkCount(spec.sizeBytes(), request.chunkSize());
        int limit = (int) Math.min(ranked.size(), chunks);
        int wanted = (int) Math.max(1, Math.min(options.maxServersPerVolume(),
                options.minIopsPerServer() == 0 ? Integer.MAX_VALUE : spec.iops() / options.minIopsPerServer()));
        // A spread over k servers is feasible when at least k servers can each carry 1/k of the spec. Prefer the
        // spread we want, else the smallest larger one that fits (a big spec may need more servers).
        List<Server> chosen = null;
        for (int k = Math.min(wanted, limit); k >= 1 && chosen == null; k--) {
            chosen = firstFitting(topology, ranked, spec, k);
        }
        for (int k = Math.min(wanted, limit) + 1; k <= limit && chosen == null; k++) {
            chosen = firstFitting(topology, ranked, spec, k);
        }
        if (chosen == null) {
            return null;
        }
        int n = chosen.size();
        List<String> owners = chosen.stream().map(Server::id).toList();
        var map = Placement.interleavedMap(request.volume(), spine, spec.sizeBytes(), request.chunkSize(), owners,
                n * options.shardsPerServer(), heat);
        return new PlanResult.Accepted(map, spec, fallbackUsed, Placement.reservations(chosen, spec));
    }

    /** The first {@code k} servers, in rank order, that can each carry 1/k of the spec; null if fewer fit. */
    private List<Server> firstFitting(Topology topology, List<Server> ranked, PerformanceSpec spec, int k) {
        List<Server> chosen = Placement.fitting(topology, ranked, spec, k, options.headroom());
        return chosen.size() == k ? chosen : null;
    }
}
