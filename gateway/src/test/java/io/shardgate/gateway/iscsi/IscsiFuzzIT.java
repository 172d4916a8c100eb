package io.shardgate.gateway.iscsi;

import io.shardgate.gateway.io.MemoryBlockVolume;
import io.shardgate.gateway.testing.ClientTools;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seeded malformed input, in the login phase (random bytes, random login headers and keys, oversized and truncated
 * PDUs) and in full-feature phase (unknown opcodes, random CDBs, out-of-range writes, Data-Out for unknown tasks,
 * out-of-order Data-Out of a pending write, corrupt header digests, oversized segments, SNACK, login requests,
 * garbage). No valid write is ever completed, so the volume's SHA-256 must not change; the server must keep
 * answering, and real clients must read the whole volume back afterwards.
 */
class IscsiFuzzIT {
    private static final long SEED = 20261125L;
    private static final int SESSIONS = 1500;
    private static final Duration BUDGET = Duration.ofSeconds(25);
    /** Opcodes that write, replaced by READ (10) in random CDBs so that nothing valid can change the data. */
    private static final int[] MUTATING = {0x0A, 0x2A, 0xAA, 0x8A, 0x2E, 0xAE, 0x8E, 0x41, 0x93, 0x42, 0x89};

    @TempDir
    Path dir;

    @Test
    void malformedPdusNeverCrashTheServerNorChangeData() throws Exception {
        ClientTools.require("qemu-img", "qemu-utils");
        ClientTools.require("iscsi-inq", "libiscsi-bin");
        Random random = new Random(SEED);
        MemoryBlockVolume volume = new MemoryBlockVolume("fuzz", 4 << 20, 4096);
        byte[] content = new byte[4 << 20];
        random.nextBytes(content);
        volume.write(0, Buffer.buffer(content), false);
        String before = IscsiTestTarget.sha256(volume);
        try (IscsiTestTarget target = new IscsiTestTarget().add(volume)) {
            target.start(new IscsiServerOptions().setEventLoops(2).setLoginTimeout(Duration.ofSeconds(2)));
            long deadline = System.nanoTime() + BUDGET.toNanos();
            int sessions = 0;
            int[] outcomes = new int[3]; // replies seen, closes seen, full-feature sessions
            while (sessions < SESSIONS && System.nanoTime() < deadline) {
                sessions++;
                try (RawIscsiClient c = new RawIscsiClient(target.port)) {
                    c.socket.setSoTimeout(3000);
                    if (random.nextInt(3) == 0) {
                        loginPhase(c, random, outcomes);
                    } else {
                        fullFeature(c, target.iqn("fuzz"), random, outcomes);
                    }
                }
            }
            assertTrue(sessions >= 100, "fuzzed only " + sessions + " sessions");
            assertTrue(outcomes[0] > 0 && outcomes[1] > 0 && outcomes[2] > 0, "every kind of outcome happened");
            assertEquals(before, IscsiTestTarget.sha256(volume), "malformed input changed stored data");
            // the server still serves real clients, and they read exactly the original content
            ClientTools.runOk(Duration.ofSeconds(30), "iscsi-inq", target.url("fuzz", null));
            Path out = dir.resolve("out.raw");
            ClientTools.runOk(Duration.ofSeconds(60), "qemu-img", "convert", "-f", "raw", "-O", "raw",
                    target.url("fuzz", null), out.toString());
            assertEquals(before, GatewayAccess.sha256(out, content.length));
        }
    }

    private static void loginPhase(RawIscsiClient c, Random random, int[] outcomes) throws IOException {
        switch (random.nextInt(4)) {
            case 0 -> {
                byte[] junk = new byte[1 + random.nextInt(300)];
                random.nextBytes(junk);
                c.sendRaw(junk);
            }
            case 1 -> {
                byte[] keys = RawIscsiClient.text("InitiatorName=iqn.x:" + random.nextInt(9),
                        random.nextBoolean() ? "TargetName=iqn.2026-11.io.shardgate:fuzz" : "SessionType=Discovery",
                        "AuthMethod=" + (random.nextBoolean() ? "None" : "CHAP,Bogus"), "K" + random.nextInt(99) + "=v");
                byte[] bhs = c.loginHeader(random.nextInt(256), keys.length);
                if (random.nextBoolean()) {
                    bhs[3] = (byte) random.nextInt(4); // version-min
                }
                c.sendPdu(bhs, keys);
            }
            case 2 -> c.sendPdu(c.loginHeader(0x87, 100_000), new byte[0]); // announces 100 KB of login text
            default -> c.sendRaw(new byte[] {0x43, (byte) 0x87, 0, 0, 0, 0}); // truncated header, then hang up
        }
        count(c, outcomes);
    }

    /** Counts what the server did with input it may answer, ignore (waiting for more) or close on; waits briefly. */
    private static void count(RawIscsiClient c, int[] outcomes) throws IOException {
        c.socket.setSoTimeout(150);
        RawIscsiClient.Reply r = c.read();
        if (r != null) {
            outcomes[0]++;
        }
        if (c.closedByServer()) {
            outcomes[1]++;
        }
        c.socket.setSoTimeout(3000);
    }

