package io.shardgate.tests.gateway;

import io.shardgate.gateway.testing.ClientTools;
import io.shardgate.tests.fixture.CephCluster;
import io.shardgate.tests.fixture.GatewayCluster;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults in the middle of migrations, on real processes and a real Ceph cluster: the old owner, then the new owner,
 * then the oldest member (the controller) are killed with SIGKILL right after a migration starts, while fio writes
 * with crc32c through a surviving server. Each time the dead server's shards must be given to live servers (the map
 * converges), fio must see no error, and everything written is verified afterwards through another server.
 */
class ReshardFaultsIT {
    private static final Duration LIMIT = Duration.ofMinutes(4);

    @TempDir
    Path dir;

    private static String[] fio(String url, int seed, boolean verifyOnly) {
        return new String[] {"fio", "--name=faults", "--ioengine=nbd", "--uri=" + url, "--rw=randwrite", "--bs=4k",
                "--iodepth=8", "--size=16m", "--offset=" + (seed * 16) + "m", "--verify=crc32c", "--verify_fatal=1",
                "--randseed=" + seed, verifyOnly ? "--verify_only=1" : "--do_verify=1"};
    }

    private static Set<String> owners(GatewayCluster c, int via, String volume) throws Exception {
        JsonArray shards = c.json(via, "/v1/volumes/" + volume + "/shards").getJsonArray("shards");
        Set<String> out = new HashSet<>();
        shards.forEach(s -> out.add(((JsonObject) s).getString("owner")));
        return out;
    }

    /** The first shard owned by {@code owner}. */
    private static int shardOf(GatewayCluster c, int via, String volume, String owner) throws Exception {
        JsonArray shards = c.json(via, "/v1/volumes/" + volume + "/shards").getJsonArray("shards");
        for (int i = 0; i < shards.size(); i++) {
            if (shards.getJsonObject(i).getString("owner").equals(owner)) {
                return i;
            }
        }
        throw new AssertionError(owner + " owns no shard");
    }

    /**
     * Starts a move of a shard from {@code from} to {@code to} through {@code via}, kills {@code victim} right away,
     * while fio writes through {@code writer}; then waits for the map to drop the victim and verifies.
     */
    private static void faultDuringMigration(GatewayCluster c, String volume, int from, int to, int victim, int via,
                                             int writer, int round) throws Exception {
        CompletableFuture<ClientTools.Result> load = CompletableFuture.supplyAsync(() -> {
            try {
                return ClientTools.run(LIMIT, fio(c.nbd(writer, volume), round, false));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(1500); // fio is writing
        int shard = shardOf(c, via, volume, "gw-" + from);
        CompletableFuture<HttpResponse<String>> move = CompletableFuture.supplyAsync(() -> {
            try {
                return c.rest(via, "POST", "/v1/volumes/" + volume + "/reshard", "{\"action\":\"move\",\"shard\":"
                        + shard + ",\"to\":\"gw-" + to + "\"}");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(5);
        c.kill(victim);
        ClientTools.Result r = load.get();
        assertEquals(0, r.exit(), "round " + round + ": fio saw an error while gw-" + victim + " died:\n"
                + r.stdout() + r.stderr());
        move.get(); // done or failed: either is fine, the map must converge below
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (owners(c, via, volume).contains("gw-" + victim) && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        assertFalse(owners(c, via, volume).contains("gw-" + victim), "round " + round + ": the dead server's"
                + " shards were given to live servers");
        ClientTools.runOk(LIMIT, fio(c.nbd(via, volume), round, true));
        c.restart(victim);
    }

    @Test
    void killingTheOldOwnerTheNewOwnerAndTheControllerMidMigrationLosesNothing() throws Exception {
        ClientTools.require("fio", "fio");
        String volume = "faults-" + ProcessHandle.current().pid();
        GatewayCluster c = new GatewayCluster(dir, CephCluster.createPool("faults-" + ProcessHandle.current().pid()),
                List.of("--reshard-interval", "0", "--load-interval", "1000"));
        c.startAll();
        try {
            HttpResponse<String> created = c.rest(0, "POST", "/v1/volumes", "{\"name\":\"" + volume
                    + "\",\"sizeBytes\":" + (64 << 20) + ",\"iops\":25000,\"throughputMBps\":100}");
            assertEquals(201, created.statusCode(), created.body());
            assertEquals(Set.of("gw-0", "gw-1", "gw-2"), owners(c, 0, volume));
            faultDuringMigration(c, volume, 2, 1, 2, 0, 1, 0);   // the old owner dies
            faultDuringMigration(c, volume, 1, 2, 2, 0, 1, 1);   // the new owner dies
            faultDuringMigration(c, volume, 1, 2, 0, 1, 2, 2);   // gw-0, the first started: the controller
            for (int round = 0; round < 3; round++) {           // everything written survived every fault
                ClientTools.runOk(LIMIT, fio(c.nbd(round % 3, volume), round, true));
            }
            JsonArray history = c.json(1, "/v1/volumes/" + volume + "/migrations").getJsonArray("migrations");
            assertTrue(history.stream().anyMatch(m -> ((JsonObject) m).getString("kind").equals("evacuate")),
                    "evacuations are in the history: " + history);
        } finally {
            c.killAll();
        }
    }
}
