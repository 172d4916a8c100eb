package io.shardgate.core.map;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The LBA lookup is on the I/O path: it must not allocate. */
class ShardMapLookupAllocationTest {

    @Test
    void lookupAllocatesNothing() {
        int chunk = 4 << 20;
        List<Shard> shards = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            shards.add(new Shard((long) i * chunk, chunk, "s" + (i % 7)));
        }
        ShardMap map = ShardMap.of("v", "sp", 1, 256L * chunk, chunk, shards);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (int i = 0; i < 200_000; i++) { // warm up so the JIT has compiled the lookup
            sink += map.shardIndexOf((i * 7919L * 4096) % map.sizeBytes());
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 1_000_000; i++) {
            sink += map.shardIndexOf((i * 7919L * 4096) % map.sizeBytes());
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 10_000, "1M lookups allocated " + allocated + " bytes");
        assertEquals(map.shardIndexOf(map.sizeBytes() - 1), 255);
        assertTrue(sink > 0);
    }
}
