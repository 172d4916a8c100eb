package io.shardgate.gateway.iscsi;

import io.shardgate.gateway.io.MemoryBlockVolume;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The iSCSI target against a hand-driven initiator, for the flows stock initiators rarely exercise: R2T-only writes
 * in small bursts with multi-PDU Data-Out, unsolicited data then R2T, multi-PDU Data-In, ABORT TASK of a write
 * waiting for data (nothing written), NOP ping, SendTargets in a normal session, logout, unit attention on every
 * session after a LUN reset, commands outside the CmdSN window ignored.
 */
class IscsiProtocolIT {
    private static IscsiTestTarget target;
    private static MemoryBlockVolume volume;
    private static String iqn;

    @BeforeAll
    static void start() throws Exception {
        volume = new MemoryBlockVolume("proto", 8 << 20, 4096);
        target = new IscsiTestTarget().add(volume).start(new IscsiServerOptions().setEventLoops(2));
        iqn = target.iqn("proto");
    }

    @AfterAll
    static void stop() throws Exception {
        target.close();
    }

    private static byte[] stored(long offset, int length) throws Exception {
        return volume.read(offset, length).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS)
                .getBytes();
    }

    private static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    private static byte[] write10(int lba, int blocks) {
        return new byte[] {0x2A, 0, (byte) (lba >>> 24), (byte) (lba >>> 16), (byte) (lba >>> 8), (byte) lba, 0,
                (byte) (blocks >>> 8), (byte) blocks, 0};
    }

    private static byte[] dataOut(int itt, int ttt, int dataSN, int offset, int length, boolean last) {
        ByteBuffer b = ByteBuffer.allocate(48);
        b.put(0, (byte) 0x05).put(1, (byte) (last ? 0x80 : 0));
        b.put(5, (byte) (length >>> 16)).put(6, (byte) (length >>> 8)).put(7, (byte) length);
        b.putInt(16, itt).putInt(20, ttt).putInt(36, dataSN).putInt(40, offset);
        return b.array();
    }

    private static int ittOf(byte[] bhs) {
        return ByteBuffer.wrap(bhs).getInt(16);
    }

    private static RawIscsiClient.Reply expect(RawIscsiClient c, int opcode) throws IOException {
        RawIscsiClient.Reply r = c.read();
        assertNotNull(r, "expected opcode 0x" + Integer.toHexString(opcode));
        assertEquals(opcode, r.opcode(), "opcode");
        return r;
    }

    /** Answers R2Ts until the SCSI response, sending each burst as Data-Out PDUs of {@code pduBytes}. */
    private static RawIscsiClient.Reply serveR2Ts(RawIscsiClient c, int itt, byte[] data, int pduBytes,
                                                  int[] r2tOffsets) throws IOException {
        int n = 0;
        while (true) {
            RawIscsiClient.Reply r = c.read();
            assertNotNull(r);
            if (r.opcode() == 0x21) {
                assertEquals(r2tOffsets.length, n, "R2T count");
                return r;
            }
            assertEquals(0x31, r.opcode(), "R2T");
            assertEquals(n, r.intAt(36), "R2TSN");
            int offset = r.intAt(40);
            int length = r.intAt(44);
            assertEquals(r2tOffsets[n++], offset);
            int dataSN = 0;
            for (int at = offset; at < offset + length; at += pduBytes) {
                int len = Math.min(pduBytes, offset + length - at);
                c.sendPdu(dataOut(itt, r.intAt(20), dataSN++, at, len, at + len == offset + length),
                        Arrays.copyOfRange(data, at, at + len));
            }
        }
    }

    private static byte[] readBack(RawIscsiClient c, int lba, int blocks, int maxSegment) throws IOException {
        byte[] cdb = {0x28, 0, 0, 0, (byte) (lba >>> 8), (byte) lba, 0, 0, (byte) blocks, 0};
        c.sendPdu(c.command(cdb, true, false, blocks * 512, 0), null);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        int pdus = 0;
        while (true) {
            RawIscsiClient.Reply r = expect(c, 0x25);
            assertTrue(r.data().length <= maxSegment, "Data-In within the initiator's MaxRecvDataSegmentLength");
            assertEquals(got.size(), r.intAt(40), "buffer offset");
            assertEquals(pdus++, r.intAt(36), "DataSN");
            got.writeBytes(r.data());
            if ((r.byteAt(1) & 1) != 0) {
                assertEquals(0, r.byteAt(3), "GOOD");
                return got.toByteArray();
            }
        }
    }

    @Test
    void r2tOnlyWritesInSmallBurstsAndMultiPduDataIn() throws Exception {
        try (RawIscsiClient c = new RawIscsiClient(target.port)) {
            assertEquals(0, c.login(iqn, "InitialR2T=Yes", "ImmediateData=No", "MaxBurstLength=4096",
                    "FirstBurstLength=4096", "MaxRecvDataSegmentLength=4096"));
            byte[] data = pattern(16384, 3);
            byte[] cmd = c.command(write10(100, 32), false, true, data.length, 0);
            c.sendPdu(cmd, null);
            RawIscsiClient.Reply done = serveR2Ts(c, ittOf(cmd), data, 2048, new int[] {0, 4096, 8192, 12288});
            assertEquals(0, done.byteAt(3), "GOOD");
            assertArrayEquals(data, stored(100 * 512L, data.length));
            assertArrayEquals(data, readBack(c, 100, 32, 4096));
        }
    }

    @Test
    void immediateAndUnsolicitedDataThenR2T() throws Exception {
        try (RawIscsiClient c = new RawIscsiClient(target.port)) {
            assertEquals(0, c.login(iqn, "InitialR2T=No", "ImmediateData=Yes", "MaxBurstLength=8192",
                    "FirstBurstLength=8192"));
            byte[] data = pattern(24576, 9);
            byte[] cmd = c.command(write10(300, 48), false, true, data.length, 4096);
            cmd[1] &= 0x7F; // unsolicited Data-Out follows
            c.sendPdu(cmd, Arrays.copyOfRange(data, 0, 4096));
            c.sendPdu(dataOut(ittOf(cmd), -1, 0, 4096, 4096, true), Arrays.copyOfRange(data, 4096, 8192));
            RawIscsiClient.Reply done = serveR2Ts(c, ittOf(cmd), data, 8192, new int[] {8192, 16384});
            assertEquals(0, done.byteAt(3));
            assertArrayEquals(data, stored(300 * 512L, data.length));
        }
    }

    @Test
    void abortingAWriteWaitingForDataWritesNothing() throws Exception {
        byte[] before = stored(600 * 512L, 8192);
        try (RawIscsiClient c = new RawIscsiClient(target.port)) {
            assertEquals(0, c.login(iqn, "InitialR2T=Yes", "ImmediateData=No"));
            byte[] cmd = c.command(write10(600, 16), false, true, 8192, 0);
            c.sendPdu(cmd, null);
            RawIscsiClient.Reply r2t = expect(c, 0x31);
            ByteBuffer tmf = ByteBuffer.allocate(48);
            tmf.put(0, (byte) 0x42).put(1, (byte) 0x81); // immediate ABORT TASK
            tmf.putInt(16, c.itt++).putInt(20, ittOf(cmd)).putInt(24, c.cmdSN).putInt(32, ByteBuffer.wrap(cmd).getInt(24));
            c.sendPdu(tmf.array(), null);
            RawIscsiClient.Reply answer = expect(c, 0x22);
            assertEquals(0, answer.byteAt(2), "function complete");
            // late data for the aborted task is dropped; the session goes on
            c.sendPdu(dataOut(ittOf(cmd), r2t.intAt(20), 0, 0, 8192, true), pattern(8192, 1));
            c.sendPdu(c.command(new byte[6], false, false, 0, 0), null);
            assertEquals(0, expect(c, 0x21).byteAt(3), "TEST UNIT READY after the abort");
        }
        assertArrayEquals(before, stored(600 * 512L, 8192), "an aborted write changes nothing");
    }

    @Test
    void nopSendTargetsAndLogout() throws Exception {
        try (RawIscsiClient c = new RawIscsiClient(target.port)) {
            assertEquals(0, c.login(iqn, false));
            ByteBuffer nop = ByteBuffer.allocate(48);
            nop.put(0, (byte) 0x40).put(1, (byte) 0x80).put(7, (byte) 4).putInt(16, 77).putInt(20, -1)
                    .putInt(24, c.cmdSN);
            c.sendPdu(nop.array(), new byte[] {'p', 'i', 'n', 'g'});
            RawIscsiClient.Reply pong = expect(c, 0x20);
            assertEquals(77, pong.intAt(16));
            assertEquals("ping", new String(pong.data()));

            byte[] text = RawIscsiClient.text("SendTargets=");
            ByteBuffer req = ByteBuffer.allocate(48);
            req.put(0, (byte) 0x04).put(1, (byte) 0x80).put(7, (byte) text.length).putInt(16, c.itt++).putInt(20, -1)
                    .putInt(24, c.cmdSN++);
            c.sendPdu(req.array(), text);
            String targets = new String(expect(c, 0x24).data()).replace('\0', '\n');
            assertTrue(targets.startsWith("TargetName=" + iqn + "\nTargetAddress=127.0.0.1:" + target.port + ",1"),
                    targets);

            ByteBuffer logout = ByteBuffer.allocate(48);
            logout.put(0, (byte) 0x46).put(1, (byte) 0x80).putInt(16, c.itt++).putInt(24, c.cmdSN);
            c.sendPdu(logout.array(), null);
            assertEquals(0, expect(c, 0x26).byteAt(2), "logout accepted");
            assertTrue(c.closedByServer(), "connection closed after logout");
        }
    }

    @Test
    void lunResetRaisesAUnitAttentionOnEverySession() throws Exception {
        try (RawIscsiClient a = new RawIscsiClient(target.port); RawIscsiClient b = new RawIscsiClient(target.port)) {
            assertEquals(0, a.login(iqn, false));
            assertEquals(0, b.login(iqn, true));
            ByteBuffer reset = ByteBuffer.allocate(48);
            reset.put(0, (byte) 0x42).put(1, (byte) 0x85).putInt(16, a.itt++).putInt(20, -1).putInt(24, a.cmdSN);
            a.sendPdu(reset.array(), null);
            assertEquals(0, expect(a, 0x22).byteAt(2));
            for (RawIscsiClient c : new RawIscsiClient[] {b, a}) {
                c.sendPdu(c.command(new byte[6], false, false, 0, 0), null);
                RawIscsiClient.Reply ua = expect(c, 0x21);
                assertEquals(2, ua.byteAt(3), "CHECK CONDITION");
                assertEquals(6, ua.data()[2 + 2] & 0x0F, "UNIT ATTENTION");
                assertEquals(0x29, ua.data()[2 + 12] & 0xFF, "reset occurred");
                c.sendPdu(c.command(new byte[6], false, false, 0, 0), null);
                assertEquals(0, expect(c, 0x21).byteAt(3), "reported once");
            }
        }
    }

    @Test
    void commandsOutsideTheWindowAreIgnored() throws Exception {
        try (RawIscsiClient c = new RawIscsiClient(target.port)) {
            assertEquals(0, c.login(iqn, false));
            byte[] ahead = c.command(new byte[6], false, false, 0, 0);
            ByteBuffer.wrap(ahead).putInt(24, c.cmdSN + 1000);
            c.sendPdu(ahead, null);
            c.socket.setSoTimeout(500);
            assertNull(c.read(), "no answer to a CmdSN beyond MaxCmdSN");
            c.socket.setSoTimeout(5000);
            c.cmdSN--; // the ignored command did not use up its number
            c.sendPdu(c.command(new byte[6], false, false, 0, 0), null);
            RawIscsiClient.Reply ok = expect(c, 0x21);
            assertEquals(0, ok.byteAt(3));
            assertEquals(c.cmdSN, ok.intAt(28), "ExpCmdSN moved on by one");
        }
    }

    @Test
    void lifecycleSecondStartFailsStopClosesConnections() throws Exception {
        IscsiTestTarget other = new IscsiTestTarget().add(volume).start(new IscsiServerOptions().setEventLoops(3));
        try (RawIscsiClient c = new RawIscsiClient(other.port)) {
            assertEquals(0, c.login(iqn, false));
            // (a second server in the same Vert.x would share the listening socket: use another instance)
            io.vertx.core.Vertx elsewhere = io.vertx.core.Vertx.vertx();
            try {
                IscsiServer again = new IscsiServer(elsewhere, other, new IscsiServerOptions().setPort(other.port));
                assertTrue(again.start().toCompletionStage().toCompletableFuture().handle((p, e) -> e != null).get(),
                        "the port is taken");
            } finally {
                elsewhere.close().toCompletionStage().toCompletableFuture().get();
            }
            other.close();
            assertTrue(c.closedByServer(), "stop() closes open sessions");
        }
        try (java.net.ServerSocket free = new java.net.ServerSocket()) {
            free.bind(new java.net.InetSocketAddress("127.0.0.1", other.port));
            assertEquals(other.port, free.getLocalPort(), "the port is free again");
        }
    }
}
