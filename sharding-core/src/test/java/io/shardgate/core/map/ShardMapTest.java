package io.shardgate.core.map;

import io.shardgate.core.topology.Server;
import io.shardgate.core.topology.ServerCapacity;
import io.shardgate.core.topology.Topology;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShardMapTest {
    private static final int CHUNK = 1 << 20;

    private static ShardMap threeShards() {
        return ShardMap.of("vol", "sp1", 7, 6L * CHUNK, CHUNK, List.of(new Shard(0, 2L * CHUNK, "a"),
                new Shard(2L * CHUNK, 2L * CHUNK, "b"), new Shard(4L * CHUNK, 2L * CHUNK, "c")));
    }

    @Test
    void lookupFindsTheShardOfEveryBoundaryByte() {
        ShardMap m = threeShards();
        assertEquals(0, m.shardIndexOf(0));
        assertEquals(0, m.shardIndexOf(2L * CHUNK - 1));
        assertEquals(1, m.shardIndexOf(2L * CHUNK));
        assertEquals(2, m.shardIndexOf(6L * CHUNK - 1));
        assertThrows(IndexOutOfBoundsException.class, () -> m.shardIndexOf(6L * CHUNK));
        assertThrows(IndexOutOfBoundsException.class, () -> m.shardIndexOf(-1));
    }

    @Test
    void splitMoveMergeExtendGiveTheNextVersion() {
        ShardMap m = threeShards();
        ShardMap split = m.split(1, 3L * CHUNK, "d");
        assertEquals(8, split.version());
        assertEquals(List.of("a", "b", "d", "c"), split.shards().stream().map(Shard::owner).toList());
        ShardMap moved = split.move(2, "b");
        ShardMap merged = moved.merge(1);
        assertEquals(10, merged.version());
        assertEquals(new Shard(2L * CHUNK, 2L * CHUNK, "b"), merged.shard(1));
        ShardMap grown = merged.extend(9L * CHUNK);
        assertEquals(new Shard(4L * CHUNK, 5L * CHUNK, "c"), grown.shard(2));
        assertEquals(7, m.version(), "the old map is unchanged");
    }

    @Test
    void badChangesAreRefusedWithTheReason() {
        ShardMap m = threeShards();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> m.split(0, 2L * CHUNK, "x")).getMessage()
                .contains("not inside shard 0"));
        assertThrows(IllegalArgumentException.class, () -> m.split(0, CHUNK + 512, "x"));
        assertThrows(IllegalArgumentException.class, () -> m.move(0, "a"));
        assertThrows(IllegalArgumentException.class, () -> m.merge(2));
        assertThrows(IllegalArgumentException.class, () -> m.extend(CHUNK));
    }

    @Test
    void ownersMustAllBeInTheVolumesSpine() {
        Topology t = Topology.of(List.of(server("a", "sp1"), server("b", "sp1"), server("c", "sp2")));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> threeShards().checkOwnersIn(t));
        assertTrue(e.getMessage().contains("spine sp2"), e.getMessage());
        Topology ok = Topology.of(List.of(server("a", "sp1"), server("b", "sp1"), server("c", "sp1")));
        threeShards().checkOwnersIn(ok);
    }

    static Server server(String id, String spine) {
        return new Server(id, "r1", spine, new ServerCapacity(10_000, 1000, 0, 0));
    }
}
