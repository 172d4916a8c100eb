package io.shardgate.gateway.iscsi;

import io.shardgate.gateway.server.EmbeddedGateway;
import io.shardgate.gateway.server.EmbeddedGatewayFixture;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Real gateways with the iSCSI front end on a free port, for the iSCSI suites: start, REST calls, URLs, checksums. */
final class GatewayAccess {
    private GatewayAccess() {
    }

    /** One embedded gateway (64 KiB chunks, so I/O crosses chunks and shards) with iSCSI on a free port. */
    static EmbeddedGateway single(Path dataDir) throws Exception {
        return new EmbeddedGateway(EmbeddedGatewayFixture.options(dataDir).withIscsiPort(0)).start();
    }

    /** Three 10,000-IOPS servers of one spine sharing a store under {@code dir}, each with iSCSI on a free port. */
    static List<EmbeddedGateway> cluster(Path dir) throws Exception {
        return EmbeddedGatewayFixture.startCluster(dir, new int[] {freePort(), freePort(), freePort()}, 0,
                o -> o.withIscsiPort(0));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A REST call with the admin token; returns status and body. */
    static HttpResponse<String> rest(EmbeddedGateway g, String method, String path, String body) throws Exception {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.restPort()
                        + path)).header("Authorization", "Bearer " + g.token()).method(method, publisher).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Creates a volume over REST and fails unless the gateway answers 201. */
    static void create(EmbeddedGateway g, String name, long sizeBytes, int iops) throws Exception {
        HttpResponse<String> r = rest(g, "POST", "/v1/volumes", "{\"name\":\"" + name + "\",\"sizeBytes\":" + sizeBytes
                + ",\"iops\":" + iops + ",\"throughputMBps\":200,\"workload\":\"database\"}");
        assertEquals(201, r.statusCode(), r.body());
    }

    static String iqn(String volume) {
        return IscsiServerOptions.DEFAULT_IQN_PREFIX + volume;
    }

    /** {@code iscsi://[credentials@]127.0.0.1:PORT/<iqn>/0}. */
    static String url(EmbeddedGateway g, String credentials, String volume) {
        return "iscsi://" + (credentials == null ? "" : credentials + "@") + "127.0.0.1:" + g.iscsiPort() + "/"
                + iqn(volume) + "/0";
    }

    static String sha256(Path file, long length) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            long left = length;
            for (int n; left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0; left -= n) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
