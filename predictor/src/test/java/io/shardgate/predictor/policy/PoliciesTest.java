package io.shardgate.predictor.policy;

import io.shardgate.predictor.trace.AccessRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PoliciesTest {

    static List<Long> asked(PrefetchPolicy p, AccessRecord a) {
        List<Long> out = new ArrayList<>();
        p.onAccess(a, out::add);
        return out;
    }

    static AccessRecord read(long offset, int length) {
        return new AccessRecord(-1, 0, offset, length, false);
    }

    @Test
    void readaheadAsksForTheNextBlocks() {
        assertEquals(List.of(3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), asked(new Readahead(8), read(4096, 8192)));
    }

    @Test
    void rbdStartsAfterTenSequentialRequestsAndStopsAfterFiftyMebibytes() {
        RbdReadahead rbd = new RbdReadahead();
        long offset = 0;
        for (int i = 0; i < 10; i++) {
            assertTrue(asked(rbd, read(offset, 4096)).isEmpty(), "request " + i + " is before the trigger");
            offset += 4096;
        }
        List<Long> first = asked(rbd, read(offset, 4096));
        assertEquals(128, first.size(), "512 KiB of readahead");
        offset += 4096;
        while (offset < (50L << 20)) {
            rbd.onAccess(read(offset, 1 << 20), b -> { });
            offset += 1 << 20;
        }
        assertTrue(asked(rbd, read(offset, 1 << 20)).isEmpty(), "off after 50 MiB read");
    }

    @Test
    void linuxGrowsItsWindowOnSequentialReadsAndResetsOnRandomOnes() {
        LinuxReadahead l = new LinuxReadahead();
        assertTrue(asked(l, read(0, 4096)).isEmpty(), "the first read is not known to be sequential");
        assertEquals(4, asked(l, read(4096, 4096)).size());
        List<Long> second = asked(l, read(8192, 4096));
        assertEquals(List.of(6L, 7L, 8L, 9L, 10L), second, "window 8 ahead of block 2, blocks 2-5 already asked");
        assertTrue(asked(l, read(1 << 30, 4096)).isEmpty(), "a random read resets");
    }

    @Test
    void strideNeedsTwoEqualGaps() {
        StridePrefetch s = new StridePrefetch();
        assertTrue(asked(s, read(0, 4096)).isEmpty());
        assertTrue(asked(s, read(10 * 4096, 4096)).isEmpty());
        assertEquals(List.of(30L, 40L, 50L, 60L), asked(s, read(20 * 4096, 4096)));
    }

    @Test
    void markovReplaysWhatFollowedLastTime() {
        MarkovPrefetch m = new MarkovPrefetch();
        m.onAccess(read(100 * 4096, 4096), b -> { });
        m.onAccess(read(7 * 4096, 8192), b -> { });
        m.onAccess(read(55 * 4096, 4096), b -> { });
        assertEquals(List.of(7L, 8L, 55L), asked(m, read(100 * 4096, 4096)), "100 -> 7,8 -> 55");
    }

    @Test
    void unknownNamesAndLstmWithoutAModelAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Policies.create("magic", null));
        assertThrows(IllegalArgumentException.class, () -> Policies.create("lstm", null));
        for (String name : Policies.NAMES) {
            if (!name.equals("lstm")) {
                assertDoesNotThrowCreate(name);
            }
        }
    }

    private static void assertDoesNotThrowCreate(String name) {
        try {
            assertEquals(name, Policies.create(name, null).name());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
