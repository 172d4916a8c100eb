package io.shardgate.tests.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardgate.gateway.testing.ClientTools;
import io.shardgate.openstack.client.CinderRest;
import io.shardgate.openstack.client.JsonHttp;
import io.shardgate.openstack.client.OpenStackSession;
import io.shardgate.openstack.client.ServiceRest;
import io.shardgate.openstack.tiers.Tier;
import io.shardgate.openstack.tiers.TierDiff;
import io.shardgate.openstack.tiers.TierDiff.Change;
import io.shardgate.openstack.tiers.TierDiff.Kind;
import io.shardgate.openstack.tiers.TierDiff.TierChanges;
import io.shardgate.openstack.tiers.TiersApplier;
import io.shardgate.openstack.tiers.TiersFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import io.shardgate.openstack.client.OpenStackException;
import org.openstack4j.api.Builders;
import org.openstack4j.model.compute.Flavor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * OpenStack end to end, for real: Keystone, Cinder with our driver, Nova with the fake driver, a 3-server gateway
 * cluster on Ceph (all started by {@code tests/scripts/openstack.sh}). As a cloud user (the demo project) with
 * OpenStack4j and our Cinder REST additions, in order: tiers applied (admin), a volume of each tier sharded as the
 * tier asks, an impossible tier refused with the gateway's reason, Nova's attachment flow opened with QEMU and data
 * verified, snapshot and clone, online extend, detach, Nova boot from volume and volume attach, and everything
 * deleted with the gateway left clean. The steps share state and run in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenStackE2EIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long GIB = 1L << 30;
    private static final int DATA_BYTES = 4 << 20;
    private static final Duration TOOL = Duration.ofSeconds(60);
    private static final String IMPOSSIBLE = "impossible";

    /** Kept when a step fails: the cloud's logs are in {@code cloud/logs}. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;
    private OpenStackCloud cloud;
    private OpenStackSession admin;
    private OpenStackSession demo;
    private OpenStackSession service;
    private CinderRest adminCinder;
    private CinderRest demoCinder;
    private TiersFile tiers;
    private Path data;
    /** Cinder volume id by tier name; the first tier's volume carries the data. */
    private final Map<String, String> volumes = new LinkedHashMap<>();
    private final List<String> toDelete = new ArrayList<>();
    private String snapshotId;
    private String cloneId;
    private final List<String> attachments = new ArrayList<>();

    @BeforeAll
    void startCloud() throws Exception {
        for (String[] t : new String[][]{{"qemu-img", "qemu-utils"}, {"qemu-io", "qemu-utils"}}) {
            ClientTools.require(t[0], t[1]);
        }
        cloud = OpenStackCloud.start(dir.resolve("cloud"), true);
        admin = OpenStackSession.connect(cloud.admin());
        demo = OpenStackSession.connect(cloud.demo());
        service = OpenStackSession.connect(cloud.serviceUser());
        adminCinder = new CinderRest(admin);
        demoCinder = new CinderRest(demo);
        tiers = TiersFile.read(Path.of(cloud.env("SHARDGATE_TIERS_FILE")));
        assertTrue(tiers.tiers().stream().anyMatch(t -> t.name().equals(IMPOSSIBLE)),
                "the tiers file has a tier named '" + IMPOSSIBLE + "' that no spine can meet");
        byte[] bytes = new byte[DATA_BYTES];
        new Random(42).nextBytes(bytes);
        data = Files.write(dir.resolve("data.bin"), bytes);
    }

    @AfterAll
    void stopCloud() throws Exception {
        if (demoCinder != null) {
            demoCinder.close();
            adminCinder.close();
        }
        if (cloud != null) {
            cloud.close();
        }
    }

    private List<Tier> meetable() {
        return tiers.tiers().stream().filter(t -> !t.name().equals(IMPOSSIBLE)).toList();
    }

    @Test
    @Order(1)
    void tiersApplyFixesWhatDriftedThenReportsNothingChanged() throws Exception {
        // the script applied the file already: make one tier drift (a changed value, a stale key)
        Tier first = meetable().get(0);
        String typeId = adminCinder.volumeTypes().get(first.name()).id();
        adminCinder.setExtraSpecs(typeId, Map.of("sharding:iops", "1", "sharding:stale", "yes"));
        List<TierChanges> result = new TiersApplier(adminCinder).apply(tiers, false);
        TierChanges changed = result.get(tiers.tiers().indexOf(first));
        assertEquals(TierDiff.Status.UPDATED, changed.status(), changed.toString());
        assertEquals(List.of(new Change(Kind.EXTRA_SPEC, "sharding:iops", "1", Long.toString(first.iops())),
                new Change(Kind.EXTRA_SPEC, "sharding:stale", "yes", null)), changed.changes());

        // the second apply, through the command line of gateway.jar, changes nothing
        ProcessBuilder pb = new ProcessBuilder("java", "-jar", System.getProperty("shardgate.jar"), "openstack",
                "tiers", "apply", "--file", cloud.env("SHARDGATE_TIERS_FILE"), "--json");
        pb.environment().putAll(cloud.adminEnvironment());
        Path out = dir.resolve("apply.json");
        Process p = pb.redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        assertEquals(0, p.waitFor(), "gateway.jar openstack tiers apply failed");
        JsonNode json = JSON.readTree(out.toFile());
        assertFalse(json.path("changed").asBoolean(true), json.toString());
        assertEquals(tiers.tiers().size(), json.path("tiers").size());

        Map<String, CinderRest.VolumeType> types = adminCinder.volumeTypes();
        for (Tier t : tiers.tiers()) {
            Map<String, String> specs = types.get(t.name()).extraSpecs();
            assertEquals(t.extraSpecs(), specs, "the type " + t.name() + " holds exactly the tier's extra specs");
            assertTrue(adminCinder.associations(adminCinder.qosSpecs().get(t.qosName()).id())
                    .contains(types.get(t.name()).id()), t.qosName() + " is associated with " + t.name());
        }
    }

    @Test
    @Order(2)
    void aVolumeOfEachTierIsShardedAsTheTierAsks() throws Exception {
        for (Tier t : meetable()) {
            String id = createVolume("e2e-" + t.name(), t.name(), null);
            volumes.put(t.name(), id);
        }
        JsonNode servers = ok(cloud.gateway("GET", "/v1/cluster/servers", null)).path("servers");
        for (Tier t : meetable()) {
            waitVolume(volumes.get(t.name()), "available");
            JsonNode v = gatewayVolume(volumes.get(t.name()));
            assertEquals(GIB, v.path("sizeBytes").asLong());
            assertEquals(0, v.path("fallbackUsed").asInt(), t.name() + " met without a fallback: " + v);
            assertEquals(t.iops(), v.path("spec").path("iops").asLong(), v.toString());
            t.throughputMBps().ifPresent(mb -> assertEquals(mb, v.path("spec").path("throughputMBps").asDouble(), 0.0));
            t.latencyUs().ifPresent(us -> assertEquals(us, v.path("spec").path("latencyUs").asLong()));
            if (t.workload() != null) {
                assertEquals(t.workload(), v.path("spec").path("workload").asText());
            }
            checkShards(t, v, servers);
        }
    }

    /** The shards cover the volume, live in one spine, and their owners together have the tier's capacity. */
    private void checkShards(Tier t, JsonNode volume, JsonNode servers) throws Exception {
        JsonNode map = ok(cloud.gateway("GET", "/v1/volumes/" + volume.path("name").asText() + "/shards", null));
        long next = 0;
        Set<String> owners = new HashSet<>();
        for (JsonNode s : map.path("shards")) {
            assertEquals(next, s.path("start").asLong(), "no gap nor overlap: " + map);
            next += s.path("length").asLong();
            owners.add(s.path("owner").asText());
        }
        assertEquals(volume.path("sizeBytes").asLong(), next, "the shards cover the volume: " + map);
        double iops = 0;
        double mbps = 0;
        for (JsonNode s : servers) {
            if (owners.contains(s.path("id").asText())) {
                assertEquals(map.path("spine").asText(), s.path("spine").asText(), "one spine: " + map);
                iops += s.path("capacity").path("iops").asDouble();
                mbps += s.path("capacity").path("bandwidthMBps").asDouble();
            }
        }
        assertTrue(iops >= t.iops(), t.name() + " asks " + t.iops() + " IOPS; its owners " + owners + " have " + iops);
        double asked = t.throughputMBps().orElse(0);
        assertTrue(mbps >= asked, t.name() + " asks " + asked + " MB/s; its owners " + owners + " have " + mbps);
        System.out.println("e2e: tier " + t.name() + " (" + t.iops() + " IOPS, " + asked + " MB/s): "
                + map.path("shards").size() + " shards on " + owners.size() + " servers " + owners);
    }

    @Test
    @Order(3)
    void anImpossibleTierPutsTheVolumeInErrorWithTheGatewaysReason() throws Exception {
        String id = createVolume("e2e-impossible", IMPOSSIBLE, null);
        waitVolume(id, "error");
        List<JsonNode> messages = demoCinder.userMessages(id);
        assertFalse(messages.isEmpty(), "Cinder recorded a user message for the failed volume");
        assertTrue(messages.stream().anyMatch(m -> m.path("user_message").asText().contains("failed to create")),
                messages.toString());
        String reason = demo.client().blockStorage().volumes().get(id).getMetaData().get("shardgate:refusal");
        // the gateway's own answer to the same spec names the resource that falls short
        Tier t = tiers.tiers().stream().filter(x -> x.name().equals(IMPOSSIBLE)).findFirst().orElseThrow();
        ObjectNode spec = JSON.createObjectNode().put("name", "e2e-probe").put("sizeBytes", GIB).put("iops", t.iops());
        t.throughputMBps().ifPresent(v -> spec.put("throughputMBps", v));
        JsonHttp.Reply refusal = cloud.gateway("POST", "/v1/volumes", spec);
        if (refusal.status() == 201) {
            cloud.gateway("DELETE", "/v1/volumes/e2e-probe", null);
        }
        assertEquals(409, refusal.status(), refusal.body().toString());
        String resource = refusal.body().path("refusal").path("shortfalls").path(0).path("resource").asText();
        assertTrue(reason != null && !resource.isEmpty() && reason.contains(resource),
                "the volume's metadata carries the gateway's reason (naming " + resource + "): " + reason);
        assertEquals(404, cloud.gateway("GET", "/v1/volumes/volume-" + id, null).status(), "nothing on the gateway");
    }

    @Test
    @Order(4)
    void novasAttachmentFlowServesTheVolumeToQemu() throws Exception {
        String id = volumes.values().iterator().next();
        String uri = attach(id);
        ClientTools.runOk(TOOL, "qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", data.toString(), uri);
        ClientTools.runOk(TOOL, "qemu-io", "-f", "raw", "-c", "write -P 0x5a 512M 1M", uri);
        ClientTools.Result r = ClientTools.runOk(TOOL, "qemu-io", "-f", "raw", "-c", "read -P 0x5a 512M 1M", uri);
        assertFalse(r.all().contains("fail"), r.all());
        compareData(uri);
        assertEquals("in-use", status(id));
        assertTrue(ok(cloud.gateway("GET", "/v1/volumes/volume-" + id + "/stats", null)).path("writeOps").asLong() > 0,
                "the writes went through the gateway");
    }

    @Test
    @Order(5)
    void aCloneOfASnapshotHoldsTheData() throws Exception {
        String source = volumes.values().iterator().next();
        snapshotId = demo.client().blockStorage().snapshots().create(Builders.volumeSnapshot()
                .name("e2e-snap").volume(source).force(true).build()).getId();
        waitSnapshot(snapshotId);
        assertTrue(ok(cloud.gateway("GET", "/v1/volumes/volume-" + source + "/snapshots", null)).toString()
                .contains("snapshot-" + snapshotId), "the gateway holds the snapshot");
        // the smallest tier: the source's tier may not fit twice in the test cloud
        cloneId = createVolume("e2e-clone", meetable().get(meetable().size() - 1).name(), snapshotId);
        waitVolume(cloneId, "available");
        compareData(attach(cloneId));
    }

    @Test
    @Order(6)
    void anOnlineExtendIsSeenByTheClient() throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("os-extend").put("new_size", 2);
        demoCinder.call("POST", "/volumes/" + cloneId + "/action", body);
        waitUntil(() -> demo.client().blockStorage().volumes().get(cloneId).getSize() == 2
                && "in-use".equals(status(cloneId)), "the clone grown to 2 GiB and in-use");
        assertEquals(2 * GIB, gatewayVolume(cloneId).path("sizeBytes").asLong());
        String uri = connectionUri(demoCinder.attachment(attachments.get(attachments.size() - 1)));
        JsonNode info = JSON.readTree(ClientTools.runOk(TOOL, "qemu-img", "info", "--output=json", uri).stdout());
        assertEquals(2 * GIB, info.path("virtual-size").asLong(), "QEMU sees the new size");
        compareData(uri);
    }

    @Test
    @Order(7)
    void detachingNeedsTheServiceToken() throws Exception {
        for (String a : attachments) {
            String volume = demoCinder.attachment(a).path("volume_id").asText();
            demoCinder.deleteAttachment(a, service.tokenId());
            waitVolume(volume, "available");
        }
        attachments.clear();
    }

    @Test
    @Order(8)
    void novaBootsFromOurVolumeAndAttachesAnother() throws Exception {
        String boot = volumes.values().iterator().next();
        try (ServiceRest nova = new ServiceRest(demo, "Nova", "compute 2.51", "compute")) {
            String flavor = flavor();
            assertTrue(demo.client().blockStorage().volumes().bootable(boot, true).isSuccess(), "bootable flag set");
            ObjectNode server = JSON.createObjectNode();
            ObjectNode s = server.putObject("server").put("name", "e2e-server").put("flavorRef", flavor)
                    .put("networks", "none"); // no Neutron here
            s.putArray("block_device_mapping_v2").addObject().put("uuid", boot).put("source_type", "volume")
                    .put("destination_type", "volume").put("boot_index", 0).put("delete_on_termination", false);
            String serverId = nova.call("POST", "/servers", server).path("server").path("id").asText();
            waitUntil(() -> built(nova, serverId), "server " + serverId + " built by the fake driver");
            waitVolume(boot, "in-use");

            // what `openstack server add volume` calls: Nova's volume-attach API
            demo.client().compute().servers().attachVolume(serverId, cloneId, null);
            waitVolume(cloneId, "in-use");
            String uri = connectionUri(demoCinder.attachment(attachmentOf(cloneId)));
            long reads = ok(cloud.gateway("GET", "/v1/volumes/volume-" + cloneId + "/stats", null)).path("readOps")
                    .asLong();
            compareData(uri);
            assertTrue(ok(cloud.gateway("GET", "/v1/volumes/volume-" + cloneId + "/stats", null)).path("readOps")
                    .asLong() > reads, "Nova's connection info reaches the gateway");
            demo.client().compute().servers().detachVolume(serverId, cloneId);
            waitVolume(cloneId, "available");

            // deleting the server needs Neutron, which the test cloud lacks: detach the boot volume in Cinder as Nova
            // would, which Cinder allows only with a service token while Nova holds the attachment
            String bootAttachment = attachmentOf(boot);
            OpenStackException refused = assertThrows(OpenStackException.class,
                    () -> demoCinder.deleteAttachment(bootAttachment, null));
            assertEquals(409, refused.status(), refused.getMessage());
            demoCinder.deleteAttachment(bootAttachment, service.tokenId());
            waitVolume(boot, "available");
        }
    }

    /**
     * Nova's build event for the server succeeded (GET /servers/{id} asks Neutron, which the test cloud lacks; users
     * see the events of an action from microversion 2.51).
     */
    private static boolean built(ServiceRest nova, String serverId) {
        String req = nova.call("GET", "/servers/" + serverId + "/os-instance-actions", null).path("instanceActions")
                .path(0).path("request_id").asText();
        if (req.isEmpty()) {
            return false; // the create action is not recorded yet
        }
        for (JsonNode e : nova.call("GET", "/servers/" + serverId + "/os-instance-actions/" + req, null)
                .path("instanceAction").path("events")) {
            if (e.path("event").asText().equals("compute__do_build_and_run_instance")) {
                assertFalse(e.path("result").asText().equals("Error"), "Nova could not build the server: " + e);
                return e.path("result").asText().equals("Success");
            }
        }
        return false;
    }

    private String attachmentOf(String volumeId) {
        return demoCinder.call("GET", "/attachments?volume_id=" + volumeId, null).path("attachments").path(0)
                .path("id").asText();
    }

    @Test
    @Order(9)
    void deletingEverythingLeavesTheGatewayClean() throws Exception {
        deleteVolume(cloneId);
        demo.client().blockStorage().snapshots().delete(snapshotId);
        waitUntil(() -> demo.client().blockStorage().snapshots().get(snapshotId) == null, "snapshot deleted");
        for (String id : List.copyOf(toDelete)) {
            deleteVolume(id);
        }
        JsonNode left = ok(cloud.gateway("GET", "/v1/volumes", null)).path("volumes");
        assertEquals(0, left.size(), "the gateway holds no volume: " + left);
    }

    // ---- helpers

    private String createVolume(String name, String type, String snapshot) {
        var b = Builders.volume().name(name).size(1).volumeType(type);
        if (snapshot != null) {
            b.snapshot(snapshot);
        }
        String id = demo.client().blockStorage().volumes().create(b.build()).getId();
        toDelete.add(id);
        return id;
    }

    private void deleteVolume(String id) throws Exception {
        demo.client().blockStorage().volumes().delete(id);
        waitUntil(() -> status(id).equals("gone"), "volume " + id + " deleted");
        toDelete.remove(id);
    }

    /** Cinder's status of a volume (REST: OpenStack4j does not know {@code reserved}), or {@code gone}. */
    private String status(String volumeId) {
        try {
            return demoCinder.call("GET", "/volumes/" + volumeId, null).path("volume").path("status").asText();
        } catch (OpenStackException e) {
            if (e.status() == 404) {
                return "gone";
            }
            throw e;
        }
    }

    private JsonNode gatewayVolume(String volumeId) throws Exception {
        return ok(cloud.gateway("GET", "/v1/volumes/volume-" + volumeId, null));
    }

    private static JsonNode ok(JsonHttp.Reply r) {
        assertEquals(200, r.status(), r.body().toString());
        return r.body();
    }

    /** Nova's attachment flow with a host connector: create, update (connection info), complete; returns the URI. */
    private String attach(String volumeId) throws Exception {
        ObjectNode connector = JSON.createObjectNode().put("host", "e2e-host").put("ip", "127.0.0.1")
                .put("initiator", "iqn.2026-11.io.shardgate:e2e").put("platform", "x86_64").put("os_type", "linux")
                .put("multipath", false).put("do_local_attach", false);
        String id = demoCinder.createAttachment(volumeId, UUID.randomUUID().toString(), null).path("id").asText();
        attachments.add(id);
        assertEquals("reserved", status(volumeId));
        JsonNode updated = demoCinder.updateAttachment(id, connector);
        demoCinder.completeAttachment(id);
        waitVolume(volumeId, "in-use");
        return connectionUri(updated);
    }

    /** The NBD URI of an attachment's connection info (Cinder's attachment view flattens {@code data} into it). */
    private static String connectionUri(JsonNode attachment) {
        JsonNode info = attachment.path("connection_info");
        assertEquals("nbd", info.path("driver_volume_type").asText(), attachment.toString());
        String uri = (info.has("data") ? info.path("data") : info).path("uri").asText();
        assertTrue(uri.startsWith("nbd://"), attachment.toString());
        return uri;
    }

    /** The volume starts with the test's data: its first bytes read back by QEMU, compared byte for byte. */
    private void compareData(String uri) throws Exception {
        Path back = dir.resolve("back.bin");
        Files.deleteIfExists(back);
        ClientTools.runOk(TOOL, "qemu-img", "dd", "-f", "raw", "-O", "raw", "bs=1M", "count=" + (DATA_BYTES >> 20),
                "if=" + uri, "of=" + back);
        assertTrue(Arrays.equals(Files.readAllBytes(data), Files.readAllBytes(back)),
                "the volume at " + uri + " holds the data written");
    }

    private String flavor() {
        var flavors = admin.client().compute().flavors();
        for (Flavor f : flavors.list()) {
            if (f.getName().equals("e2e")) {
                return f.getId();
            }
        }
        return flavors.create(Builders.flavor().name("e2e").ram(64).vcpus(1).disk(0).build()).getId();
    }

    private void waitVolume(String id, String status) throws Exception {
        waitUntil(() -> {
            String now = status(id);
            if (now.startsWith("error") && !status.equals(now)) {
                fail("volume " + id + " went to " + now + " while waiting for " + status);
            }
            return now.equals(status);
        }, "volume " + id + " " + status);
    }

    private void waitSnapshot(String id) throws Exception {
        waitUntil(() -> demo.client().blockStorage().snapshots().get(id).getStatus().value().equals("available"),
                "snapshot " + id + " available");
    }

    private interface Check {
        boolean done() throws Exception;
    }

    /** Polls every 0.5 s for at most 3 minutes (rescheduled creates take three tries). */
    private static void waitUntil(Check check, String what) throws Exception {
        long end = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!check.done()) {
            if (System.nanoTime() > end) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(500);
        }
    }
}
