package io.shardgate.core.plan;

import io.shardgate.core.topology.Topology;

/**
 * Turns a performance spec into a shard map placed inside one spine, or refuses with the reason.
 * Pure and thread-safe: the same request and topology give the same plan.
 */
public interface ShardPlanner {

    /**
     * Plans a volume. Tries the spec, then its fallbacks in order; prefers {@code request.clientSpine()}
     * when it can meet the spec. Never over-commits a server, never crosses spines.
     */
    PlanResult plan(PlanRequest request, Topology topology);
}
