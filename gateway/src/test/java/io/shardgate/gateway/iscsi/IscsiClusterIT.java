package io.shardgate.gateway.iscsi;

import io.shardgate.gateway.server.EmbeddedGateway;
import io.shardgate.gateway.testing.ClientTools;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static io.shardgate.gateway.iscsi.GatewayAccess.url;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One volume sharded over three servers of a cluster, attached over iSCSI through each of them: the router,
 * sharding and tiers behind {@code BlockVolume} serve iSCSI unchanged. qemu-img writes a random image through one
 * server and reads it back through another with a checksum; qemu-io writes patterns through the third and reads
 * them through the first; every server reports the same unit serial number (what multipath matches paths by).
 */
class IscsiClusterIT {
    private static final Duration LIMIT = Duration.ofMinutes(2);

    @TempDir
    Path dir;

    @Test
    void oneVolumeOverThreeServersThroughAnyOfThem() throws Exception {
        ClientTools.require("qemu-img", "qemu-utils");
        ClientTools.require("qemu-io", "qemu-utils");
        ClientTools.require("iscsi-inq", "libiscsi-bin");
        Path image = dir.resolve("image.raw");
        byte[] random = new byte[96 << 20];
        new Random(11).nextBytes(random);
        Files.write(image, random);
        String sum = GatewayAccess.sha256(image, random.length);
        List<EmbeddedGateway> gws = GatewayAccess.cluster(dir);
        try {
            // 25,000 IOPS cannot fit on one 10,000-IOPS server: the planner spreads the shards over all three
            GatewayAccess.create(gws.get(0), "wide", 128 << 20, 25000);
            JsonArray shards = new JsonObject(GatewayAccess.rest(gws.get(1), "GET", "/v1/volumes/wide/shards", null)
                    .body()).getJsonArray("shards");
            Set<String> owners = new HashSet<>();
            for (int i = 0; i < shards.size(); i++) {
                owners.add(shards.getJsonObject(i).getString("owner"));
            }
            assertEquals(Set.of("gw-0", "gw-1", "gw-2"), owners, "shards on all three servers");

            ClientTools.runOk(LIMIT, "qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", image.toString(),
                    url(gws.get(0), null, "wide"));
            Path back = dir.resolve("back.raw");
            ClientTools.runOk(LIMIT, "qemu-img", "convert", "-f", "raw", "-O", "raw", url(gws.get(2), null, "wide"),
                    back.toString());
            assertEquals(sum, GatewayAccess.sha256(back, random.length), "written through gw-0, read through gw-2");

            ClientTools.runOk(LIMIT, "qemu-io", "-f", "raw", "-c", "write -P 0x71 100M 20M", "-c",
                    "write -P 0x72 127M 1M", url(gws.get(1), null, "wide"));
            ClientTools.runOk(LIMIT, "qemu-io", "-f", "raw", "-c", "read -P 0x71 100M 20M", "-c",
                    "read -P 0x72 127M 1M", "-c", "read -P 0 120M 7M", url(gws.get(0), null, "wide"));

            String serial = ClientTools.runOk(LIMIT, "iscsi-inq", "-e", "1", "-c", "128", url(gws.get(0), null, "wide"))
                    .stdout();
            for (EmbeddedGateway g : gws.subList(1, 3)) {
                assertEquals(serial, ClientTools.runOk(LIMIT, "iscsi-inq", "-e", "1", "-c", "128",
                        url(g, null, "wide")).stdout(), "one device identity on every path");
            }
        } finally {
            for (EmbeddedGateway g : gws) {
                g.close();
            }
        }
    }
}
