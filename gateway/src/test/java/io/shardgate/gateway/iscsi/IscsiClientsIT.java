package io.shardgate.gateway.iscsi;

import io.shardgate.gateway.server.EmbeddedGateway;
import io.shardgate.gateway.testing.ClientTools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import static io.shardgate.gateway.iscsi.GatewayAccess.url;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The iSCSI front end of a real embedded gateway (volumes through the router, local-directory store) against the
 * initiators nobody here wrote: libiscsi's iscsi-inq, iscsi-readcapacity16, iscsi-ls (discovery, with and without
 * CHAP, wrong secrets refused, mutual CHAP), QEMU's libiscsi driver (qemu-img convert in and out with checksums,
 * qemu-img compare, qemu-io patterns, header digests).
 */
class IscsiClientsIT {
    private static final Duration LIMIT = Duration.ofMinutes(2);
    private static final long MIB = 1 << 20;
    private static final String SECRET = "chap-secret-0123";
    private static final String TARGET_SECRET = "target-secret-456";

    @TempDir
    static Path dir;
    private static EmbeddedGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        ClientTools.require("iscsi-inq", "libiscsi-bin");
        ClientTools.require("iscsi-ls", "libiscsi-bin");
        ClientTools.require("iscsi-readcapacity16", "libiscsi-bin");
        ClientTools.require("qemu-img", "qemu-utils");
        ClientTools.require("qemu-io", "qemu-utils");
        gateway = GatewayAccess.single(dir.resolve("gw"));
        GatewayAccess.create(gateway, "alpha", 48 * MIB, 20000);
        GatewayAccess.create(gateway, "guarded", 8 * MIB, 1000);
        GatewayAccess.create(gateway, "mutual", 8 * MIB, 1000);
        gateway.iscsiAuth().setVolume("guarded", IscsiAuth.Credentials.oneWay("alice", SECRET));
        gateway.iscsiAuth().setVolume("mutual", new IscsiAuth.Credentials("bob", SECRET, "gateway", TARGET_SECRET));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    private static ClientTools.Result run(String... command) throws Exception {
        return ClientTools.run(LIMIT, command);
    }

    @Test
    void inquiryAndCapacity() throws Exception {
        String inq = ClientTools.runOk(LIMIT, "iscsi-inq", url(gateway, null, "alpha")).stdout();
        assertTrue(inq.contains("Peripheral Device Type:DIRECT_ACCESS"), inq);
        assertTrue(inq.contains("Vendor:SHRDGATE") && inq.contains("Product:ShardGate volume"), inq);
        String serial = ClientTools.runOk(LIMIT, "iscsi-inq", "-e", "1", "-c", "128", url(gateway, null, "alpha"))
                .stdout();
        String otherSerial = ClientTools.runOk(LIMIT, "iscsi-inq", "-e", "1", "-c", "128",
                url(gateway, "bob%" + SECRET, "mutual")).stdout();
        assertTrue(serial.contains("Unit Serial Number:["), serial);
        assertNotEquals(serial, otherSerial, "every volume has its own unit serial number");
        String cap = ClientTools.runOk(LIMIT, "iscsi-readcapacity16", url(gateway, null, "alpha")).stdout();
        assertTrue(cap.contains("Total size:" + 48 * MIB), cap);
        assertTrue(cap.contains("LOGICAL BLOCK LENGTH IN BYTES:512"), cap);
        ClientTools.Result missing = run("iscsi-inq", url(gateway, null, "nosuchvolume"));
        assertNotEquals(0, missing.exit(), "an unknown target is refused: " + missing.all());
    }

    @Test
    void discoveryWithAndWithoutChap() throws Exception {
        String portal = "iscsi://127.0.0.1:" + gateway.iscsiPort();
        String open = ClientTools.runOk(LIMIT, "iscsi-ls", portal).stdout();
        for (String v : new String[] {"alpha", "guarded", "mutual"}) {
            assertTrue(open.contains("Target:" + GatewayAccess.iqn(v) + " Portal:127.0.0.1:" + gateway.iscsiPort()
                    + ",1"), open);
        }
        gateway.iscsiAuth().setDiscovery(IscsiAuth.Credentials.oneWay("finder", SECRET));
        try {
            ClientTools.Result none = run("iscsi-ls", portal);
            assertNotEquals(0, none.exit(), "discovery without CHAP refused: " + none.all());
            ClientTools.Result wrong = run("iscsi-ls", "iscsi://finder%wrong-secret-000@127.0.0.1:"
                    + gateway.iscsiPort());
            assertNotEquals(0, wrong.exit(), "wrong secret refused: " + wrong.all());
            assertTrue(wrong.all().contains("Authentication failure"), wrong.all());
            String ok = ClientTools.runOk(LIMIT, "iscsi-ls", "iscsi://finder%" + SECRET + "@127.0.0.1:"
                    + gateway.iscsiPort()).stdout();
            assertTrue(ok.contains("Target:" + GatewayAccess.iqn("alpha")), ok);
        } finally {
            gateway.iscsiAuth().setDiscovery(null);
        }
    }

