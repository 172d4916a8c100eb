package io.shardgate.tests.gateway;

import io.shardgate.gateway.testing.ClientTools;
import io.shardgate.tests.fixture.CephCluster;
import io.shardgate.tests.fixture.GatewayProcess;
import io.shardgate.tests.fixture.Ports;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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

    /** A pool of this suite's own: other suites' volumes (and their reservations) never show here. */
    private final String pool = CephCluster.createPool("cluster-" + ProcessHandle.current().pid());

    record Node(int rest, int nbd, int hazelcast) {
    }

    private List<GatewayProcess> start(List<Node> nodes, String cluster) {
        List<String> members = new ArrayList<>();
        for (Node n : nodes) {
            members.add("--member");
            members.add("127.0.0.1:" + n.hazelcast());
        }
        List<GatewayProcess> out = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            List<String> args = new ArrayList<>(List.of("--hazelcast-port", Integer.toString(n.hazelcast()),
                    "--cluster-name", cluster, "--server-id", "gw-" + i, "--iops", "10000", "--data-dir",
                    dir.resolve("data-" + i).toString(), "--rest-port", Integer.toString(n.rest()), "--nbd-port",
                    Integer.toString(n.nbd()), "--store", "rados", "--ceph-conf", CephCluster.conf().toString(),
                    "--ceph-pool", pool, "--chunk-size", "1M"));
            args.addAll(members);
            out.add(new GatewayProcess("gw-" + i, args, n.rest(), dir));
        }
        for (GatewayProcess p : out) {
            p.start(Duration.ofSeconds(90));
        }
        return out;
    }

    @Test
    void aVolumeOverThreeProcessesSurvivesKillingThemAll() throws Exception {
        ClientTools.require("fio", "fio");
        List<Node> nodes = List.of(new Node(Ports.free(), Ports.free(), Ports.free()),
                new Node(Ports.free(), Ports.free(), Ports.free()), new Node(Ports.free(), Ports.free(), Ports.free()));
        String cluster = "ceph-it-" + ProcessHandle.current().pid();
        String volume = "wide-" + ProcessHandle.current().pid();
        String[] fio = {"fio", "--name=wide", "--ioengine=nbd", "--rw=randwrite", "--bs=4k", "--iodepth=16",
                "--size=24m", "--verify=crc32c", "--verify_fatal=1", "--randseed=3"};
        List<GatewayProcess> first = start(nodes, cluster);
        try {
            String token = Files.readString(dir.resolve("data-0/admin.token")).trim();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(first.get(0).restUrl()
                            + "/v1/volumes")).header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + volume + "\",\"sizeBytes\":" + (24 << 20)
                            + ",\"iops\":25000,\"throughputMBps\":100}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(201, created.statusCode(), created.body());
            String t1 = Files.readString(dir.resolve("data-1/admin.token")).trim();
            JsonArray shards = new JsonObject(http.send(HttpRequest.newBuilder(URI.create(first.get(1).restUrl()
                    + "/v1/volumes/" + volume + "/shards")).header("Authorization", "Bearer " + t1).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).getJsonArray("shards");
            Set<String> owners = new HashSet<>();
            shards.forEach(s -> owners.add(((JsonObject) s).getString("owner")));
            assertEquals(Set.of("gw-0", "gw-1", "gw-2"), owners);
            ClientTools.runOk(LIMIT, concat(fio, "--uri=nbd://127.0.0.1:" + nodes.get(0).nbd() + "/" + volume,
                    "--do_verify=0"));
            ClientTools.runOk(LIMIT, concat(fio, "--uri=nbd://127.0.0.1:" + nodes.get(2).nbd() + "/" + volume,
                    "--verify_only=1"));
        } finally {
            first.forEach(GatewayProcess::kill);
        }
        List<GatewayProcess> again = start(nodes, cluster);
        try {
            ClientTools.runOk(LIMIT, concat(fio, "--uri=nbd://127.0.0.1:" + nodes.get(1).nbd() + "/" + volume,
                    "--verify_only=1"));
        } finally {
            again.forEach(GatewayProcess::stop);
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
