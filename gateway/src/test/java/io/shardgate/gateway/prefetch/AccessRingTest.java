package io.shardgate.gateway.prefetch;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccessRingTest {
    @Test
    void accessesComeOutInOrderAndWhole() {
        AccessRing ring = new AccessRing(8);
        for (int i = 0; i < 5; i++) {
            ring.offer(null, i * 4096L, 4096, i % 2 == 0, i == 3, i);
        }
        AccessRing.Access a = new AccessRing.Access();
        for (int i = 0; i < 5; i++) {
            assertTrue(ring.poll(a));
            assertEquals(i * 4096L, a.offset);
            assertEquals(i % 2 == 0, a.write);
            assertEquals(i == 3, a.ramHit);
        }
        assertFalse(ring.poll(a), "empty");
        assertEquals(0, ring.lost());
    }

    @Test
    void aConsumerThatFallsBehindLosesTheOldestAndCountsThem() {
        AccessRing ring = new AccessRing(8);
        for (int i = 0; i < 20; i++) {
            ring.offer(null, i, 1, false, false, i);
        }
        AccessRing.Access a = new AccessRing.Access();
        List<Long> got = new ArrayList<>();
        while (ring.poll(a)) {
            got.add(a.offset);
        }
        assertEquals(20, got.size() + ring.lost(), "every access is either delivered or counted lost");
        assertEquals(List.of(12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L), got, "the newest survive");
    }

    @Test
    void manyProducersOneConsumerNeverSeeATornAccess() throws Exception {
        AccessRing ring = new AccessRing(1 << 10);
        List<Thread> producers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            long base = t * 1_000_000L;
            producers.add(new Thread(() -> {
                for (int i = 0; i < 50_000; i++) {
                    ring.offer(null, base + i, base + i, false, false, base + i); // the fields must agree
                }
            }));
        }
        producers.forEach(Thread::start);
        AccessRing.Access a = new AccessRing.Access();
        long delivered = 0;
        boolean producing = true;
        while (producing) {
            producing = producers.stream().anyMatch(Thread::isAlive); // read before draining: nothing is missed
            while (ring.poll(a)) {
                assertEquals(a.offset, a.length, "one access's fields, never two mixed");
                assertEquals(a.offset, a.nanos);
                delivered++;
            }
        }
        for (Thread p : producers) {
            p.join();
        }
        assertEquals(200_000, delivered + ring.lost());
    }
}
