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

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Three gateway processes in one spine with their data in a real Ceph cluster, one volume sharded over all three:
 * fio writes with crc32c through one server and verifies through another; then every process is killed with
 * SIGKILL, the cluster starts again, and the data is verified once more.
 */
class ClusterOnCephIT {
    private static final Duration LIMIT = Duration.ofMinutes(3);

    @TempDir
    Path dir;

    @Test
    void aVolumeOverThreeProcessesSurvivesKillingThemAll() throws Exception {
        ClientTools.require("fio", "fio");
        String volume = "wide-" + ProcessHandle.current().pid();
        String[] fio = {"fio", "--name=wide", "--ioengine=nbd", "--rw=randwrite", "--bs=4k", "--iodepth=16",
                "--size=24m", "--verify=crc32c", "--verify_fatal=1", "--randseed=3"};
        // a pool of this suite's own: other suites' volumes (and their reservations) never show here
        GatewayCluster cluster = new GatewayCluster(dir, CephCluster.createPool("cluster-"
                + ProcessHandle.current().pid()), List.of()).startAll();
        try {
            HttpResponse<String> created = cluster.rest(0, "POST", "/v1/volumes", "{\"name\":\"" + volume
                    + "\",\"sizeBytes\":" + (24 << 20) + ",\"iops\":25000,\"throughputMBps\":100}");
            assertEquals(201, created.statusCode(), created.body());
            JsonArray shards = cluster.json(1, "/v1/volumes/" + volume + "/shards").getJsonArray("shards");
            Set<String> owners = new HashSet<>();
            shards.forEach(s -> owners.add(((JsonObject) s).getString("owner")));
            assertEquals(Set.of("gw-0", "gw-1", "gw-2"), owners);
            ClientTools.runOk(LIMIT, concat(fio, "--uri=" + cluster.nbd(0, volume), "--do_verify=0"));
            ClientTools.runOk(LIMIT, concat(fio, "--uri=" + cluster.nbd(2, volume), "--verify_only=1"));
        } finally {
            cluster.killAll();
        }
        cluster.startAll();
        try {
            ClientTools.runOk(LIMIT, concat(fio, "--uri=" + cluster.nbd(1, volume), "--verify_only=1"));
        } finally {
            cluster.close();
        }
    }

    static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
