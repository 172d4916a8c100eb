package io.shardgate.core.reshard;

import io.shardgate.core.map.Shard;
import io.shardgate.core.map.ShardMap;
import io.shardgate.core.topology.Server;
import io.shardgate.core.topology.ServerCapacity;
import io.shardgate.core.topology.Topology;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReshardPlannerTest {
    private static final int CHUNK = 1 << 20;
    private final Topology topology = Topology.of(List.of(server("a"), server("b"), server("c")));
    private final ReshardPlanner planner = new ReshardPlanner(ReshardOptions.DEFAULT);

    static Server server(String id) {
        return new Server(id, "r", "sp", new ServerCapacity(10_000, 1000, 0, 0));
    }

    static ShardMap map() {
        return ShardMap.of("v", "sp", 3, 16L * CHUNK, CHUNK, List.of(new Shard(0, 8L * CHUNK, "a"),
                new Shard(8L * CHUNK, 4L * CHUNK, "b"), new Shard(12L * CHUNK, 4L * CHUNK, "b")));
    }

    static ShardLoad load(int shard, double ops, long[] perChunk) {
        return new ShardLoad("v", shard, 3, ops, ops * 4096, 4, 200, perChunk);
    }

    @Test
    void aHotShardIsSplitAtItsLoadMedianNotItsMidpoint() {
        long[] perChunk = {900, 900, 900, 900, 10, 10, 10, 10}; // the load sits in the first half of the shard
        Map<String, ServerLoad> servers = Map.of("a", new ServerLoad("a", 6000, 0), "b", new ServerLoad("b", 2000, 0));
        var p = planner.propose(map(), List.of(load(0, 6000, perChunk)), servers, topology, Long.MIN_VALUE, 0);
        var split = assertInstanceOf(ReshardProposal.Split.class, p.orElseThrow());
        assertEquals(0, split.shardIndex());
        assertEquals(2L * CHUNK, split.atOffset(), "half the load is in chunks 0-1: cut after chunk 1");
        assertEquals("c", split.newOwner(), "the least-loaded other server (b carries load, c none)");
        ShardMap next = split.apply(map());
        assertEquals(4, next.version());
        assertThrows(IllegalStateException.class, () -> split.apply(next), "a proposal applies to its version only");
    }

    @Test
    void predictedHeatSplitsAShardTheWorkloadIsMovingIntoAtTheMedianOfMeasuredPlusPredicted() {
        // measured: 3000 ops/s (30%, under the 50% threshold) spread evenly; predicted: 7000 ops/s, all in chunks 6-7
        long[] measured = {375, 375, 375, 375, 375, 375, 375, 375};
        long[] predicted = {0, 0, 0, 0, 0, 0, 3500, 3500};
        ShardLoad heating = new ShardLoad("v", 0, 3, 3000, 0, 1, 100, measured, 7000, predicted);
        assertEquals(7000, heating.heatOpsPerSec());
        var p = planner.propose(map(), List.of(heating), Map.of(), topology, Long.MIN_VALUE, 0);
        var split = assertInstanceOf(ReshardProposal.Split.class, p.orElseThrow());
        assertEquals(7L * CHUNK, split.atOffset(), "heat 6125 in chunks 0-6, 3875 in chunk 7: the most even cut");
        assertTrue(split.reason().contains("predicted"), split.reason());

        ShardLoad measuredOnly = new ShardLoad("v", 0, 3, 3000, 0, 1, 100, measured);
        assertTrue(planner.propose(map(), List.of(measuredOnly), Map.of(), topology, Long.MIN_VALUE, 0).isEmpty(),
                "without the prediction the same measured load is no reason to split");
        ShardLoad quietPrediction = new ShardLoad("v", 0, 3, 6000, 0, 1, 100, measured, 10, new long[8]);
        assertEquals(6000, quietPrediction.heatOpsPerSec(), "a low prediction never hides measured load");
    }

    @Test
    void hysteresisMeansNothingJustUnderTheThresholdAndNothingDuringCoolDown() {
        var quiet = planner.propose(map(), List.of(load(0, 4900, new long[0])), Map.of(), topology,
                Long.MIN_VALUE, 0);
        assertTrue(quiet.isEmpty(), "49% of capacity is under the 50% split threshold");
        var cooling = planner.propose(map(), List.of(load(0, 9000, new long[0])), Map.of(), topology, 1000, 5000);
        assertTrue(cooling.isEmpty(), "within the cool-down of the last change");
    }

    @Test
    void anOverloadedServerShedsAShardToOneThatStaysUnderTheLowWaterMark() {
        Map<String, ServerLoad> servers = Map.of("a", new ServerLoad("a", 9000, 0), "b", new ServerLoad("b", 1000, 0),
                "c", new ServerLoad("c", 8000, 0));
        var p = planner.propose(map(), List.of(load(0, 3000, new long[0])), servers, topology, Long.MIN_VALUE, 0);
        var move = assertInstanceOf(ReshardProposal.Move.class, p.orElseThrow());
        assertEquals("b", move.newOwner());
    }

    @Test
    void coldNeighboursOfOneOwnerMerge() {
        var p = planner.propose(map(), List.of(load(0, 500, new long[0]), load(1, 10, new long[0]),
                load(2, 10, new long[0])), Map.of(), topology, Long.MIN_VALUE, 0);
        var merge = assertInstanceOf(ReshardProposal.Merge.class, p.orElseThrow());
        assertEquals(1, merge.shardIndex());
    }

    @Test
    void loadsMeasuredAtAnotherVersionAreIgnored() {
        ShardLoad stale = new ShardLoad("v", 0, 2, 9000, 0, 0, 0, new long[0]);
        assertTrue(planner.propose(map(), List.of(stale), Map.of(), topology, Long.MIN_VALUE, 0).isEmpty());
    }
}
