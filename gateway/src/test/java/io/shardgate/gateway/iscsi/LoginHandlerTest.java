package io.shardgate.gateway.iscsi;

import io.shardgate.gateway.io.BlockVolume;
import io.shardgate.gateway.io.MemoryBlockVolume;
import io.shardgate.gateway.io.VolumeResolver;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoginHandlerTest {
    private static final String IQN = IscsiServerOptions.DEFAULT_IQN_PREFIX + "vol";
    private static final BlockVolume VOL = new MemoryBlockVolume("vol", 1 << 20, 4096);
    private static final VolumeResolver RESOLVER = new VolumeResolver() {
        @Override
        public BlockVolume open(String name) {
            return name.equals("vol") ? VOL : null;
        }

        @Override
        public List<String> names() {
            return List.of("vol");
        }
    };

    private final MemoryIscsiAuth auth = new MemoryIscsiAuth();
    private final LoginHandler login = new LoginHandler(new IscsiServerOptions().setAuth(auth), RESOLVER);

    /** A login request: T bit, CSG, NSG, and keys. */
    private static Pdu request(boolean transit, int csg, int nsg, String... keys) {
        Buffer bhs = Buffer.buffer(new byte[48]);
        bhs.setByte(0, (byte) 0x43);
        bhs.setByte(1, (byte) ((transit ? 0x80 : 0) | csg << 2 | nsg));
        bhs.setByte(8, (byte) 0x80);
        StringBuilder text = new StringBuilder();
        for (String k : keys) {
            text.append(k).append('\0');
        }
        Buffer data = Buffer.buffer(text.toString());
        bhs.setMedium(5, data.length());
        return new Pdu(bhs, null, data, false);
    }

    private static byte[] md5(int id, String secret, byte[] challenge) throws Exception {
        MessageDigest md = MessageDigest.getInstance("MD5");
        md.update((byte) id);
        md.update(secret.getBytes(StandardCharsets.UTF_8));
        return md.digest(challenge);
    }

    @Test
    void operationalNegotiation() {
        LoginHandler.Reply r = login.onRequest(request(true, 1, 3, "InitiatorName=iqn.i", "TargetName=" + IQN,
                "SessionType=Normal", "HeaderDigest=CRC32C,None", "DataDigest=None", "MaxRecvDataSegmentLength=65536",
                "MaxBurstLength=16776192", "FirstBurstLength=16776192", "InitialR2T=No", "ImmediateData=Yes",
                "MaxOutstandingR2T=8", "ErrorRecoveryLevel=2", "MaxConnections=4", "X-com.example.Key=1",
                "DefaultTime2Wait=0"));
        assertEquals(0, r.status);
        assertTrue(r.complete && r.transit);
        var k = r.keys.asMap();
        assertEquals("CRC32C", k.get("HeaderDigest"));
        assertEquals("None", k.get("DataDigest"));
        assertEquals("1048576", k.get("MaxBurstLength"));
        assertEquals("262144", k.get("FirstBurstLength"));
        assertEquals("No", k.get("InitialR2T"));
        assertEquals("1", k.get("MaxOutstandingR2T"));
        assertEquals("0", k.get("ErrorRecoveryLevel"));
        assertEquals("1", k.get("MaxConnections"));
        assertEquals("2", k.get("DefaultTime2Wait"));
        assertEquals("NotUnderstood", k.get("X-com.example.Key"));
        assertEquals("262144", k.get("MaxRecvDataSegmentLength"), "our own declaration");
        assertEquals("1", k.get("TargetPortalGroupTag"));
        assertEquals(65536, login.parameters().initiatorMaxRecvDataSegment);
        assertTrue(login.parameters().headerDigest);
        assertFalse(login.parameters().initialR2T);
        assertEquals(VOL, login.volume());
    }

    @Test
    void refusals() {
        assertEquals(0x0203, new LoginHandler(new IscsiServerOptions(), RESOLVER).onRequest(request(true, 1, 3,
                "InitiatorName=iqn.i", "TargetName=" + IQN + "x")).status, "unknown target");
        assertEquals(0x0207, new LoginHandler(new IscsiServerOptions(), RESOLVER).onRequest(request(true, 1, 3,
                "TargetName=" + IQN)).status, "no initiator name");
        assertEquals(0x020B, new LoginHandler(new IscsiServerOptions(), RESOLVER).onRequest(request(true, 1, 0,
                "InitiatorName=iqn.i", "TargetName=" + IQN)).status, "transit backwards");
        auth.setVolume("vol", IscsiAuth.Credentials.oneWay("u", "twelve-bytes!"));
        assertEquals(0x0201, login.onRequest(request(true, 1, 3, "InitiatorName=iqn.i", "TargetName=" + IQN)).status,
                "a protected target cannot be entered without the security stage");
        assertEquals("Reject", new LoginHandler(new IscsiServerOptions(), RESOLVER).onRequest(request(false, 1, 0,
                "InitiatorName=iqn.i", "TargetName=" + IQN, "MaxBurstLength=12")).keys.get("MaxBurstLength"));
    }

    @Test
    void mutualChap() throws Exception {
        auth.setVolume("vol", new IscsiAuth.Credentials("alice", "initiator-secret", "target", "the-target-secret"));
        LoginHandler.Reply r = login.onRequest(request(true, 0, 1, "InitiatorName=iqn.i", "TargetName=" + IQN,
                "AuthMethod=CHAP,None"));
        assertEquals("CHAP", r.keys.get("AuthMethod"));
        assertFalse(r.transit, "no transit before CHAP is done");
        r = login.onRequest(request(false, 0, 0, "CHAP_A=7,5"));
        assertEquals("5", r.keys.get("CHAP_A"));
        int id = Integer.parseInt(r.keys.get("CHAP_I"));
        byte[] challenge = HexFormat.of().parseHex(r.keys.get("CHAP_C").substring(2));
        assertEquals(16, challenge.length);
        byte[] mine = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6};
        r = login.onRequest(request(true, 0, 1, "CHAP_N=alice",
                "CHAP_R=0x" + HexFormat.of().formatHex(md5(id, "initiator-secret", challenge)), "CHAP_I=77",
                "CHAP_C=0x" + HexFormat.of().formatHex(mine)));
        assertEquals(0, r.status);
        assertTrue(r.transit);
        assertEquals("target", r.keys.get("CHAP_N"));
        assertEquals("0x" + HexFormat.of().formatHex(md5(77, "the-target-secret", mine)), r.keys.get("CHAP_R"));
        r = login.onRequest(request(true, 1, 3, "MaxBurstLength=65536"));
        assertTrue(r.complete);
    }

    @Test
    void wrongChapResponseIsRefused() throws Exception {
        auth.setVolume("vol", IscsiAuth.Credentials.oneWay("alice", "initiator-secret"));
        login.onRequest(request(true, 0, 1, "InitiatorName=iqn.i", "TargetName=" + IQN, "AuthMethod=CHAP"));
        LoginHandler.Reply r = login.onRequest(request(false, 0, 0, "CHAP_A=5"));
        int id = Integer.parseInt(r.keys.get("CHAP_I"));
        byte[] challenge = HexFormat.of().parseHex(r.keys.get("CHAP_C").substring(2));
        r = login.onRequest(request(true, 0, 1, "CHAP_N=alice",
                "CHAP_R=0x" + HexFormat.of().formatHex(md5(id, "initiator-secreT", challenge))));
        assertEquals(0x0201, r.status);
        assertTrue(r.keys.isEmpty(), "nothing else is said to a failed login");
        // one-way CHAP asked to prove the target without target credentials: refused
        LoginHandler other = new LoginHandler(new IscsiServerOptions().setAuth(auth), RESOLVER);
        other.onRequest(request(true, 0, 1, "InitiatorName=iqn.i", "TargetName=" + IQN, "AuthMethod=CHAP"));
        r = other.onRequest(request(false, 0, 0, "CHAP_A=5"));
        id = Integer.parseInt(r.keys.get("CHAP_I"));
        challenge = HexFormat.of().parseHex(r.keys.get("CHAP_C").substring(2));
        r = other.onRequest(request(true, 0, 1, "CHAP_N=alice",
                "CHAP_R=0x" + HexFormat.of().formatHex(md5(id, "initiator-secret", challenge)), "CHAP_I=1",
                "CHAP_C=0x0102030405060708"));
        assertNotEquals(0, r.status);
    }
}