    private static void fullFeature(RawIscsiClient c, String iqn, Random random, int[] outcomes) throws IOException {
        assertEquals(0, c.login(iqn, random.nextBoolean()), "login");
        outcomes[2]++;
        for (int step = 0; step < 1 + random.nextInt(6) && !c.closed; step++) {
            switch (random.nextInt(10)) {
                case 0 -> { // unknown opcode: Reject, and the session goes on
                    byte[] bhs = new byte[48];
                    bhs[0] = (byte) (0x07 + random.nextInt(8));
                    ByteBuffer.wrap(bhs).putInt(16, c.itt++).putInt(24, c.cmdSN++);
                    c.sendPdu(bhs, null);
                    RawIscsiClient.Reply r = c.read();
                    assertNotNull(r, "an answer to an unknown opcode");
                    assertEquals(0x3F, r.opcode(), "Reject");
                    outcomes[0]++;
                }
                case 1, 2, 3 -> randomCommand(c, random, outcomes);
                case 4 -> { // WRITE (10) past the end with its data: CHECK CONDITION, nothing written
                    byte[] cdb = {0x2A, 0, 0, 0, (byte) 0x20, 0, 0, 0, 1, 0};
                    c.sendPdu(c.command(cdb, false, true, 512, 512), new byte[512]);
                    RawIscsiClient.Reply r = c.read();
                    assertNotNull(r);
                    assertEquals(0x21, r.opcode());
                    assertEquals(2, r.byteAt(3), "CHECK CONDITION");
                    outcomes[0]++;
                }
                case 5 -> { // Data-Out for a task that does not exist: dropped
                    byte[] bhs = new byte[48];
                    bhs[0] = 0x05;
                    bhs[1] = (byte) 0x80;
                    ByteBuffer.wrap(bhs).putInt(16, 0x7000_0000 + random.nextInt(1000)).putInt(20, -1);
                    bhs[7] = 4;
                    c.sendPdu(bhs, new byte[] {1, 2, 3, 4});
                }
                case 6 -> { // a write whose unsolicited Data-Out comes at the wrong offset: never executed
                    byte[] cdb = {0x2A, 0, 0, 0, 0, 8, 0, 0, 2, 0};
                    byte[] bhs = c.command(cdb, false, true, 1024, 512);
                    bhs[1] &= 0x7F; // more unsolicited data follows
                    byte[] fill = new byte[512];
                    java.util.Arrays.fill(fill, (byte) 0xEE);
                    c.sendPdu(bhs, fill);
                    byte[] data = new byte[48];
                    data[0] = 0x05;
                    data[1] = (byte) 0x80;
                    data[7] = 0x02; // 512 bytes
                    ByteBuffer.wrap(data).putInt(16, ByteBuffer.wrap(bhs).getInt(16)).putInt(20, -1)
                            .putInt(40, random.nextBoolean() ? 0 : 1024);
                    c.sendPdu(data, fill);
                    assertTrue(c.closedByServer(), "out-of-order Data-Out closes the connection");
                    outcomes[1]++;
                }
                case 7 -> { // corrupt header digest, or (without digests) a segment above the limit
                    byte[] bhs = c.command(new byte[] {0x00, 0, 0, 0, 0, 0}, false, false, 0, 0);
                    if (c.headerDigest) {
                        byte[] broken = RawIscsiClient.crc(bhs);
                        broken[random.nextInt(4)] ^= 1;
                        c.sendRaw(concat(bhs, broken));
                    } else {
                        bhs[5] = 0x10; // 1 MiB announced
                        c.sendRaw(bhs);
                    }
                    assertTrue(c.closedByServer(), "framing errors close the connection");
                    outcomes[1]++;
                }
                case 8 -> { // SNACK (rejected at error recovery level 0) or a login request (closes)
                    byte[] bhs = random.nextBoolean() ? new byte[48] : c.loginHeader(0x87, 0);
                    if (bhs[0] == 0) {
                        bhs[0] = 0x10;
                    }
                    c.sendPdu(bhs, null);
                    count(c, outcomes);
                    return; // the session may be closed or still fine: end it here
                }
                default -> { // garbage
                    byte[] junk = new byte[48 + random.nextInt(200)];
                    random.nextBytes(junk);
                    junk[0] = (byte) (junk[0] & 0x3F | 0x20); // never a valid initiator opcode... mostly
                    c.sendRaw(junk);
                    count(c, outcomes);
                    return; // the server may be waiting for the rest of a "PDU": end the session here
                }
            }
        }
    }

    private static void randomCommand(RawIscsiClient c, Random random, int[] outcomes) throws IOException {
        byte[] cdb = new byte[16];
        random.nextBytes(cdb);
        for (int m : MUTATING) {
            if ((cdb[0] & 0xFF) == m) {
                cdb[0] = 0x28;
            }
        }
        int expected = random.nextInt(4) == 0 ? 0 : random.nextInt(65536);
        c.sendPdu(c.command(cdb, true, false, expected, 0), null);
        while (true) {
            RawIscsiClient.Reply r = c.read();
            assertNotNull(r, "an answer to CDB opcode 0x" + Integer.toHexString(cdb[0] & 0xFF));
            if (r.opcode() == 0x21 || (r.opcode() == 0x25 && (r.byteAt(1) & 1) != 0)) {
                outcomes[0]++;
                return;
            }
            assertEquals(0x25, r.opcode(), "only Data-In before the status");
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
