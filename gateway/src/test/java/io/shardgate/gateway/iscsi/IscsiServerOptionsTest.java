package io.shardgate.gateway.iscsi;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IscsiServerOptionsTest {

    @Test
    void defaults() {
        IscsiServerOptions o = new IscsiServerOptions();
        assertEquals(3260, o.getPort());
        assertEquals("127.0.0.1", o.getHost());
        assertEquals(1 << 20, o.getMaxBurstLength());
        assertEquals(256 << 10, o.getFirstBurstLength());
        assertEquals(64, o.getCommandWindow());
        assertEquals(IscsiAuth.NONE, o.getAuth());
        assertEquals("iqn.2026-11.io.shardgate:vol1", o.targetName("vol1"));
    }

    @Test
    void settersValidateAndNameTheSetting() {
        IscsiServerOptions o = new IscsiServerOptions();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> o.setPort(70000)).getMessage()
                .startsWith("iscsi.port"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> o.setMaxBurstLength(100)).getMessage()
                .startsWith("iscsi.max-burst-length"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> o.setIqnPrefix("eui.1234")).getMessage()
                .startsWith("iscsi.iqn-prefix"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> o.setLoginTimeout(Duration.ofMillis(5)))
                .getMessage().startsWith("iscsi.login-timeout"));
        assertThrows(IllegalArgumentException.class, () -> IscsiAuth.Credentials.oneWay("u", "short"));
        assertThrows(IllegalArgumentException.class, () -> new IscsiAuth.Credentials("u", "same-secret-12", "t",
                "same-secret-12"));
        assertEquals("Credentials[user=u, mutual=false]", IscsiAuth.Credentials.oneWay("u", "long-enough-1").toString());
    }

    @Test
    void theServerKeepsACopy() {
        IscsiServerOptions o = new IscsiServerOptions().setPort(1234);
        IscsiServerOptions copy = new IscsiServerOptions(o);
        o.setPort(4321);
        assertEquals(1234, copy.getPort());
    }
}
