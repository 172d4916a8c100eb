package io.shardgate.gateway.engine;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The emulated capacity's buckets: the waits they hand out, not wall-clock timing. */
class CapacityEmulatorTest {
    @Test
    void requestsBeyondTheBurstWaitTheirTurnAtTheIopsRate() {
        CapacityEmulator c = new CapacityEmulator(Vertx.vertx(), 1000, 1000);
        assertEquals(0, c.reserve(4096), "the first request runs at once");
        long last = 0;
        for (int i = 1; i < 100; i++) {
            last = c.reserve(4096);
        }
        // 100 operations at 1,000 IOPS take 100 ms; 5 ms of burst are allowed
        assertTrue(last > 85_000_000 && last < 100_000_000, "the 100th waits about 95 ms, waited " + last);
    }

    @Test
    void largeRequestsAreBoundByBandwidth() {
        CapacityEmulator c = new CapacityEmulator(Vertx.vertx(), 1_000_000, 10);
        c.reserve(1_000_000);
        long wait = c.reserve(1_000_000); // 10 MB/s: each MB is 100 ms
        assertTrue(wait > 180_000_000 && wait < 200_000_000, "waited " + wait);
        assertThrows(IllegalArgumentException.class, () -> new CapacityEmulator(Vertx.vertx(), 0, 1));
    }
}
