package io.shardgate.core.plan;

import io.shardgate.core.map.ShardMap;
import io.shardgate.core.spec.PerformanceSpec;
import io.shardgate.core.topology.ServerCapacity;

import java.util.Map;

/** The planner's honest answer: a placement with what it reserves, or a refusal with the reason. */
public sealed interface PlanResult permits PlanResult.Accepted, PlanResult.Refused {

    /**
     * @param map          the first shard map (version 1)
     * @param specUsed     the spec that was met (the requested one, or a fallback)
     * @param fallbackUsed 0 when the requested spec was met, else 1 + the index of the fallback used
     * @param reservations what each server reserves for this volume; the caller records them in the topology
     */
    record Accepted(ShardMap map, PerformanceSpec specUsed, int fallbackUsed,
                    Map<String, ServerCapacity> reservations) implements PlanResult {
    }

    record Refused(Refusal refusal) implements PlanResult {
    }
}
