package io.shardgate.gateway.server;

import io.shardgate.gateway.testing.ClientTools;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Re-sharding under load: three servers, one volume over all of them, fio random writes with crc32c verification
 * through one server's NBD front end while splits, moves and merges are forced through another server's API every
 * second or so. fio must see no I/O error and no verification error, and a second fio run through the third server
 * verifies everything again after the last migration.
 */
class ReshardIT {
    private static final Duration LIMIT = Duration.ofMinutes(4 + Integer.getInteger("reshard.loops", 2));

    @TempDir
    Path dir;

    /** Passes of fio over the volume: 2 in CI (about 20 s); the soak command in the README asks for more. */
    private static final int LOOPS = Integer.getInteger("reshard.loops", 2);

    static String[] fio(String url, boolean verifyOnly) {
        return new String[] {"fio", "--name=reshard", "--ioengine=nbd", "--uri=" + url, "--rw=randwrite", "--bs=4k",
                "--iodepth=16", "--size=48m", "--loops=" + LOOPS, "--verify=crc32c", "--verify_fatal=1",
                "--randseed=31", verifyOnly ? "--verify_only=1" : "--do_verify=1"};
    }

    @Test
    void splitsMovesAndMergesUnderVerifiedWritesLoseNothing() throws Exception {
        ClientTools.require("fio", "fio");
        int[] hz = {ClusterIT.freePort(), ClusterIT.freePort(), ClusterIT.freePort()};
        List<EmbeddedGateway> gws = EmbeddedGatewayFixture.startCluster(dir, hz, 0, o -> o);
        try {
            HttpResponse<String> created = ClusterIT.rest(gws.get(0), "POST", "/v1/volumes", "{\"name\":\"hot\","
                    + "\"sizeBytes\":" + (64 << 20) + ",\"iops\":25000,\"throughputMBps\":300}");
            assertEquals(201, created.statusCode(), created.body());
            CompletableFuture<ClientTools.Result> writer = CompletableFuture.supplyAsync(() -> {
                try {
                    return ClientTools.run(LIMIT, fio(ClusterIT.nbd(gws.get(0), "hot"), false));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // a reader through another server at the same time: reads must not fail either
            CompletableFuture<ClientTools.Result> reader = CompletableFuture.supplyAsync(() -> {
                try {
                    return ClientTools.run(LIMIT, "fio", "--name=reader", "--ioengine=nbd",
                            "--uri=" + ClusterIT.nbd(gws.get(2), "hot"), "--rw=randread", "--bs=4k", "--iodepth=8",
                            "--size=64m", "--time_based", "--runtime=" + (10 * LOOPS));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            List<JsonObject> done = new ArrayList<>();
            AtomicBoolean refusedWrongly = new AtomicBoolean();
            StringBuilder log = new StringBuilder();
            for (int i = 0; !writer.isDone(); i++) {
                Thread.sleep(700);
                JsonArray shards = new JsonObject(ClusterIT.rest(gws.get(1), "GET", "/v1/volumes/hot/shards", null)
                        .body()).getJsonArray("shards");
                int n = shards.size();
                String body = switch (i % 3) {
                    case 0 -> "{\"action\":\"split\",\"shard\":" + largest(shards) + "}";
                    case 1 -> "{\"action\":\"move\",\"shard\":" + (i % n) + "}";
                    default -> n > 1 ? "{\"action\":\"merge\",\"shard\":" + (i % (n - 1)) + "}"
                            : "{\"action\":\"split\",\"shard\":0}";
                };
                HttpResponse<String> r = ClusterIT.rest(gws.get(1 + i % 2), "POST", "/v1/volumes/hot/reshard", body);
                log.append(body).append(" -> ").append(r.statusCode()).append(' ').append(r.body()).append('\n');
                if (r.statusCode() == 200) {
                    done.add(new JsonObject(r.body()));
                } else if (r.statusCode() != 400) { // 400: a shard too small to split is a fair refusal
                    refusedWrongly.set(true);
                }
            }
            ClientTools.Result fio = writer.get();
            ClientTools.Result read = reader.get();
            assertEquals(0, read.exit(), "a reader saw an I/O error during re-sharding:\n" + read.stdout()
                    + read.stderr() + "\nmigrations:\n" + log);
            assertEquals(0, fio.exit(), "fio saw an I/O or verification error during re-sharding:\n" + fio.stdout()
                    + fio.stderr() + "\nmigrations:\n" + log);
            assertTrue(!refusedWrongly.get(), "every forced migration was done or fairly refused:\n" + log);
            assertTrue(done.size() >= 5, "at least five migrations happened under load:\n" + log);
            long longest = done.stream().mapToLong(m -> m.getLong("pauseMs")).max().orElse(0);
            System.out.println("ReshardIT: " + done.size() + " migrations under load, longest pause " + longest
                    + " ms");
            ClientTools.runOk(LIMIT, fio(ClusterIT.nbd(gws.get(2), "hot"), true));
            JsonArray history = new JsonObject(ClusterIT.rest(gws.get(0), "GET", "/v1/volumes/hot/migrations", null)
                    .body()).getJsonArray("migrations");
            assertEquals(done.size(), history.size(), "the history has every migration");
            assertTrue(longest < 10_000, "a migration paused clients for " + longest + " ms");
        } finally {
            for (EmbeddedGateway g : gws) {
                g.close();
            }
        }
    }

    private static int largest(JsonArray shards) {
        int best = 0;
        for (int i = 1; i < shards.size(); i++) {
            if (shards.getJsonObject(i).getLong("length") > shards.getJsonObject(best).getLong("length")) {
                best = i;
            }
        }
        return best;
    }
}
