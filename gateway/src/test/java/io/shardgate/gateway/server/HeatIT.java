package io.shardgate.gateway.server;

import io.shardgate.gateway.testing.ClientTools;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The predicted heat, end to end: three servers prefetching by workload type ({@code auto}); a real client reads a
 * volume sequentially through one server; another server's {@code GET /v1/volumes/{name}/heat}, built from the
 * owners' load reports shared through Hazelcast, shows the requests the owner's policy predicted, ahead of the reads.
 */
class HeatIT {
    private static final Duration LIMIT = Duration.ofMinutes(2);

    @TempDir
    Path dir;

    @Test
    void predictedHeatIsPublishedToEveryServer() throws Exception {
        ClientTools.require("qemu-io", "qemu-utils");
        int[] hz = {ClusterIT.freePort(), ClusterIT.freePort(), ClusterIT.freePort()};
        List<EmbeddedGateway> gws = EmbeddedGatewayFixture.startCluster(dir, hz, 0, o -> o.withPrefetch(
                new EmbeddedOptions.Prefetch("auto", List.of(), false, 16, 200)));
        try {
            // general workload: readahead32 (the best baseline for it)
            HttpResponse<String> created = ClusterIT.rest(gws.get(0), "POST", "/v1/volumes", "{\"name\":\"seq\","
                    + "\"sizeBytes\":" + (16 << 20) + ",\"iops\":5000,\"throughputMBps\":50,\"workload\":\"general\"}");
            assertEquals(201, created.statusCode(), created.body());
            // 1 MiB read sequentially in 64 KiB requests: chunks 0-15 of 64 KiB
            List<String> cmd = new java.util.ArrayList<>(List.of("qemu-io", "-f", "raw"));
            for (int i = 0; i < 16; i++) {
                cmd.addAll(List.of("-c", "read " + (i * 65536) + " 65536"));
            }
            cmd.add(ClusterIT.nbd(gws.get(1), "seq"));
            ClientTools.runOk(LIMIT, cmd.toArray(String[]::new));

            JsonObject shard = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) { // load reports every 500 ms; a few may be needed
                HttpResponse<String> heat = ClusterIT.rest(gws.get(2), "GET", "/v1/volumes/seq/heat", null);
                assertEquals(200, heat.statusCode(), heat.body());
                JsonArray shards = new JsonObject(heat.body()).getJsonArray("shards");
                // each report covers 500 ms: wait for the one in which the policy predicted past the last read
                if (!shards.isEmpty() && shards.getJsonObject(0).getDouble("predictedOpsPerSec") > 0
                        && shards.getJsonObject(0).getJsonArray("predictedChunkOps").getLong(16) > 0) {
                    shard = shards.getJsonObject(0);
                    break;
                }
                Thread.sleep(200);
            }
            assertTrue(shard != null, "a load report with requests predicted past the reads reached server gw-2"
                    + " within 20 s");
            JsonArray measured = shard.getJsonArray("chunkOps");
            JsonArray predicted = shard.getJsonArray("predictedChunkOps");
            assertEquals(0, shard.getInteger("shard"));
            assertTrue(predicted.size() >= 20 && predicted.size() == measured.size(), "one count per 64 KiB chunk of"
                    + " the first shard: " + predicted);
            assertEquals(0L, measured.getLong(16), "nothing was read there yet: " + measured);
            for (int c = 20; c < predicted.size(); c++) {
                assertEquals(0L, predicted.getLong(c), "readahead32 predicts no further than 32 blocks: chunk " + c);
            }
            assertTrue(shard.getDouble("heatOpsPerSec") >= shard.getDouble("opsPerSec"));
            assertEquals(404, ClusterIT.rest(gws.get(2), "GET", "/v1/volumes/nope/heat", null).statusCode());
        } finally {
            for (EmbeddedGateway g : gws) {
                g.close();
            }
        }
    }
}
