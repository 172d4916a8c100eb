package io.shardgate.gateway.server;

import io.shardgate.gateway.testing.ClientTools;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three gateway servers in one spine (each with its own Vert.x and Hazelcast member, sharing one durable store),
 * one volume sharded over all three: real clients write through one server's NBD front end and read through
 * another's; then every server stops, all start again, and the same data is read back.
 */
class ClusterIT {
    private static final Duration LIMIT = Duration.ofMinutes(3);

    @TempDir
    Path dir;

    static int freePort() throws IOException {
        return EmbeddedGatewayFixture.freePort();
    }

    private List<EmbeddedGateway> startCluster(int[] hzPorts) throws Exception {
        return EmbeddedGatewayFixture.startCluster(dir, hzPorts, 0, o -> o);
    }

    static HttpResponse<String> rest(EmbeddedGateway g, String method, String path, String body) throws Exception {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.restPort() + path))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + g.token())
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Keeps the image-sized head of a copy of the whole volume. */
    static void truncate(Path file, long size) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    static String nbd(EmbeddedGateway g, String volume) {
        return "nbd://127.0.0.1:" + g.nbdPort() + "/" + volume;
    }

    @Test
    void oneVolumeOverThreeServersServedByAnyOfThem() throws Exception {
        ClientTools.require("qemu-io", "qemu-utils");
        ClientTools.require("nbdcopy", "libnbd-bin");
        ClientTools.require("fio", "fio");
        ClientTools.require("qemu-img", "qemu-utils");
        int[] hz = {freePort(), freePort(), freePort()};
        Path image = dir.resolve("image.raw");
        byte[] random = new byte[256 << 20];
        new Random(9).nextBytes(random);
        Files.write(image, random);
        String sum = EmbeddedGatewayIT.sha256(image);

        List<EmbeddedGateway> gws = startCluster(hz);
        try {
            // 25,000 IOPS cannot fit on one 10,000-IOPS server: the planner spreads it over all three
            HttpResponse<String> created = rest(gws.get(0), "POST", "/v1/volumes", "{\"name\":\"wide\",\"sizeBytes\":"
                    + (320 << 20) + ",\"iops\":25000,\"throughputMBps\":300,\"workload\":\"database\"}");
            assertEquals(201, created.statusCode(), created.body());
            JsonArray shards = new JsonObject(rest(gws.get(2), "GET", "/v1/volumes/wide/shards", null).body())
                    .getJsonArray("shards");
            Set<String> owners = new HashSet<>();
            for (int i = 0; i < shards.size(); i++) {
                owners.add(shards.getJsonObject(i).getString("owner"));
            }
            assertEquals(Set.of("gw-0", "gw-1", "gw-2"), owners, "shards on all three servers");
            ClientTools.Result info = ClientTools.runOk(LIMIT, "qemu-img", "info", "--output=json", nbd(gws.get(1), "wide"));
            assertEquals(320L << 20, new JsonObject(info.stdout()).getLong("virtual-size"));
            // written through server 0, read through server 2, across every shard
            ClientTools.runOk(LIMIT, "qemu-io", "-f", "raw", "-c", "write -P 0x3c 0 320m", nbd(gws.get(0), "wide"));
            ClientTools.runOk(LIMIT, "qemu-io", "-f", "raw", "-c", "read -P 0x3c 0 320m", nbd(gws.get(2), "wide"));
            // a random 256 MiB image in through server 1 over 4 connections, out through server 2
            ClientTools.runOk(LIMIT, "nbdcopy", "--connections=4", image.toString(), nbd(gws.get(1), "wide"));
            Path out = dir.resolve("out.raw");
            ClientTools.runOk(LIMIT, "nbdcopy", nbd(gws.get(2), "wide"), out.toString());
            truncate(out, random.length);
            assertEquals(sum, EmbeddedGatewayIT.sha256(out));
            ClientTools.runOk(LIMIT, "fio", "--name=cluster", "--ioengine=nbd", "--uri=" + nbd(gws.get(1), "wide"),
                    "--rw=randwrite", "--bs=4k", "--iodepth=16", "--offset=300m", "--size=8m", "--verify=crc32c",
                    "--verify_fatal=1", "--do_verify=1", "--randseed=5");
            // statistics asked of any server sum the counters of all three owners (from their load reports)
            long written = 0;
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (written < (576L << 20) && System.nanoTime() < deadline) {
                Thread.sleep(200);
                written = new JsonObject(rest(gws.get(2), "GET", "/v1/volumes/wide/stats", null).body())
                        .getLong("writeBytes");
            }
            assertTrue(written >= (576L << 20), "320 MiB by qemu-io and 256 MiB by nbdcopy, summed: " + written);
            String metrics = rest(gws.get(0), "GET", "/metrics", null).body();
            assertTrue(metrics.contains("shardgate_shard_ops_per_second{shard=\""), "per-shard load is exported");
            // a retype re-plans the shards (a new map version, every server applies it) and the data stays
            long versionBefore = new JsonObject(rest(gws.get(0), "GET", "/v1/volumes/wide", null).body())
                    .getLong("mapVersion");
            HttpResponse<String> respec = rest(gws.get(2), "PUT", "/v1/volumes/wide/spec", "{\"iops\":8000,"
                    + "\"throughputMBps\":100}");
            assertEquals(200, respec.statusCode(), respec.body());
            JsonObject retyped = new JsonObject(rest(gws.get(0), "GET", "/v1/volumes/wide", null).body());
            assertEquals(8000, retyped.getJsonObject("spec").getLong("iops"));
            assertTrue(retyped.getLong("mapVersion") > versionBefore, retyped.encode());
            ClientTools.runOk(LIMIT, "qemu-io", "-f", "raw", "-c", "read -P 0x3c 256m 44m", nbd(gws.get(1), "wide"));
            assertEquals(409, rest(gws.get(0), "PUT", "/v1/volumes/wide/spec", "{\"iops\":1000000}").statusCode(),
                    "a spec no spine meets is refused");
        } finally {
            for (EmbeddedGateway g : gws) {
                g.close();
            }
        }

        List<EmbeddedGateway> again = startCluster(hz); // a full-cluster restart on the same store
        try {
            assertEquals(200, rest(again.get(1), "GET", "/v1/volumes/wide", null).statusCode(), "the volume is back");
            Path out = dir.resolve("again.raw");
            ClientTools.runOk(LIMIT, "nbdcopy", nbd(again.get(0), "wide"), out.toString());
            truncate(out, random.length);
            assertEquals(sum, EmbeddedGatewayIT.sha256(out), "the image survived the restart");
            ClientTools.runOk(LIMIT, "qemu-io", "-f", "raw", "-c", "read -P 0x3c 256m 44m", nbd(again.get(2), "wide"));
        } finally {
            for (EmbeddedGateway g : again) {
                g.close();
            }
        }
    }
}
