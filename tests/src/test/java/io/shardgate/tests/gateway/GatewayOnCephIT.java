package io.shardgate.tests.gateway;

import io.shardgate.gateway.testing.ClientTools;
import io.shardgate.tests.fixture.CephCluster;
import io.shardgate.tests.fixture.GatewayProcess;
import io.shardgate.tests.fixture.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway as a separate process with its data in a real Ceph cluster: real clients write through NBD, the
 * process is killed with SIGKILL (a crash: nothing flushed, nothing closed), started again, and every acknowledged
 * write is read back and verified.
 */
class GatewayOnCephIT {
    private static final Duration LIMIT = Duration.ofMinutes(3);

    @TempDir
    Path dir;

    /** A pool of this suite's own: other suites' volumes (and their reservations) never show here. */
    private final String pool = CephCluster.createPool("crash-" + ProcessHandle.current().pid());

    private GatewayProcess gateway(int rest, int nbd) {
        return new GatewayProcess("gw-ceph", List.of("--embedded", "--data-dir", dir.resolve("data").toString(),
                "--rest-port", Integer.toString(rest), "--nbd-port", Integer.toString(nbd), "--iscsi-port", "0",
                "--store", "rados",
                "--ceph-conf", CephCluster.conf().toString(), "--ceph-pool", pool,
                "--chunk-size", "1M"), rest, dir);
    }

    @Test
    void acknowledgedWritesSurviveAGatewayCrash() throws Exception {
        ClientTools.require("qemu-io", "qemu-utils");
        ClientTools.require("fio", "fio");
        int rest = Ports.free();
        int nbd = Ports.free();
        String volume = "crash-" + ProcessHandle.current().pid();
        String url = "nbd://127.0.0.1:" + nbd + "/" + volume;
        String[] fioJob = {"fio", "--name=crash", "--ioengine=nbd", "--uri=" + url, "--rw=randwrite", "--bs=4k",
                "--iodepth=32", "--size=8m", "--offset=16m", "--verify=crc32c", "--verify_fatal=1", "--randseed=77"};
        GatewayProcess first = gateway(rest, nbd).start(Duration.ofSeconds(60));
        try {
            String token = Files.readString(dir.resolve("data/admin.token")).trim();
            HttpResponse<String> created = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(
                            URI.create(first.restUrl() + "/v1/volumes")).header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + volume + "\",\"sizeBytes\":33554432,"
                            + "\"iops\":5000,\"throughputMBps\":100,\"workload\":\"database\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, created.statusCode(), created.body());
            ClientTools.runOk(LIMIT, "qemu-io", "-f", "raw", "-c", "write -P 0x5a 1000 3000000", "-c",
                    "write -P 0xa5 15m 4096", url);
            ClientTools.runOk(LIMIT, concat(fioJob, "--do_verify=0"));
        } finally {
            first.kill(); // SIGKILL right after the last acknowledgement
        }
        GatewayProcess second = gateway(rest, nbd).start(Duration.ofSeconds(60));
        try {
            ClientTools.runOk(LIMIT, "qemu-io", "-f", "raw", "-c", "read -P 0x5a 1000 3000000", "-c",
                    "read -P 0xa5 15m 4096", "-c", "read -P 0 0 1000", url);
            ClientTools.Result verify = ClientTools.runOk(LIMIT, concat(fioJob, "--verify_only=1"));
            assertTrue(verify.all().contains("crash"), verify.all());
        } finally {
            second.stop();
        }
    }

    private static String[] concat(String[] a, String b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + 1);
        r[a.length] = b;
        return r;
    }
}
