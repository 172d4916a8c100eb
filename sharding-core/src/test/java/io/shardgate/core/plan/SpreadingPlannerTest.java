package io.shardgate.core.plan;

import io.shardgate.core.spec.PerformanceSpec;
import io.shardgate.core.spec.WorkloadType;
import io.shardgate.core.topology.Server;
import io.shardgate.core.topology.ServerCapacity;
import io.shardgate.core.topology.Topology;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpreadingPlannerTest {
    private static final int CHUNK = 4 << 20;

    static Topology cloud(int spines, int perSpine, long iops) {
        List<Server> servers = new ArrayList<>();
        for (int s = 0; s < spines; s++) {
            for (int i = 0; i < perSpine; i++) {
                servers.add(new Server("sp" + s + "-" + i, "r1", "sp" + s, new ServerCapacity(iops, iops / 32.0, 0, 0)));
            }
        }
        return Topology.of(servers);
    }

    static PerformanceSpec spec(long iops) {
        return PerformanceSpec.of(64L * CHUNK, iops, 0, 1000, WorkloadType.DATABASE);
    }

    @Test
    void aVolumeBeyondOneServerIsSpreadOverSeveralWithInterleavedShards() {
        Topology t = cloud(1, 8, 10_000);
        var a = assertInstanceOf(PlanResult.Accepted.class,
                new SpreadingPlanner().plan(new PlanRequest("big", spec(30_000), null, CHUNK), t));
        assertTrue(a.reservations().size() >= 4, "30k IOPS on 9k-usable servers needs at least 4 servers");
        assertEquals(a.reservations().size() * PlannerOptions.DEFAULT.shardsPerServer(), a.map().shardCount());
        for (int i = 0; i + 1 < a.map().shardCount(); i++) {
            assertNotEquals(a.map().owner(i), a.map().owner(i + 1), "neighbouring shards on different servers");
        }
    }

    @Test
    void theClientsSpineIsPreferred() {
        Topology t = cloud(3, 4, 10_000);
        var a = assertInstanceOf(PlanResult.Accepted.class,
                new SpreadingPlanner().plan(new PlanRequest("v", spec(5000), "sp2", CHUNK), t));
        assertEquals("sp2", a.map().spine());
    }

    @Test
    void fallbacksAreTriedInOrderThenTheRefusalSaysWhatFellShort() {
        Topology t = cloud(2, 2, 10_000); // 18k usable IOPS per spine
        PerformanceSpec wants = new PerformanceSpec(64L * CHUNK, 40_000, 0, 500, WorkloadType.DATABASE,
                List.of(PerformanceSpec.of(64L * CHUNK, 30_000, 0, 500, WorkloadType.DATABASE),
                        PerformanceSpec.of(64L * CHUNK, 15_000, 0, 500, WorkloadType.DATABASE)));
        var a = assertInstanceOf(PlanResult.Accepted.class,
                new SpreadingPlanner().plan(new PlanRequest("v", wants, null, CHUNK), t));
        assertEquals(2, a.fallbackUsed());
        assertEquals(15_000, a.specUsed().iops());

        var r = assertInstanceOf(PlanResult.Refused.class,
                new SpreadingPlanner().plan(new PlanRequest("v", spec(40_000), null, CHUNK), t));
        Shortfall best = r.refusal().shortfalls().get(0);
        assertEquals("iops", best.resource());
        assertEquals(40_000, best.required());
        assertEquals(18_000, best.available());
        assertEquals(22_000, best.missing());
        assertTrue(r.refusal().summary().contains("18000 iops (22000 short)"), r.refusal().summary());
    }

    @Test
    void hotRangesGetSmallerShards() {
        Topology t = cloud(1, 4, 10_000);
        HeatEstimate hotStart = chunk -> chunk < 8 ? 10.0 : 1.0; // the first 8 of 64 chunks are 10x hotter
        var a = assertInstanceOf(PlanResult.Accepted.class, new SpreadingPlanner(PlannerOptions.DEFAULT, hotStart)
                .plan(new PlanRequest("v", spec(8000), null, CHUNK), t));
        long first = a.map().shard(0).length();
        long last = a.map().shard(a.map().shardCount() - 1).length();
        assertTrue(first < last, "hot first shard " + first + " smaller than cold last shard " + last);
    }

    @Test
    void firstFitPutsTheWholeVolumeOnOneServerOrRefuses() {
        Topology t = cloud(1, 4, 10_000);
        var a = assertInstanceOf(PlanResult.Accepted.class,
                new FirstFitPlanner().plan(new PlanRequest("v", spec(5000), null, CHUNK), t));
        assertEquals(1, a.reservations().size());
        assertInstanceOf(PlanResult.Refused.class,
                new FirstFitPlanner().plan(new PlanRequest("v", spec(30_000), null, CHUNK), t));
    }
}
