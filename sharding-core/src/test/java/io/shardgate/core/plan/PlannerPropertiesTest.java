package io.shardgate.core.plan;

import io.shardgate.core.map.Shard;
import io.shardgate.core.spec.PerformanceSpec;
import io.shardgate.core.spec.WorkloadType;
import io.shardgate.core.topology.Server;
import io.shardgate.core.topology.ServerCapacity;
import io.shardgate.core.topology.Topology;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The planner's guarantees on random small clouds, checked against an exhaustive search. */
class PlannerPropertiesTest {
    private static final int CHUNK = 1 << 20;
    private static final double HEADROOM = PlannerOptions.DEFAULT.headroom();

    static Topology randomCloud(long seed) {
        Random r = new Random(seed);
        int spines = 1 + r.nextInt(3);
        List<Server> servers = new ArrayList<>();
        Map<String, ServerCapacity> reserved = new HashMap<>();
        for (int s = 0; s < spines; s++) {
            int n = 1 + r.nextInt(6);
            for (int i = 0; i < n; i++) {
                long iops = 1000 + r.nextInt(20) * 1000L;
                double bw = 50 + r.nextInt(20) * 50;
                String id = "sp" + s + "-n" + i;
                servers.add(new Server(id, "r", "sp" + s, new ServerCapacity(iops, bw, 0, 0)));
                if (r.nextBoolean()) {
                    reserved.put(id, new ServerCapacity((long) (iops * 0.9 * r.nextDouble()),
                            bw * 0.9 * r.nextDouble(), 0, 0));
                }
            }
        }
        return Topology.of(servers, reserved);
    }

    /** Does any set of servers of one spine carry equal shares of the spec? (exhaustive: spines have <= 6 servers) */
    static boolean someSpineFits(Topology t, PerformanceSpec spec, long chunks) {
        for (String spine : t.spines()) {
            List<Server> servers = t.spine(spine);
            for (int mask = 1; mask < (1 << servers.size()); mask++) {
                int k = Integer.bitCount(mask);
                if (k > chunks) {
                    continue;
                }
                long iopsShare = (spec.iops() + k - 1) / k;
                double bwShare = spec.throughputMBps() / k;
                boolean all = true;
                for (int i = 0; i < servers.size() && all; i++) {
                    if ((mask & (1 << i)) != 0) {
                        Server s = servers.get(i);
                        all = s.capacity().iops() * (1 - HEADROOM) - t.reserved(s.id()).iops() >= iopsShare
                                && s.capacity().bandwidthMBps() * (1 - HEADROOM)
                                - t.reserved(s.id()).bandwidthMBps() >= bwShare;
                    }
                }
                if (all) {
                    return true;
                }
            }
        }
        return false;
    }

    @Property(tries = 500)
    void acceptedPlansMeetTheSpecInOneSpineWithoutOverCommitting(
            @ForAll long seed, @ForAll @LongRange(min = 0, max = 120_000) long iops,
            @ForAll @IntRange(min = 0, max = 3000) int mbps, @ForAll @IntRange(min = 1, max = 64) int chunks,
            @ForAll boolean withFallback, @ForAll boolean namesClientSpine) {
        Topology t = randomCloud(seed);
        long size = (long) chunks * CHUNK;
        PerformanceSpec spec = new PerformanceSpec(size, iops, mbps, 1000, WorkloadType.DATABASE,
                withFallback ? List.of(PerformanceSpec.of(size, iops / 4, mbps / 4.0, 2000, WorkloadType.DATABASE))
                        : List.of());
        String client = namesClientSpine ? t.spines().get((int) Math.floorMod(seed, t.spines().size())) : null;
        PlanResult result = new SpreadingPlanner().plan(new PlanRequest("v", spec, client, CHUNK), t);
        boolean feasible = spec.candidates().stream().anyMatch(c -> someSpineFits(t, c, chunks));
        if (result instanceof PlanResult.Accepted a) {
            assertTrue(feasible, "accepted only what an exhaustive search can place");
            a.map().checkOwnersIn(t); // one spine
            PerformanceSpec used = a.specUsed();
            assertEquals(spec.candidates().get(a.fallbackUsed()), used);
            long sumIops = 0;
            double sumBw = 0;
            for (var e : a.reservations().entrySet()) {
                Server s = t.server(e.getKey()).orElseThrow();
                ServerCapacity after = t.reserved(s.id()).plus(e.getValue());
                assertTrue(after.iops() <= s.capacity().iops() * (1 - HEADROOM) + 1e-6, "IOPS over-committed on " + s);
                assertTrue(after.bandwidthMBps() <= s.capacity().bandwidthMBps() * (1 - HEADROOM) + 1e-6,
                        "bandwidth over-committed on " + s);
                sumIops += e.getValue().iops();
                sumBw += e.getValue().bandwidthMBps();
            }
            assertTrue(sumIops >= used.iops(), "reserved IOPS meet the spec");
            assertTrue(sumBw >= used.throughputMBps() - 1e-6, "reserved bandwidth meets the spec");
            assertEquals(a.reservations().keySet(), new java.util.HashSet<>(a.map().owners()),
                    "every owner reserves, every reserving server owns");
            assertEquals(size, a.map().shards().stream().mapToLong(Shard::length).sum());
            if (client != null && a.fallbackUsed() == 0 && someSpineFitsIn(t, client, used, chunks)) {
                assertEquals(client, a.map().spine(), "the client's spine is preferred when it fits");
            }
        } else if (result instanceof PlanResult.Refused r) {
            assertFalse(feasible, "refused although a placement exists: " + r.refusal().summary());
            assertFalse(r.refusal().shortfalls().isEmpty(), "a refusal says what fell short");
            assertTrue(r.refusal().summary().contains("best is"), r.refusal().summary());
        } else {
            fail("unknown result " + result);
        }
    }

    static boolean someSpineFitsIn(Topology t, String spine, PerformanceSpec spec, long chunks) {
        List<Server> only = t.spine(spine);
        Map<String, ServerCapacity> res = new HashMap<>();
        for (Server s : only) {
            res.put(s.id(), t.reserved(s.id()));
        }
        return someSpineFits(Topology.of(only, res), spec, chunks);
    }

    @Property(tries = 100)
    void successivePlansSeeEachOthersReservations(@ForAll long seed) {
        Topology t = randomCloud(seed);
        SpreadingPlanner planner = new SpreadingPlanner();
        for (int i = 0; i < 30; i++) {
            PerformanceSpec spec = PerformanceSpec.of(16L * CHUNK, 3000, 100, 1000, WorkloadType.GENERAL);
            PlanResult r = planner.plan(new PlanRequest("v" + i, spec, null, CHUNK), t);
            if (r instanceof PlanResult.Accepted a) {
                t = t.reserve(a.reservations());
            }
        }
        for (Server s : t.servers()) {
            assertTrue(t.reserved(s.id()).iops() <= s.capacity().iops(), "never over-committed after many plans");
        }
    }
}
