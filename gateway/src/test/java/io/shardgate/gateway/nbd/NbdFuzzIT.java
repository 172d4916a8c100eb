package io.shardgate.gateway.nbd;

import io.shardgate.gateway.testing.ClientTools;
import io.shardgate.gateway.io.MemoryBlockVolume;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;

import static io.shardgate.gateway.nbd.NbdProtocol.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Thousands of malformed handshakes and requests from raw sockets (seeded, bounded in count and time).
 * The fuzz phase never sends a valid write, so the volume must come out unchanged; each invalid request
 * must get the error the protocol asks for; and a real client must still be served afterwards.
 */
class NbdFuzzIT {
    private static final long SEED = 20261125L;
    private static final int SIZE = 4 << 20;
    private static final int MAX_PAYLOAD = 64 << 10;
    private static final int HANDSHAKES = 4000;
    private static final int SESSIONS = 1500;
    private static final long TIME_BUDGET_NANOS = Duration.ofSeconds(25).toNanos();

    private static NbdTestServer server;
    private static MemoryBlockVolume volume;
    private static byte[] content;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        ClientTools.require("nbdcopy", "libnbd-bin");
        server = new NbdTestServer();
        volume = new MemoryBlockVolume("fuzz", SIZE, 4096);
        content = new byte[SIZE];
        new Random(SEED).nextBytes(content);
        volume.write(0, Buffer.buffer(content), false);
        server.add(server.async(volume));
        server.start(new NbdServerOptions().setMaxPayloadBytes(MAX_PAYLOAD).setMaxInFlight(16)
                .setHandshakeTimeout(Duration.ofMillis(500)).setEventLoops(2));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void malformedTrafficChangesNothingAndTheServerKeepsServing() throws Exception {
        String before = NbdTestServer.sha256(volume);
        Random rnd = new Random(SEED);
        long deadline = System.nanoTime() + TIME_BUDGET_NANOS;
        int handshakes = 0;
        int requests = 0;
        for (int i = 0; i < HANDSHAKES && System.nanoTime() < deadline; i++) {
            fuzzHandshake(rnd);
            handshakes++;
        }
        for (int i = 0; i < SESSIONS && System.nanoTime() < deadline; i++) {
            requests += fuzzSession(rnd);
        }
        System.out.println("NbdFuzzIT: " + handshakes + " malformed handshakes, " + requests
                + " invalid or checked requests in " + (System.nanoTime() - deadline + TIME_BUDGET_NANOS) / 1_000_000 + " ms");
        assertTrue(handshakes >= 300 && requests >= 1000,
                "fuzzed too little within the time budget: " + handshakes + " handshakes, " + requests + " requests");

        assertEquals(before, NbdTestServer.sha256(volume), "the volume changed under malformed traffic");
        // A fresh real client is still served, with the right data (this nbdcopy ignores the advertised
        // maximum block size, so its request size is set to it).
        Path out = tmp.resolve("fuzz.img");
        ClientTools.runOk(Duration.ofSeconds(60), "nbdcopy", "--request-size=65536", server.uri("fuzz"), out.toString());
        MessageDigest md = NbdTestServer.sha();
        assertEquals(before, HexFormat.of().formatHex(md.digest(Files.readAllBytes(out))));
    }

    private static byte[] bytes(Random rnd, int max) {
        byte[] b = new byte[rnd.nextInt(max + 1)];
        rnd.nextBytes(b);
        return b;
    }

