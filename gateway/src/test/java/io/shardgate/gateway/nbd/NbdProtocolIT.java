package io.shardgate.gateway.nbd;

import io.shardgate.gateway.io.MemoryBlockVolume;
import io.shardgate.gateway.io.VolumeIoException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.shardgate.gateway.nbd.NbdProtocol.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Byte-level protocol behaviour: option replies, error values, closing rules, pipelining, back-pressure. */
class NbdProtocolIT {
    private static final int SIZE = 1 << 20;
    private static final int MAX_PAYLOAD = 64 << 10;
    private static final int MAX_IN_FLIGHT = 4;

    private static NbdTestServer server;
    private static MemoryBlockVolume mem;
    private static byte[] memContent;
    private static TestVolumes.Gated gated;

    @BeforeAll
    static void start() throws Exception {
        server = new NbdTestServer();
        mem = new MemoryBlockVolume("mem", SIZE, 4096);
        memContent = new byte[SIZE];
        new Random(1).nextBytes(memContent);
        mem.write(0, io.vertx.core.buffer.Buffer.buffer(memContent), false);
        gated = new TestVolumes.Gated(new MemoryBlockVolume("gated", SIZE, 4096));
        server.add(server.async(mem)).add(gated).add(new TestVolumes.Failing("failing"));
        server.start(new NbdServerOptions().setMaxPayloadBytes(MAX_PAYLOAD).setMaxInFlight(MAX_IN_FLIGHT)
                .setHandshakeTimeout(Duration.ofMillis(500)).setEventLoops(2));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static RawNbdClient client() throws Exception {
        return new RawNbdClient(server.port);
    }

    @Test
    void optionHaggling() throws Exception {
        try (RawNbdClient c = client()) {
            c.readGreeting();
            c.clientFlags(CLIENT_FLAG_FIXED_NEWSTYLE | CLIENT_FLAG_NO_ZEROES);
            c.option(99, new byte[]{1, 2, 3});
            assertEquals(REP_ERR_UNSUP, c.readOptionReply().type(), "unknown option");
            c.option(OPT_STARTTLS, new byte[0]);
            assertEquals(REP_ERR_UNSUP, c.readOptionReply().type(), "no TLS");
            c.option(OPT_LIST, new byte[]{0});
            assertEquals(REP_ERR_INVALID, c.readOptionReply().type(), "LIST takes no data");
            c.option(OPT_STRUCTURED_REPLY, new byte[]{0});
            assertEquals(REP_ERR_INVALID, c.readOptionReply().type(), "STRUCTURED_REPLY takes no data");
            c.option(OPT_LIST, new byte[0]);
            List<String> names = new ArrayList<>();
            for (RawNbdClient.OptionReply r = c.readOptionReply(); r.type() != REP_ACK; r = c.readOptionReply()) {
                assertEquals(REP_SERVER, r.type());
                ByteBuffer b = ByteBuffer.wrap(r.data());
                int n = b.getInt();
                names.add(new String(r.data(), 4, n, StandardCharsets.UTF_8));
            }
            assertEquals(List.of("failing", "gated", "mem"), names);
            c.option(OPT_INFO, RawNbdClient.goData("nosuch"));
            RawNbdClient.OptionReply unknown = c.readOptionReply();
            assertEquals(REP_ERR_UNKNOWN, unknown.type());
            assertTrue(new String(unknown.data(), StandardCharsets.UTF_8).contains("nosuch"));
            byte[] bad = RawNbdClient.goData("mem", INFO_BLOCK_SIZE);
            c.option(OPT_INFO, Arrays.copyOf(bad, bad.length - 1));
            assertEquals(REP_ERR_INVALID, c.readOptionReply().type(), "info request count does not match length");
            c.option(OPT_INFO, RawNbdClient.goData("mem", INFO_NAME, INFO_DESCRIPTION, INFO_BLOCK_SIZE));
            Map<Integer, byte[]> infos = new HashMap<>();
            for (RawNbdClient.OptionReply r = c.readOptionReply(); r.type() != REP_ACK; r = c.readOptionReply()) {
                assertEquals(REP_INFO, r.type());
                infos.put((int) ByteBuffer.wrap(r.data()).getShort(), Arrays.copyOfRange(r.data(), 2, r.data().length));
            }
            ByteBuffer export = ByteBuffer.wrap(infos.get(INFO_EXPORT));
            assertEquals(SIZE, export.getLong());
            int flags = export.getShort() & 0xffff;
            int expected = TFLAG_HAS_FLAGS | TFLAG_SEND_FLUSH | TFLAG_SEND_FUA | TFLAG_SEND_TRIM
                    | TFLAG_SEND_WRITE_ZEROES | TFLAG_CAN_MULTI_CONN;
            assertEquals(expected, flags, "no DF without structured replies");
            assertEquals("mem", new String(infos.get(INFO_NAME), StandardCharsets.UTF_8));
            assertTrue(infos.containsKey(INFO_DESCRIPTION));
            ByteBuffer sizes = ByteBuffer.wrap(infos.get(INFO_BLOCK_SIZE));
            assertEquals(1, sizes.getInt());
            assertEquals(4096, sizes.getInt());
            assertEquals(MAX_PAYLOAD, sizes.getInt());
            // Still haggling after INFO: ABORT is acknowledged, then the server closes.
            c.option(OPT_ABORT, new byte[0]);
            assertEquals(REP_ACK, c.readOptionReply().type());
            assertTrue(c.closedByServer(2000));
        }
    }

    @Test
    void exportNameOption() throws Exception {
        try (RawNbdClient c = client()) {
            c.readGreeting();
            c.clientFlags(CLIENT_FLAG_FIXED_NEWSTYLE); // zeroes wanted
            c.option(OPT_EXPORT_NAME, "mem".getBytes(StandardCharsets.UTF_8));
            assertEquals(SIZE, c.in.readLong());
            assertEquals(TFLAG_HAS_FLAGS, c.in.readUnsignedShort() & TFLAG_HAS_FLAGS);
            byte[] zeroes = c.readPayload(124);
            assertArrayEquals(new byte[124], zeroes);
            c.request(0, CMD_READ, 5, 4096, 16, null);
            c.flush();
            RawNbdClient.Reply r = c.readReply();
            assertEquals(5, r.handle());
            assertEquals(0, r.errno());
            assertArrayEquals(Arrays.copyOfRange(memContent, 4096, 4112), c.readPayload(16));
        }
        try (RawNbdClient c = client()) {
            c.readGreeting();
            c.clientFlags(CLIENT_FLAG_FIXED_NEWSTYLE);
            c.option(OPT_EXPORT_NAME, "nosuch".getBytes(StandardCharsets.UTF_8));
            assertTrue(c.closedByServer(2000), "unknown export with EXPORT_NAME closes");
        }
    }

    @Test
    void handshakeViolationsAndStallsClose() throws Exception {
        try (RawNbdClient c = client()) {
            c.readGreeting();
            c.clientFlags(1 << 5);
            assertTrue(c.closedByServer(2000), "unknown client flag");
        }
        try (RawNbdClient c = client()) {
            c.readGreeting();
            c.clientFlags(CLIENT_FLAG_FIXED_NEWSTYLE);
            c.out.writeLong(0x1234567812345678L);
            c.out.writeLong(0);
            c.flush();
            assertTrue(c.closedByServer(2000), "bad option magic");
        }
        long start = System.nanoTime();
        try (RawNbdClient c = client()) {
            c.readGreeting();
            assertTrue(c.closedByServer(5000), "stalled handshake times out");
        }
        assertTrue(System.nanoTime() - start < 4_000_000_000L);
    }

    @Test
    void requestErrors() throws Exception {
        for (boolean structured : new boolean[]{false, true}) {
            try (RawNbdClient c = client()) {
                assertEquals(SIZE, c.handshake("mem", structured));
                byte[] payload = new byte[4096];
                c.request(0, CMD_READ, 1, SIZE - 100, 4096, null);          // past the end
                c.request(0, CMD_WRITE, 2, SIZE, 4096, payload);            // write past the end
                c.request(0, CMD_READ, 3, -4096L, 8192, null);              // offset beyond 2^63
                c.request(0, CMD_TRIM, 4, Long.MAX_VALUE, -1, null);        // offset + length overflows
                c.request(1 << 9, CMD_READ, 5, 0, 4096, null);              // unknown flag
                c.request(0, 42, 6, 0, 0, null);                            // unknown command
                c.request(0, CMD_READ, 7, 0, 0, null);                      // zero length
                c.request(0, CMD_READ, 8, 0, MAX_PAYLOAD + 1, null);        // READ above the maximum
                c.request(CMD_FLAG_NO_HOLE, CMD_WRITE, 9, 0, 4096, payload); // NO_HOLE only for WRITE_ZEROES
                c.request(0, CMD_READ, 10, 8192, 4096, null);               // a good one, after all that
                c.flush();
                Map<Long, RawNbdClient.Reply> replies = new HashMap<>();
                for (int i = 0; i < 10; i++) {
                    RawNbdClient.Reply r = c.readReply();
                    if (!structured && r.errno() == 0) {
                        r = new RawNbdClient.Reply(r.handle(), 0, c.readPayload(4096));
                    }
                    replies.put(r.handle(), r);
                }
                assertEquals(EINVAL, replies.get(1L).errno());
                assertEquals(ENOSPC, replies.get(2L).errno());
                assertEquals(EINVAL, replies.get(3L).errno());
                assertEquals(ENOSPC, replies.get(4L).errno());
                assertEquals(EINVAL, replies.get(5L).errno());
                assertEquals(EINVAL, replies.get(6L).errno());
                assertEquals(EINVAL, replies.get(7L).errno());
                assertEquals(structured ? EOVERFLOW : EINVAL, replies.get(8L).errno());
                assertEquals(EINVAL, replies.get(9L).errno());
                assertEquals(0, replies.get(10L).errno());
                assertArrayEquals(Arrays.copyOfRange(memContent, 8192, 12288), replies.get(10L).data());
                // A WRITE above the maximum payload: an error, then the connection closes.
                c.request(0, CMD_WRITE, 11, 0, MAX_PAYLOAD + 4096, null);
                c.flush();
                RawNbdClient.Reply tooBig = c.readReply();
                assertEquals(11, tooBig.handle());
                assertEquals(structured ? EOVERFLOW : EINVAL, tooBig.errno());
                assertTrue(c.closedByServer(2000));
            }
        }
        byte[] now = mem.read(0, SIZE).toCompletionStage().toCompletableFuture().get().getBytes();
        assertArrayEquals(memContent, now, "no invalid request changed the volume");
    }

    @Test
    void badRequestMagicCloses() throws Exception {
        try (RawNbdClient c = client()) {
            c.handshake("mem", true);
            c.out.writeInt(0x25609514);
            c.out.write(new byte[24]);
            c.flush();
            assertTrue(c.closedByServer(2000));
        }
    }

    @Test
    void volumeFailuresMapToErrnos() throws Exception {
        try (RawNbdClient c = client()) {
            c.handshake("failing", true);
            Map<VolumeIoException.Kind, Integer> readErr = Map.of(VolumeIoException.Kind.OUT_OF_RANGE, EINVAL,
                    VolumeIoException.Kind.INVALID, EINVAL, VolumeIoException.Kind.IO_ERROR, EIO,
                    VolumeIoException.Kind.NO_SPACE, ENOSPC, VolumeIoException.Kind.NOT_PERMITTED, EPERM);
            long h = 0;
            for (VolumeIoException.Kind k : VolumeIoException.Kind.values()) {
                c.request(0, CMD_READ, h, TestVolumes.Failing.offsetOf(k), 512, null);
                c.flush();
                RawNbdClient.Reply r = c.readReply();
                assertEquals(readErr.get(k), r.errno(), k.name());
                c.request(0, CMD_WRITE, h, TestVolumes.Failing.offsetOf(k), 512, new byte[512]);
                c.flush();
                int expected = k == VolumeIoException.Kind.OUT_OF_RANGE ? ENOSPC : readErr.get(k);
                assertEquals(expected, c.readReply().errno(), "write " + k.name());
                h++;
            }
            c.request(0, CMD_READ, 99, TestVolumes.Failing.PLAIN_EXCEPTION_OFFSET, 512, null);
            c.flush();
            assertEquals(EIO, c.readReply().errno());
        }
    }

    @Test
    void pipelinedRequestsCompleteOutOfOrder() throws Exception {
        try (RawNbdClient c = client()) {
            c.handshake("mem", true);
            int n = 200;
            Random rnd = new Random(3);
            long[] offsets = new long[n];
            for (int i = 0; i < n; i++) {
                offsets[i] = rnd.nextInt(SIZE - 4096);
                c.request(0, CMD_READ, 1000 + i, offsets[i], 1 + rnd.nextInt(4096), null);
            }
            c.flush();
            List<Long> order = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                RawNbdClient.Reply r = c.readReply();
                int idx = (int) (r.handle() - 1000);
                assertEquals(0, r.errno());
                int off = (int) offsets[idx];
                assertArrayEquals(Arrays.copyOfRange(memContent, off, off + r.data().length), r.data());
                order.add(r.handle());
            }
            assertEquals(n, order.stream().distinct().count(), "every handle answered once");
            assertNotEquals(order.stream().sorted().toList(), order, "replies came back out of order");
        }
    }

