package io.shardgate.core.map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShardMapPropertiesTest {
    private static final int CHUNK = 4096;

    /** One random change: 0 split, 1 move, 2 merge, 3 extend; the ints pick the shard and the point. */
    record Op(int kind, int a, int b) {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> op = net.jqwik.api.Combinators.combine(Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 1_000_000), Arbitraries.integers().between(0, 1_000_000))
                .as(Op::new);
        return op.list().ofMaxSize(40);
    }

    @Property(tries = 300)
    void everySequenceOfChangesKeepsTheInvariants(@ForAll @LongRange(min = 1, max = 4000) long chunks,
                                                  @ForAll @IntRange(min = 0, max = 4095) int tail,
                                                  @ForAll("ops") List<Op> ops) {
        long size = chunks * CHUNK - (chunks > 1 ? tail : 0);
        ShardMap map = ShardMap.of("v", "spine-a", 1, size, CHUNK, List.of(new Shard(0, size, "s0")));
        for (Op op : ops) {
            ShardMap next = apply(map, op);
            if (next == null) {
                continue;
            }
            assertEquals(map.version() + 1, next.version(), "every change is the next version");
            checkCover(next);
            checkLookup(next);
            map = next;
        }
    }

    private static ShardMap apply(ShardMap map, Op op) {
        int i = op.a() % map.shardCount();
        switch (op.kind()) {
            case 0 -> {
                long start = map.shardStart(i);
                long chunksIn = (map.shardEnd(i) - start + CHUNK - 1) / CHUNK;
                if (chunksIn < 2) {
                    return null;
                }
                long at = start + (1 + op.b() % (chunksIn - 1)) * CHUNK;
                return map.split(i, at, "s" + (op.b() % 5));
            }
            case 1 -> {
                String owner = "s" + (op.b() % 5);
                return owner.equals(map.owner(i)) ? null : map.move(i, owner);
            }
            case 2 -> {
                return i + 1 < map.shardCount() ? map.merge(i) : null;
            }
            default -> {
                return map.extend(map.sizeBytes() + (long) (op.b() % 5) * CHUNK);
            }
        }
    }

    private static void checkCover(ShardMap m) {
        long expected = 0;
        for (Shard s : m.shards()) {
            assertEquals(expected, s.startOffset(), "no gap, no overlap");
            assertEquals(0, s.startOffset() % CHUNK, "chunk-aligned");
            assertTrue(s.length() > 0);
            expected = s.endOffset();
        }
        assertEquals(m.sizeBytes(), expected, "full cover");
    }

    private static void checkLookup(ShardMap m) {
        long[] probes = {0, m.sizeBytes() - 1, m.sizeBytes() / 2, m.sizeBytes() / 3};
        for (int i = 0; i < m.shardCount(); i++) {
            assertEquals(i, m.shardIndexOf(m.shardStart(i)));
            assertEquals(i, m.shardIndexOf(m.shardEnd(i) - 1));
        }
        for (long p : probes) {
            assertEquals(linear(m, p), m.shardIndexOf(p), "lookup agrees with a linear scan at " + p);
        }
    }

    private static int linear(ShardMap m, long offset) {
        for (int i = 0; i < m.shardCount(); i++) {
            if (offset >= m.shardStart(i) && offset < m.shardEnd(i)) {
                return i;
            }
        }
        throw new AssertionError("offset " + offset + " not covered");
    }

    @Property(tries = 200)
    void gapsOverlapsAndMisalignmentAreRefused(@ForAll @Size(min = 2, max = 6) List<@IntRange(min = 1, max = 9) Integer> lens,
                                               @ForAll @IntRange(min = 0, max = 2) int fault) {
        List<Shard> shards = new java.util.ArrayList<>();
        long at = 0;
        for (int len : lens) {
            shards.add(new Shard(at, (long) len * CHUNK, "s"));
            at += (long) len * CHUNK;
        }
        long size = at;
        Shard second = shards.get(1);
        switch (fault) {
            case 0 -> shards.set(1, new Shard(second.startOffset() + CHUNK, second.length() - CHUNK, "s")); // gap
            case 1 -> shards.set(1, new Shard(second.startOffset() - 1, second.length() + 1, "s")); // overlap
            default -> shards.set(1, new Shard(second.startOffset(), second.length(), " ")); // no owner
        }
        if (shards.get(1).length() <= 0) {
            return;
        }
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ShardMap.of("v", "sp", 1, size, CHUNK, shards));
    }
}