    /** One malformed or truncated handshake. Expected replies are checked where the protocol fixes them. */
    private void fuzzHandshake(Random rnd) throws IOException {
        int kind = rnd.nextInt(8);
        try (RawNbdClient c = new RawNbdClient(server.port)) {
            if (kind == 0) { // random bytes before even reading the greeting
                c.out.write(bytes(rnd, 200));
                c.flush();
                return;
            }
            c.readGreeting();
            switch (kind) {
                case 1 -> { // valid flags, then random bytes
                    c.clientFlags(CLIENT_FLAG_FIXED_NEWSTYLE);
                    c.out.write(bytes(rnd, 300));
                    c.flush();
                }
                case 2 -> { // client flags with an unknown bit: the server must close
                    c.clientFlags(rnd.nextInt() | 4);
                    assertTrue(c.closedByServer(2000), "unknown client flags must close");
                }
                case 3 -> { // an unknown option with data: ERR_UNSUP, and haggling goes on
                    c.clientFlags(CLIENT_FLAG_FIXED_NEWSTYLE | CLIENT_FLAG_NO_ZEROES);
                    int option = 11 + rnd.nextInt(1 << 20);
                    c.option(option, bytes(rnd, 64));
                    RawNbdClient.OptionReply r = c.readOptionReply();
                    assertEquals(option, r.option());
                    assertEquals(REP_ERR_UNSUP, r.type());
                    c.option(OPT_ABORT, new byte[0]);
                    assertEquals(REP_ACK, c.readOptionReply().type());
                }
                case 4 -> { // INFO/GO with inconsistent lengths inside: ERR_INVALID, or ERR_UNKNOWN for a bad name
                    c.clientFlags(CLIENT_FLAG_FIXED_NEWSTYLE | CLIENT_FLAG_NO_ZEROES);
                    byte[] data = RawNbdClient.goData("fuzz", INFO_BLOCK_SIZE, INFO_NAME);
                    int cut = rnd.nextInt(data.length);
                    byte[] broken = rnd.nextBoolean() ? Arrays.copyOf(data, cut) : Arrays.copyOf(data, data.length + 1 + cut);
                    c.option(rnd.nextBoolean() ? OPT_GO : OPT_INFO, broken);
                    int type = c.readOptionReply().type();
                    assertTrue(type == REP_ERR_INVALID || type == REP_ERR_UNKNOWN, "reply " + type);
                }
                case 5 -> { // an option claiming a huge length, then hang up
                    c.clientFlags(CLIENT_FLAG_FIXED_NEWSTYLE);
                    c.out.writeLong(IHAVEOPT);
                    c.out.writeInt(rnd.nextInt(12));
                    c.out.writeInt(0x40000000 + rnd.nextInt(1 << 20));
                    c.out.write(bytes(rnd, 1000));
                    c.flush();
                }
                case 6 -> { // truncated client flags or option header
                    byte[] prefix = {0, 0, 0, 1, 0x49, 0x48, 0x41, 0x56, 0x45, 0x4f, 0x50, 0x54, 0, 0, 0, 7};
                    c.out.write(prefix, 0, 1 + rnd.nextInt(prefix.length - 1));
                    c.flush();
                }
                default -> { // random bytes where the option magic should be: the server closes
                    c.clientFlags(CLIENT_FLAG_FIXED_NEWSTYLE);
                    byte[] junk = bytes(rnd, 40);
                    byte[] header = new byte[16];
                    rnd.nextBytes(header);
                    header[0] = 0x13; // never "IHAVEOPT"
                    c.out.write(header);
                    c.out.write(junk);
                    c.flush();
                    assertTrue(c.closedByServer(2000), "bad option magic must close");
                }
            }
        }
    }

    private static long outOfRangeOffset(Random rnd, int length) {
        return switch (rnd.nextInt(3)) {
            case 0 -> SIZE - length + 1 + rnd.nextInt(length + 4096);          // crosses or passes the end
            case 1 -> Long.MAX_VALUE - rnd.nextInt(1000);                       // offset + length overflows
            default -> Long.MIN_VALUE + rnd.nextInt(1 << 20);                   // above 2^63 unsigned
        };
    }

