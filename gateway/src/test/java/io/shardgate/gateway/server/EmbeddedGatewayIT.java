package io.shardgate.gateway.server;

import io.shardgate.gateway.testing.ClientTools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The product's main job end to end: an embedded gateway (64 KiB chunks, so I/O crosses chunks and shards), volumes
 * created over REST, real clients over NBD (qemu-io patterns, nbdcopy in and out, qemu-img compare, fio random
 * writes with crc32c verification), then a restart on the same data directory and everything read back.
 */
class EmbeddedGatewayIT {
    private static final Duration LIMIT = Duration.ofMinutes(3);

    @BeforeAll
    static void tools() {
        ClientTools.require("qemu-io", "qemu-utils");
        ClientTools.require("qemu-img", "qemu-utils");
        ClientTools.require("nbdcopy", "libnbd-bin");
        ClientTools.require("fio", "fio");
    }

    static String sha256(Path f) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(f)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static void createVolume(EmbeddedGateway g, String name, long size) throws Exception {
        HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + g.restPort() + "/v1/volumes"))
                .header("Authorization", "Bearer " + g.token())
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\",\"sizeBytes\":" + size
                        + ",\"iops\":20000,\"throughputMBps\":200,\"workload\":\"database\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode(), r.body());
    }

    static String[] fio(String url, boolean verifyOnly) {
        return new String[] {"fio", "--name=verify", "--ioengine=nbd", "--uri=" + url, "--rw=randwrite", "--bs=4k",
                "--iodepth=16", "--offset=96m", "--size=16m", "--verify=crc32c", "--verify_fatal=1",
                "--randseed=1234", verifyOnly ? "--verify_only=1" : "--do_verify=1"};
    }

    @Test
    void realClientsReadWhatTheyWroteAcrossARestart(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Path image = dir.resolve("image.raw");
        byte[] random = new byte[32 << 20];
        new Random(5).nextBytes(random);
        Files.write(image, random);
        String imageSum = sha256(image);

        try (EmbeddedGateway g = EmbeddedGatewayFixture.start(data)) {
            createVolume(g, "vol1", 128L << 20);
            createVolume(g, "img", 32L << 20);
            String vol1 = "nbd://127.0.0.1:" + g.nbdPort() + "/vol1";
            String img = "nbd://127.0.0.1:" + g.nbdPort() + "/img";
            // patterns crossing 64 KiB chunks and the 16 MiB shard boundary, unaligned too
            ClientTools.runOk(LIMIT, "qemu-io", "-f", "raw", "-c", "write -P 0xab 65000 200000",
                    "-c", "write -P 0xcd 16777000 1000", "-c", "write -P 0xef 80m 512", vol1);
            ClientTools.runOk(LIMIT, "qemu-io", "-f", "raw", "-c", "read -P 0xab 65000 200000",
                    "-c", "read -P 0xcd 16777000 1000", "-c", "read -P 0 0 65000", vol1);
            assertNotEquals(0, ClientTools.run(LIMIT, "qemu-io", "-f", "raw", "-c", "read -P 0x11 65000 512", vol1)
                    .exit(), "a wrong pattern must fail: the check can fail");
            HttpResponse<String> stats = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + g.restPort() + "/v1/volumes/vol1/stats"))
                    .header("Authorization", "Bearer " + g.token()).build(), HttpResponse.BodyHandlers.ofString());
            io.vertx.core.json.JsonObject counters = new io.vertx.core.json.JsonObject(stats.body());
            org.junit.jupiter.api.Assertions.assertTrue(counters.getLong("writeBytes") >= 201_000,
                    "the volume's counters saw the writes: " + stats.body());
            org.junit.jupiter.api.Assertions.assertTrue(counters.getLong("readOps") > 0, stats.body());
            // a random image in over 4 connections and out again
            ClientTools.runOk(LIMIT, "nbdcopy", "--connections=4", image.toString(), img);
            Path out = dir.resolve("out.raw");
            ClientTools.runOk(LIMIT, "nbdcopy", img, out.toString());
            assertEquals(imageSum, sha256(out));
            ClientTools.runOk(LIMIT, "qemu-img", "compare", "-f", "raw", "-F", "raw", image.toString(), img);
            ClientTools.runOk(LIMIT, fio(vol1, false));
        }

        try (EmbeddedGateway g = EmbeddedGatewayFixture.start(data)) { // new ports, same data directory
            String vol1 = "nbd://127.0.0.1:" + g.nbdPort() + "/vol1";
            String img = "nbd://127.0.0.1:" + g.nbdPort() + "/img";
            ClientTools.runOk(LIMIT, "qemu-io", "-f", "raw", "-c", "read -P 0xab 65000 200000",
                    "-c", "read -P 0xcd 16777000 1000", "-c", "read -P 0xef 80m 512", vol1);
            Path again = dir.resolve("again.raw");
            ClientTools.runOk(LIMIT, "nbdcopy", img, again.toString());
            assertEquals(imageSum, sha256(again), "the image survived the restart");
            ClientTools.runOk(LIMIT, fio(vol1, true)); // verifies the blocks fio wrote before the restart
        }
    }

    static HttpResponse<String> rest(EmbeddedGateway g, String method, String path, String body) throws Exception {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + g.restPort() + path))
                .header("Authorization", "Bearer " + g.token())
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String[] fioClone(String url, boolean verifyOnly) {
        return new String[] {"fio", "--name=clone", "--ioengine=nbd", "--uri=" + url, "--rw=randwrite", "--bs=4k",
                "--iodepth=16", "--offset=32m", "--size=16m", "--verify=crc32c", "--verify_fatal=1", "--randseed=77",
                verifyOnly ? "--verify_only=1" : "--do_verify=1"};
    }

    /** Snapshots, a volume from a snapshot, revert: written and read with qemu-io and fio over NBD. */
    @Test
    void snapshotsClonesAndRevertSeenByRealClients(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        try (EmbeddedGateway g = EmbeddedGatewayFixture.start(data)) {
            createVolume(g, "base", 64L << 20);
            String base = "nbd://127.0.0.1:" + g.nbdPort() + "/base";
            String clone = "nbd://127.0.0.1:" + g.nbdPort() + "/fromsnap";
            ClientTools.runOk(LIMIT, "qemu-io", "-f", "raw", "-c", "write -P 0x11 0 64m", base);
            assertEquals(201, rest(g, "POST", "/v1/volumes/base/snapshots", "{\"name\":\"s1\"}").statusCode());
            ClientTools.runOk(LIMIT, "qemu-io", "-f", "raw", "-c", "write -P 0x22 1000000 3000000", base);
            HttpResponse<String> created = rest(g, "POST", "/v1/volumes", "{\"name\":\"fromsnap\",\"sizeBytes\":"
                    + (64L << 20) + ",\"iops\":1000,\"source\":{\"volume\":\"base\",\"snapshot\":\"s1\"}}");
            assertEquals(201, created.statusCode(), created.body());
            ClientTools.runOk(LIMIT, "qemu-io", "-f", "raw", "-c", "read -P 0x11 0 64m", clone);
            ClientTools.runOk(LIMIT, "qemu-io", "-f", "raw", "-c", "read -P 0x11 0 1000000",
                    "-c", "read -P 0x22 1000000 3000000", "-c", "read -P 0x11 4000000 1000000", base);
            ClientTools.runOk(LIMIT, fioClone(clone, false));
            ClientTools.runOk(LIMIT, "qemu-io", "-f", "raw", "-c", "read -P 0x11 32m 16m", base);
            HttpResponse<String> busy = rest(g, "DELETE", "/v1/volumes/base", null);
            assertEquals(409, busy.statusCode(), "base has a snapshot: " + busy.body());
            assertEquals("in_use", new io.vertx.core.json.JsonObject(busy.body()).getString("error"));
            assertEquals(200, rest(g, "POST", "/v1/volumes/base/revert", "{\"snapshot\":\"s1\"}").statusCode());
            ClientTools.runOk(LIMIT, "qemu-io", "-f", "raw", "-c", "read -P 0x11 0 64m", base);
        }
        try (EmbeddedGateway g = EmbeddedGatewayFixture.start(data)) {
            String clone = "nbd://127.0.0.1:" + g.nbdPort() + "/fromsnap";
            ClientTools.runOk(LIMIT, "qemu-io", "-f", "raw", "-c", "read -P 0x11 0 32m", clone);
            ClientTools.runOk(LIMIT, fioClone(clone, true)); // the clone's own writes survived the restart
            assertEquals(204, rest(g, "DELETE", "/v1/volumes/base/snapshots/s1", null).statusCode());
            assertEquals(204, rest(g, "DELETE", "/v1/volumes/base", null).statusCode());
            ClientTools.runOk(LIMIT, "qemu-io", "-f", "raw", "-c", "read -P 0x11 0 32m", clone); // still there
            assertEquals(204, rest(g, "DELETE", "/v1/volumes/fromsnap", null).statusCode());
            try (var chunks = Files.list(data.resolve("store/chunks"))) {
                assertEquals(java.util.List.of(), chunks.filter(p -> {
                    try (var files = Files.list(p)) {
                        return files.findAny().isPresent();
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }).toList(), "every layer's chunks are gone");
            }
        }
    }
}