    @Test
    void inFlightRequestsAreBounded() throws Exception {
        try (RawNbdClient c = client()) {
            c.handshake("gated", false);
            for (int i = 0; i < 20; i++) {
                c.request(0, CMD_READ, i, i * 4096L, 4096, null);
            }
            c.flush();
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (gated.held() < MAX_IN_FLIGHT && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            Thread.sleep(200);
            assertEquals(MAX_IN_FLIGHT, gated.held(), "the server stops at maxInFlight");
            int answered = 0;
            deadline = System.nanoTime() + 10_000_000_000L;
            while (answered < 20 && System.nanoTime() < deadline) {
                gated.release();
                if (c.in.available() > 0) {
                    RawNbdClient.Reply r = c.readReply();
                    assertEquals(0, r.errno());
                    c.readPayload(4096);
                    answered++;
                } else {
                    Thread.sleep(5);
                }
            }
            assertEquals(20, answered);
            assertEquals(MAX_IN_FLIGHT, gated.maxHeld());
            c.request(0, CMD_DISC, 0, 0, 0, null);
            c.flush();
            assertTrue(c.closedByServer(2000), "DISC closes");
        }
    }

    /** Sends {@code bytes} 7 at a time, so headers and payloads arrive split across socket reads. */
    private static void dribble(RawNbdClient c, byte[] bytes) throws Exception {
        for (int i = 0; i < bytes.length; i += 7) {
            c.out.write(bytes, i, Math.min(7, bytes.length - i));
            c.flush();
        }
    }

    @Test
    void splitHeadersAndPayloadsAreReassembled() throws Exception {
        try (RawNbdClient c = client()) {
            c.handshake("mem", false);
            byte[] data = new byte[3000];
            new Random(9).nextBytes(data);
            ByteBuffer write = ByteBuffer.allocate(28 + 3000);
            write.putInt(REQUEST_MAGIC).putShort((short) CMD_FLAG_FUA).putShort((short) CMD_WRITE).putLong(77)
                    .putLong(SIZE - 3000).putInt(3000).put(data);
            dribble(c, write.array());
            // The READ goes only after the WRITE's reply: overlapping requests in flight may complete in
            // any order (as on a disk), and this volume completes them out of order on purpose.
            RawNbdClient.Reply w = c.readReply();
            assertEquals(77, w.handle());
            assertEquals(0, w.errno());
            System.arraycopy(data, 0, memContent, SIZE - 3000, 3000); // the expected content from now on
            ByteBuffer read = ByteBuffer.allocate(28);
            read.putInt(REQUEST_MAGIC).putShort((short) 0).putShort((short) CMD_READ).putLong(78)
                    .putLong(SIZE - 3000).putInt(3000);
            dribble(c, read.array());
            RawNbdClient.Reply r = c.readReply();
            assertEquals(78, r.handle());
            assertArrayEquals(data, c.readPayload(3000));
        }
        assertFalse(Arrays.equals(new byte[3000], Arrays.copyOfRange(memContent, SIZE - 3000, SIZE)));
    }
}