    /** One session in transmission: a burst of invalid (and harmless valid READ) requests, then a bad end. */
    private int fuzzSession(Random rnd) throws IOException {
        boolean structured = rnd.nextBoolean();
        try (RawNbdClient c = new RawNbdClient(server.port)) {
            assertEquals(SIZE, c.handshake("fuzz", structured));
            int count = 1 + rnd.nextInt(20);
            Map<Long, Integer> expected = new HashMap<>();
            Map<Long, long[]> reads = new HashMap<>();
            for (int i = 0; i < count; i++) {
                long handle = rnd.nextLong();
                int length = 1 + rnd.nextInt(8192);
                switch (rnd.nextInt(8)) {
                    case 0 -> {
                        c.request(0, CMD_READ, handle, outOfRangeOffset(rnd, length), length, null);
                        expected.put(handle, EINVAL);
                    }
                    case 1 -> {
                        c.request(CMD_FLAG_FUA, CMD_WRITE, handle, outOfRangeOffset(rnd, length), length,
                                bytes(rnd, 0).length == 0 ? new byte[length] : null);
                        expected.put(handle, ENOSPC);
                    }
                    case 2 -> {
                        int type = rnd.nextBoolean() ? CMD_TRIM : CMD_WRITE_ZEROES;
                        c.request(0, type, handle, outOfRangeOffset(rnd, length), length, null);
                        expected.put(handle, ENOSPC);
                    }
                    case 3 -> { // flags outside every command's allowed set; a WRITE's payload is still consumed
                        int type = new int[]{CMD_READ, CMD_WRITE, CMD_TRIM, CMD_WRITE_ZEROES}[rnd.nextInt(4)];
                        int flags = (1 << (5 + rnd.nextInt(11))) | rnd.nextInt(4);
                        c.request(flags, type, handle, rnd.nextInt(SIZE - length), length,
                                type == CMD_WRITE ? bytes(rnd, 0).length == 0 ? randomPayload(rnd, length) : null : null);
                        expected.put(handle, EINVAL);
                    }
                    case 4 -> { // unknown or unsupported command (CACHE, BLOCK_STATUS, RESIZE, ...)
                        int type = rnd.nextBoolean() ? 5 + 2 * rnd.nextInt(2) : 7 + rnd.nextInt(65000);
                        c.request(rnd.nextInt(4), type, handle, rnd.nextLong(), rnd.nextInt(), null);
                        expected.put(handle, EINVAL);
                    }
                    case 5 -> { // zero length
                        int type = new int[]{CMD_READ, CMD_WRITE, CMD_TRIM, CMD_WRITE_ZEROES}[rnd.nextInt(4)];
                        c.request(0, type, handle, rnd.nextInt(SIZE), 0, null);
                        expected.put(handle, EINVAL);
                    }
                    case 6 -> { // READ above the maximum payload
                        c.request(0, CMD_READ, handle, 0, MAX_PAYLOAD + 1 + rnd.nextInt(Integer.MAX_VALUE - MAX_PAYLOAD),
                                null);
                        expected.put(handle, structured ? EOVERFLOW : EINVAL);
                    }
                    default -> { // a valid READ, checked against the known content
                        int offset = rnd.nextInt(SIZE - length);
                        c.request(0, CMD_READ, handle, offset, length, null);
                        expected.put(handle, 0);
                        reads.put(handle, new long[]{offset, length});
                    }
                }
            }
            c.flush();
            for (int i = 0; i < count; i++) {
                RawNbdClient.Reply r = c.readReply();
                Integer want = expected.remove(r.handle());
                assertTrue(want != null, "reply for an unknown or repeated handle");
                assertEquals(want.intValue(), r.errno(), "errno for handle " + r.handle());
                if (want == 0) {
                    long[] read = reads.get(r.handle());
                    byte[] data = structured ? r.data() : c.readPayload((int) read[1]);
                    assertArrayEquals(Arrays.copyOfRange(content, (int) read[0], (int) (read[0] + read[1])), data);
                }
            }
            endBadly(c, rnd, structured);
            return count;
        }
    }

    private static byte[] randomPayload(Random rnd, int length) {
        byte[] b = new byte[length];
        rnd.nextBytes(b);
        return b;
    }

    private static void endBadly(RawNbdClient c, Random rnd, boolean structured) throws IOException {
        switch (rnd.nextInt(6)) {
            case 0 -> {
                c.request(0, CMD_DISC, 0, 0, 0, null);
                c.flush();
                assertTrue(c.closedByServer(2000), "DISC must close");
            }
            case 1 -> { // bad magic, possibly a valid-looking WRITE behind it
                c.out.writeInt(REQUEST_MAGIC ^ (1 << rnd.nextInt(32)));
                c.out.writeShort(0);
                c.out.writeShort(CMD_WRITE);
                c.out.writeLong(1);
                c.out.writeLong(0);
                c.out.writeInt(512);
                c.out.write(new byte[512]);
                c.flush();
                assertTrue(c.closedByServer(2000), "bad request magic must close");
            }
            case 2 -> { // truncated header, then hang up
                c.out.writeInt(REQUEST_MAGIC);
                c.out.write(bytes(rnd, 20));
                c.flush();
            }
            case 3 -> { // WRITE above the maximum payload: error, then close
                long handle = rnd.nextLong();
                c.request(0, CMD_WRITE, handle, 0, MAX_PAYLOAD + 1 + rnd.nextInt(1 << 20), null);
                c.out.write(new byte[1000]);
                c.flush();
                RawNbdClient.Reply r = c.readReply();
                assertEquals(handle, r.handle());
                assertEquals(structured ? EOVERFLOW : EINVAL, r.errno());
                assertTrue(c.closedByServer(2000), "oversized WRITE must close");
            }
            case 4 -> { // garbage that does not start with the request magic
                byte[] junk = bytes(rnd, 500);
                if (junk.length >= 4) {
                    junk[0] = 0x00;
                }
                c.out.write(junk);
                c.flush();
                if (junk.length >= 28) {
                    assertTrue(c.closedByServer(2000), "garbage header must close");
                }
            }
            default -> {
                // just hang up with nothing pending
            }
        }
        assertNotEquals(null, c);
    }
}
