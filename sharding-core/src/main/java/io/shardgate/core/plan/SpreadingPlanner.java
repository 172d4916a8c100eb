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
        List<Placement.SpineFree> spines = Placement.spineFree(topology, options.headroom());
        spines.sort(Comparator.comparingDouble(Placement.SpineFree::iops).reversed());
        if (request.clientSpine() != null) {
            for (int i = 0; i < spines.size(); i++) {
                if (spines.get(i).spine().equals(request.clientSpine())) {
                    spines.add(0, spines.remove(i));
                    break;
                }
            }
        }
        List<Shortfall> shortfalls = new ArrayList<>();
        List<PerformanceSpec> candidates = request.spec().candidates();
        for (int c = 0; c < candidates.size(); c++) {
            PerformanceSpec spec = candidates.get(c);
            long chunks = Placement.chunkCount(spec.sizeBytes(), request.chunkSize());
            for (Placement.SpineFree spine : spines) {
                // the spine's free sums bound what any spread can give: skip it without ranking its servers
                PlanResult.Accepted accepted = spine.iops() >= spec.iops() && spine.bandwidthMBps() >= spec.throughputMBps()
                        ? place(request, spec, c, spine.spine(), topology) : null;
                if (accepted != null) {
                    return accepted;
                }
                if (c == 0) {
                    shortfalls.add(Placement.shortfall(spine, spec, topology.spine(spine.spine()).size(), chunks));
                }
            }
        }
        return new PlanResult.Refused(Placement.refusal(request.volume(), request.spec(), shortfalls));
    }

    private PlanResult.Accepted place(PlanRequest request, PerformanceSpec spec, int fallbackUsed, String spine,
                                      Topology topology) {
        List<Server> ranked = Placement.byFractionDescending(topology, spine, spec, options.headroom());
        int m = ranked.size();
        double[] freeIops = new double[m];
        double[] freeBw = new double[m];
        for (int i = 0; i < m; i++) {
            freeIops[i] = Placement.freeIops(topology, ranked.get(i), options.headroom());
            freeBw[i] = Placement.freeBandwidth(topology, ranked.get(i), options.headroom());
        }
        long chunks = Placement.chunkCount(spec.sizeBytes(), request.chunkSize());
        int limit = (int) Math.min(m, chunks);
        int wanted = (int) Math.max(1, Math.min(options.maxServersPerVolume(),
                options.minIopsPerServer() == 0 ? Integer.MAX_VALUE : spec.iops() / options.minIopsPerServer()));
        // A spread over k servers is feasible when at least k servers can each carry 1/k of the spec. Prefer the
        // spread we want, else the smallest larger one that fits (a big spec may need more servers).
        int[] chosen = null;
        for (int k = Math.min(wanted, limit); k >= 1 && chosen == null; k--) {
            chosen = firstFitting(freeIops, freeBw, spec, k);
        }
        for (int k = Math.min(wanted, limit) + 1; k <= limit && chosen == null; k++) {
            chosen = firstFitting(freeIops, freeBw, spec, k);
        }
        if (chosen == null) {
            return null;
        }
        List<Server> servers = new ArrayList<>(chosen.length);
        for (int i : chosen) {
            servers.add(ranked.get(i));
        }
        List<String> owners = servers.stream().map(Server::id).toList();
        var map = Placement.interleavedMap(request.volume(), spine, spec.sizeBytes(), request.chunkSize(), owners,
                chosen.length * options.shardsPerServer(), heat);
        return new PlanResult.Accepted(map, spec, fallbackUsed, Placement.reservations(servers, spec));
    }

    /** Indices of the first {@code k} servers, in rank order, that can each carry 1/k of the spec; null if fewer. */
    private static int[] firstFitting(double[] freeIops, double[] freeBw, PerformanceSpec spec, int k) {
        long iopsShare = (spec.iops() + k - 1) / k;
        double bwShare = spec.throughputMBps() / k;
        int[] chosen = new int[k];
        int n = 0;
        for (int i = 0; i < freeIops.length && n < k; i++) {
            if (freeIops[i] >= iopsShare && freeBw[i] >= bwShare) {
                chosen[n++] = i;
            }
        }
        return n == k ? chosen : null;
    }
}
