package io.shardgate.predictor.eval;

import io.shardgate.predictor.SharedTraces;
import io.shardgate.predictor.trace.AccessRecord;
import io.shardgate.predictor.trace.TraceReader;
import io.shardgate.predictor.trace.TraceReaders;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static io.shardgate.predictor.eval.LruBlockCache.Outcome.HIT;
import static io.shardgate.predictor.eval.LruBlockCache.Outcome.HIT_ON_PREFETCH;
import static io.shardgate.predictor.eval.LruBlockCache.Outcome.MISS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LruBlockCacheTest {

    @Test
    void aHandComputedSequence() {
        // capacity 3: 1 2 3 1 4 (evicts 2) 2 (miss, evicts 3) 1 (hit) 3 (miss, evicts 4)
        LruBlockCache c = new LruBlockCache(3);
        long[] seq = {1, 2, 3, 1, 4, 2, 1, 3};
        LruBlockCache.Outcome[] expected = {MISS, MISS, MISS, HIT, MISS, MISS, HIT, MISS};
        for (int i = 0; i < seq.length; i++) {
            assertEquals(expected[i], c.access(seq[i]), "access " + i + " of block " + seq[i]);
        }
        assertArrayEquals(new long[] {3, 1, 2}, c.blocksByRecency());
    }

    @Test
    void prefetchedBlocksCountOnceWhenUsedAndAsWastedWhenEvictedUnused() {
        LruBlockCache c = new LruBlockCache(2);
        assertTrue(c.prefetch(10));
        assertFalse(c.prefetch(10), "already cached: not issued again");
        assertEquals(HIT_ON_PREFETCH, c.access(10));
        assertEquals(HIT, c.access(10), "used once");
        assertTrue(c.prefetch(11));
        c.access(12); // evicts 10 (least recent is 10? order: 11, 10 -> 12 evicts 10)
        c.access(13); // evicts 11, never used
        assertEquals(1, c.evictedUnusedPrefetches());
    }

    /** An independent naive LRU: LinkedHashMap in access order. */
    static final class NaiveLru extends LinkedHashMap<Long, Boolean> {
        private static final long serialVersionUID = 1L;
        private final int capacity;

        NaiveLru(int capacity) {
            super(16, 0.75f, true);
            this.capacity = capacity;
        }

        boolean access(long block) {
            boolean hit = get(block) != null;
            if (!hit) {
                put(block, Boolean.TRUE);
            }
            return hit;
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > capacity;
        }
    }

    @Test
    void agreesWithANaiveLruOnRandomAccessesAndRemovals() {
        SplittableRandom r = new SplittableRandom(3);
        for (int capacity : new int[] {1, 7, 64, 1000}) {
            LruBlockCache fast = new LruBlockCache(capacity);
            NaiveLru naive = new NaiveLru(capacity);
            for (int i = 0; i < 200_000; i++) {
                long block = r.nextInt(capacity * 3);
                if (r.nextInt(10) == 0) {
                    assertEquals(naive.remove(block) != null, fast.remove(block));
                } else {
                    assertEquals(naive.access(block), fast.access(block) != MISS, "access " + i);
                }
            }
            assertEquals(naive.size(), fast.size());
        }
    }

    @Test
    void agreesWithANaiveLruOnTheCloudPhysicsTrace() throws IOException {
        LruBlockCache fast = new LruBlockCache(2000);
        NaiveLru naive = new NaiveLru(2000);
        long fastHits = 0;
        long naiveHits = 0;
        try (TraceReader t = TraceReaders.open(SharedTraces.file("cloudPhysicsIO.csv"))) {
            for (AccessRecord a = t.next(); a != null; a = t.next()) {
                for (long b = a.firstBlock(); b <= a.lastBlock(); b++) {
                    fastHits += fast.access(b) != MISS ? 1 : 0;
                    naiveHits += naive.access(b) ? 1 : 0;
                }
            }
        }
        assertEquals(naiveHits, fastHits);
        assertTrue(fastHits > 0);
    }
}
