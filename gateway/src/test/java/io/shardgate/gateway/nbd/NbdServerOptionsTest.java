package io.shardgate.gateway.nbd;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NbdServerOptionsTest {

    @Test
    void defaults() {
        NbdServerOptions o = new NbdServerOptions();
        assertEquals("127.0.0.1", o.getHost());
        assertEquals(10809, o.getPort());
        assertEquals(32 << 20, o.getMaxPayloadBytes());
        assertEquals(64, o.getMaxInFlight());
        assertEquals(Duration.ofSeconds(10), o.getHandshakeTimeout());
        assertNull(o.getDefaultExport());
        assertSame(NbdMetrics.NONE, o.getMetrics());
        assertTrue(o.getEventLoops() >= 1);
    }

    private static void rejects(String key, Runnable setter) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, setter::run);
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }

    @Test
    void invalidValuesAreRejectedNamingTheSetting() {
        NbdServerOptions o = new NbdServerOptions();
        rejects("nbd.host", () -> o.setHost(" "));
        rejects("nbd.port", () -> o.setPort(-1));
        rejects("nbd.port", () -> o.setPort(65536));
        rejects("nbd.maxPayloadBytes", () -> o.setMaxPayloadBytes(1000));
        rejects("nbd.maxPayloadBytes", () -> o.setMaxPayloadBytes(3 << 20));
        rejects("nbd.maxPayloadBytes", () -> o.setMaxPayloadBytes(512 << 20));
        rejects("nbd.maxInFlight", () -> o.setMaxInFlight(0));
        rejects("nbd.maxInFlight", () -> o.setMaxInFlight(5000));
        rejects("nbd.handshakeTimeout", () -> o.setHandshakeTimeout(Duration.ofMillis(10)));
        rejects("nbd.handshakeTimeout", () -> o.setHandshakeTimeout(Duration.ofHours(1)));
        rejects("nbd.defaultExport", () -> o.setDefaultExport(""));
        rejects("nbd.eventLoops", () -> o.setEventLoops(0));
        assertThrows(NullPointerException.class, () -> o.setMetrics(null));
        // Nothing changed by the refused values.
        assertEquals(new NbdServerOptions().getMaxPayloadBytes(), o.getMaxPayloadBytes());
    }

    @Test
    void copyIsIndependent() {
        NbdServerOptions o = new NbdServerOptions().setPort(0).setDefaultExport("v").setMaxInFlight(8);
        NbdServerOptions copy = new NbdServerOptions(o);
        o.setMaxInFlight(9);
        assertEquals(8, copy.getMaxInFlight());
        assertEquals("v", copy.getDefaultExport());
        assertEquals(0, copy.getPort());
    }
}
