package io.shardgate.gateway.nbd;

import io.shardgate.gateway.testing.ClientTools;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardgate.gateway.io.MemoryBlockVolume;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.LongAdder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The NBD server against real clients: nbdinfo, qemu-io, qemu-img, nbdcopy and fio, over in-memory volumes
 * that complete off the event loop and out of order (like the real router).
 */
class NbdClientsIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final int MIB = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static NbdTestServer server;
    private static MemoryBlockVolume alpha;
    private static MemoryBlockVolume copy;
    private static MemoryBlockVolume img;
    private static MemoryBlockVolume fio;
    private static final Map<NbdMetrics.Op, LongAdder> REQUESTS = new EnumMap<>(NbdMetrics.Op.class);
    private static final LongAdder ERRORS = new LongAdder();

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        ClientTools.require("nbdinfo", "libnbd-bin");
        ClientTools.require("nbdcopy", "libnbd-bin");
        ClientTools.require("qemu-io", "qemu-utils");
        ClientTools.require("qemu-img", "qemu-utils");
        ClientTools.require("fio", "fio");
        for (NbdMetrics.Op op : NbdMetrics.Op.values()) {
            REQUESTS.put(op, new LongAdder());
        }
        server = new NbdTestServer();
        alpha = new MemoryBlockVolume("alpha", 16 * MIB, 4096);
        copy = new MemoryBlockVolume("copy", 64 * MIB, 4096);
        img = new MemoryBlockVolume("img", 32 * MIB, 512);
        fio = new MemoryBlockVolume("fio", 32 * MIB, 4096);
        server.add(server.async(alpha)).add(server.async(copy)).add(img).add(server.async(fio));
        server.start(new NbdServerOptions().setDefaultExport("alpha").setEventLoops(2).setMetrics(
                (volume, op, bytes, latencyNanos, errno) -> {
                    REQUESTS.get(op).increment();
                    if (errno != 0) {
                        ERRORS.increment();
                    }
                }));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static JsonNode onlyExport(String json) throws Exception {
        JsonNode exports = JSON.readTree(json).get("exports");
        assertEquals(1, exports.size(), json);
        return exports.get(0);
    }

    @Test
    void nbdinfoReportsSizeFlagsAndBlockSizes() throws Exception {
        JsonNode e = onlyExport(ClientTools.runOk(LIMIT, "nbdinfo", "--json", server.uri("img")).stdout());
        assertEquals(32L * MIB, e.get("export-size").asLong());
        for (String flag : List.of("can_flush", "can_fua", "can_trim", "can_zero", "can_multi_conn")) {
            assertTrue(e.get(flag).asBoolean(), flag + " in " + e);
        }
        assertFalse(e.get("is_read_only").asBoolean());
        assertEquals(1, e.get("block_size_minimum").asInt());
        assertEquals(512, e.get("block_size_preferred").asInt());
        assertEquals(NbdServerOptions.DEFAULT_MAX_PAYLOAD_BYTES, e.get("block_size_maximum").asInt());
        // The empty export name is the configured default export.
        JsonNode dflt = onlyExport(ClientTools.runOk(LIMIT, "nbdinfo", "--json",
                "nbd://127.0.0.1:" + server.port).stdout());
        assertEquals(16L * MIB, dflt.get("export-size").asLong());
        // An unknown export is refused.
        ClientTools.Result unknown = ClientTools.run(LIMIT, "nbdinfo", "--json", server.uri("nosuch"));
        assertNotEquals(0, unknown.exit(), unknown.all());
    }

    @Test
    void nbdinfoListsEveryExport() throws Exception {
        JsonNode exports = JSON.readTree(ClientTools.runOk(LIMIT, "nbdinfo", "--list", "--json",
                "nbd://127.0.0.1:" + server.port).stdout()).get("exports");
        List<String> names = new ArrayList<>();
        exports.forEach(x -> names.add(x.get("export-name").asText()));
        assertEquals(List.of("alpha", "copy", "fio", "img"), names.stream().sorted().toList());
    }

    @Test
    void qemuIoWritesAndVerifiesPatternsIncludingUnalignedIo() throws Exception {
        ClientTools.Result r = ClientTools.runOk(LIMIT, "qemu-io", "-f", "raw",
                "-c", "write -P 0xab 0 64k",
                "-c", "write -P 0x5c 1m 4k",
                "-c", "write -P 0x11 512 512",       // 512-byte I/O inside a 4 KiB block
                "-c", "write -P 0x22 70001 999",     // odd offset and length
                "-c", "read -P 0xab 0 512",
                "-c", "read -P 0x11 512 512",
                "-c", "read -P 0xab 1024 64512",
                "-c", "read -P 0 65536 4465",
                "-c", "read -P 0x22 70001 999",
                "-c", "read -P 0x5c 1m 4k",
                "-c", "read -P 0 71000 4096",
                server.uri("alpha"));
        assertFalse(r.all().contains("failed"), r.all());
        // The check has teeth: a wrong pattern is reported.
        ClientTools.Result wrong = ClientTools.run(LIMIT, "qemu-io", "-f", "raw", "-c", "read -P 0xac 0 64k",
                server.uri("alpha"));
        assertTrue(wrong.all().contains("Pattern verification failed"), wrong.all());
    }

    @Test
    void discardAndWriteZeroesReadBackAsZeroes() throws Exception {
        ClientTools.Result r = ClientTools.runOk(LIMIT, "qemu-io", "-f", "raw",
                "-c", "write -P 0x77 4m 2m",
                "-c", "discard 4m 512k",
                "-c", "write -z 5m 256k",
                "-c", "write -z -u 5632k 64k",       // write-zeroes allowed to unmap
                "-c", "read -P 0 4m 512k",
                "-c", "read -P 0x77 4608k 512k",
                "-c", "read -P 0 5m 256k",
                "-c", "read -P 0x77 5376k 256k",
                "-c", "read -P 0 5632k 64k",
                "-c", "read -P 0x77 5696k 320k",
                server.uri("alpha"));
        assertFalse(r.all().contains("failed"), r.all());
    }

    private Path randomFile(String name, int bytes, long seed) throws Exception {
        byte[] data = new byte[bytes];
        new Random(seed).nextBytes(data);
        return Files.write(tmp.resolve(name), data);
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest md = NbdTestServer.sha();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    @Test
    void nbdcopyInAndOutOverFourConnectionsKeepsTheData() throws Exception {
        Path in = randomFile("in.img", 64 * MIB, 42);
        Path out = tmp.resolve("out.img");
        ClientTools.runOk(LIMIT, "nbdcopy", "--connections=4", "--requests=16", in.toString(), server.uri("copy"));
        String expected = sha256(in);
        assertEquals(expected, NbdTestServer.sha256(copy), "volume content after nbdcopy in");
        ClientTools.runOk(LIMIT, "nbdcopy", "--connections=4", server.uri("copy"), out.toString());
        assertEquals(expected, sha256(out), "file copied out");
    }

    @Test
    void qemuImgConvertThenCompare() throws Exception {
        Path in = randomFile("src.img", 32 * MIB, 7);
        ClientTools.runOk(LIMIT, "qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", in.toString(),
                server.uri("img"));
        ClientTools.runOk(LIMIT, "qemu-img", "compare", "-f", "raw", "-F", "raw", in.toString(), server.uri("img"));
        assertEquals(sha256(in), NbdTestServer.sha256(img));
        // compare has teeth: one changed byte is a difference (exit 1).
        byte[] data = Files.readAllBytes(in);
        data[12345] ^= 1;
        Files.write(in, data);
        ClientTools.Result differs = ClientTools.run(LIMIT, "qemu-img", "compare", "-f", "raw", "-F", "raw",
                in.toString(), server.uri("img"));
        assertEquals(1, differs.exit(), differs.all());
    }

    @Test
    void fioRandomWritesVerifyWithCrc32c() throws Exception {
        long writesBefore = REQUESTS.get(NbdMetrics.Op.WRITE).sum();
        ClientTools.Result r = ClientTools.runOk(LIMIT, "fio", "--name=nbdverify", "--ioengine=nbd",
                "--uri=" + server.uri("fio"), "--rw=randwrite", "--bs=4k", "--iodepth=32", "--size=16m",
                "--verify=crc32c", "--do_verify=1", "--verify_fatal=1", "--output-format=json");
        String json = r.stdout().substring(r.stdout().indexOf('{'));
        JsonNode job = JSON.readTree(json).get("jobs").get(0);
        assertEquals(0, job.get("error").asInt(), json);
        assertEquals(16L * MIB, job.get("write").get("io_bytes").asLong());
        assertEquals(16L * MIB, job.get("read").get("io_bytes").asLong(), "verify phase read everything back");
        // The metrics hook saw the 4096 writes.
        assertTrue(REQUESTS.get(NbdMetrics.Op.WRITE).sum() - writesBefore >= 4096);
    }
}