    @Test
    void perVolumeChapOneWayAndMutual() throws Exception {
        ClientTools.Result none = run("iscsi-inq", url(gateway, null, "guarded"));
        assertNotEquals(0, none.exit(), "no credentials: " + none.all());
        ClientTools.Result wrong = run("iscsi-inq", url(gateway, "alice%not-the-secret-1", "guarded"));
        assertNotEquals(0, wrong.exit(), "wrong secret: " + wrong.all());
        ClientTools.Result otherUser = run("iscsi-inq", url(gateway, "mallory%" + SECRET, "guarded"));
        assertNotEquals(0, otherUser.exit(), "wrong user: " + otherUser.all());
        ClientTools.runOk(LIMIT, "iscsi-inq", url(gateway, "alice%" + SECRET, "guarded"));
        // credentials of one volume do not open another
        assertNotEquals(0, run("iscsi-inq", url(gateway, "alice%" + SECRET, "mutual")).exit());

        String mutualUrl = url(gateway, "bob%" + SECRET, "mutual");
        ClientTools.runOk(LIMIT, "iscsi-inq", mutualUrl + "?target_user=gateway&target_password=" + TARGET_SECRET);
        ClientTools.Result badTarget = run("iscsi-inq", mutualUrl
                + "?target_user=gateway&target_password=some-other-secret");
        assertNotEquals(0, badTarget.exit(), "the initiator refuses a target that cannot prove itself: "
                + badTarget.all());
        // one-way login to a volume configured for mutual CHAP still authenticates the initiator
        ClientTools.runOk(LIMIT, "iscsi-inq", mutualUrl);
    }

    /** What the Cinder driver does: an export gives CHAP credentials; revoking the last initiator locks it again. */
    @Test
    void exportsGiveChapCredentialsAndRevokingTakesThemBack() throws Exception {
        GatewayAccess.create(gateway, "exported", 16 * MIB, 100);
        ClientTools.runOk(LIMIT, "iscsi-inq", url(gateway, null, "exported")); // open until exported
        java.net.http.HttpResponse<String> r = GatewayAccess.rest(gateway, "POST", "/v1/volumes/exported/exports",
                "{\"protocol\":\"iscsi\",\"initiator\":\"iqn.1994-05.com.example:host1\"}");
        assertEquals(200, r.statusCode(), r.body());
        io.vertx.core.json.JsonObject info = new io.vertx.core.json.JsonObject(r.body());
        assertEquals(GatewayAccess.iqn("exported"), info.getString("targetIqn"));
        assertEquals("127.0.0.1:" + gateway.iscsiPort(), info.getJsonArray("portals").getString(0));
        String user = info.getString("username");
        String secret = info.getString("password");
        assertNotEquals(0, run("iscsi-inq", url(gateway, null, "exported")).exit(), "CHAP is required now");
        ClientTools.runOk(LIMIT, "iscsi-inq", url(gateway, user + "%" + secret, "exported"));
        assertEquals(204, GatewayAccess.rest(gateway, "DELETE",
                "/v1/volumes/exported/exports/iqn.1994-05.com.example:host1", null).statusCode());
        assertNotEquals(0, run("iscsi-inq", url(gateway, user + "%" + secret, "exported")).exit(),
                "the detached host's secret no longer opens the target");
        assertEquals(400, GatewayAccess.rest(gateway, "POST", "/v1/volumes/exported/exports",
                "{\"protocol\":\"fc\",\"initiator\":\"x\"}").statusCode());
        assertEquals(204, GatewayAccess.rest(gateway, "DELETE", "/v1/volumes/exported", null).statusCode());
    }

    @Test
    void qemuImgConvertInAndOut() throws Exception {
        Path image = dir.resolve("random.raw");
        byte[] random = new byte[(int) (40 * MIB)];
        new Random(7).nextBytes(random);
        Files.write(image, random);
        String sum = GatewayAccess.sha256(image, random.length);
        String target = url(gateway, null, "alpha");
        ClientTools.runOk(LIMIT, "qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", image.toString(), target);
        Path back = dir.resolve("back.raw");
        ClientTools.runOk(LIMIT, "qemu-img", "convert", "-f", "raw", "-O", "raw", target, back.toString());
        assertEquals(48 * MIB, Files.size(back));
        assertEquals(sum, GatewayAccess.sha256(back, random.length), "image read back through iSCSI");
        ClientTools.Result same = run("qemu-img", "compare", "-f", "raw", "-F", "raw", back.toString(), target);
        assertEquals(0, same.exit(), same.all());
        random[12345] ^= 1; // negative control: one flipped bit is seen
        Files.write(image, random);
        ClientTools.Result differs = run("qemu-img", "compare", "-f", "raw", "-F", "raw", image.toString(), target);
        assertEquals(1, differs.exit(), differs.all());
    }

    @Test
    void qemuIoPatternsWithAndWithoutHeaderDigests() throws Exception {
        String target = url(gateway, null, "alpha");
        ClientTools.runOk(LIMIT, "qemu-io", "-f", "raw", "-c", "write -P 0x5a 41M 3M", "-c", "write -P 0x17 44M 512",
                "-c", "write -P 0x29 45M 4k", "-c", "write -z 46M 1M", target);
        ClientTools.runOk(LIMIT, "qemu-io", "-f", "raw", "-c", "read -P 0x5a 41M 3M", "-c", "read -P 0x17 44M 512",
                "-c", "read -P 0x29 45M 4k", "-c", "read -P 0 46M 1M", target);
        ClientTools.Result wrong = run("qemu-io", "-f", "raw", "-c", "read -P 0x5b 41M 4k", target);
        assertTrue(wrong.all().contains("Pattern verification failed"), "negative control: " + wrong.all());
        String digests = "driver=iscsi,transport=tcp,portal=127.0.0.1:" + gateway.iscsiPort() + ",target="
                + GatewayAccess.iqn("alpha") + ",lun=0,header-digest=crc32c";
        ClientTools.runOk(LIMIT, "qemu-io", "--image-opts", "-c", "write -P 0x66 47M 512k", "-c",
                "read -P 0x66 47M 512k", "-c", "read -P 0x5a 41M 3M", digests);
        ClientTools.runOk(LIMIT, "qemu-io", "-f", "raw", "-c", "read -P 0x66 47M 512k", "-c", "discard 47M 512k",
                "-c", "read -P 0 47M 512k", target);
    }
}
