package io.shardgate.gateway.rest;

import io.shardgate.gateway.cli.Main;
import io.shardgate.gateway.server.EmbeddedGateway;
import io.shardgate.gateway.server.EmbeddedGatewayFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The REST API and the volume CLI against a running embedded gateway, over real HTTP. */
class RestApiTest {
    @TempDir
    static Path dir;
    static EmbeddedGateway gateway;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        gateway = EmbeddedGatewayFixture.start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
    }

    record Reply(int status, String body) {
        JsonObject json() {
            return new JsonObject(body);
        }
    }

    static Reply call(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.restPort() + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body());
    }

    static Reply call(String method, String path, String body) throws Exception {
        return call(method, path, body, gateway.token());
    }

    @Test
    void healthAndOpenApiNeedNoTokenEverythingElseDoes() throws Exception {
        assertEquals(200, call("GET", "/v1/health", null, null).status());
        assertEquals(200, call("GET", "/v1/openapi.json", null, null).status());
        Reply none = call("GET", "/v1/volumes", null, null);
        assertEquals(401, none.status());
        assertEquals("unauthorized", none.json().getString("error"));
        assertEquals(401, call("GET", "/v1/volumes", null, "not-the-token-at-all").status());
        assertEquals(200, call("GET", "/v1/volumes", null).status());
        assertEquals(gateway.token(), Files.readString(dir.resolve("admin.token")).trim());
    }

    @Test
    void theOpenApiDocumentDescribesExactlyTheRoutes() throws Exception {
        JsonObject doc = call("GET", "/v1/openapi.json", null, null).json();
        Set<String> documented = new HashSet<>();
        JsonObject paths = doc.getJsonObject("paths");
        for (String p : paths.fieldNames()) {
            for (String m : paths.getJsonObject(p).fieldNames()) {
                if (!m.equals("parameters")) {
                    documented.add(m.toUpperCase() + " " + p);
                }
            }
        }
        assertEquals(new HashSet<>(RestApi.ROUTES), documented);
    }

    @Test
    void aVolumeLifecycle() throws Exception {
        Reply created = call("POST", "/v1/volumes", "{\"name\":\"life\",\"sizeBytes\":1048576,\"iops\":1000,"
                + "\"throughputMBps\":50,\"latencyUs\":500,\"workload\":\"database\"}");
        assertEquals(201, created.status(), created.body());
        assertEquals("database", created.json().getJsonObject("spec").getString("workload"));
        assertEquals(409, call("POST", "/v1/volumes", "{\"name\":\"life\",\"sizeBytes\":1048576,\"iops\":1}").status());
        JsonObject shards = call("GET", "/v1/volumes/life/shards", null).json();
        assertEquals(1048576, shards.getJsonArray("shards").stream().mapToLong(s -> ((JsonObject) s).getLong("length"))
                .sum());
        Reply grown = call("POST", "/v1/volumes/life/extend", "{\"sizeBytes\":2097152}");
        assertEquals(200, grown.status(), grown.body());
        assertEquals(2, grown.json().getLong("mapVersion"));
        Reply shrink = call("POST", "/v1/volumes/life/extend", "{\"sizeBytes\":1024}");
        assertEquals(400, shrink.status());
        assertEquals("sizeBytes", shrink.json().getString("field"));
        assertEquals(200, call("GET", "/v1/volumes/life/stats", null).status());
        JsonArray servers = call("GET", "/v1/cluster/servers", null).json().getJsonArray("servers");
        assertEquals(1000, servers.getJsonObject(0).getJsonObject("reserved").getLong("iops"));
        JsonObject capacity = call("GET", "/v1/cluster/capacity", null).json();
        assertEquals(2097152, capacity.getLong("provisionedBytes"), capacity.encode());
        JsonObject store = capacity.getJsonObject("store"); // a local directory: its file system
        assertTrue(store.getLong("totalBytes") > 0 && store.getLong("availableBytes") <= store.getLong("totalBytes"),
                capacity.encode());
        assertEquals(java.nio.file.Files.getFileStore(dir).getTotalSpace(), store.getLong("totalBytes"));
        assertEquals(204, call("DELETE", "/v1/volumes/life", null).status());
        assertEquals(404, call("GET", "/v1/volumes/life", null).status());
        assertEquals(404, call("DELETE", "/v1/volumes/life", null).status());
        assertEquals(0, call("GET", "/v1/cluster/servers", null).json().getJsonArray("servers").getJsonObject(0)
                .getJsonObject("reserved").getLong("iops"), "delete releases the reservation");
    }

    @Test
    void aSpecNoSpineCanMeetIsRefusedWithThePlannersReason() throws Exception {
        Reply r = call("POST", "/v1/volumes", "{\"name\":\"huge\",\"sizeBytes\":1048576,\"iops\":5000000}");
        assertEquals(409, r.status());
        JsonObject refusal = r.json().getJsonObject("refusal");
        assertTrue(refusal.getString("summary").contains("short"), refusal.encode());
        JsonObject s = refusal.getJsonArray("shortfalls").getJsonObject(0);
        assertEquals("iops", s.getString("resource"));
        assertEquals(5_000_000, s.getDouble("required"));
        assertEquals(404, call("GET", "/v1/volumes/huge", null).status(), "nothing was created");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "not json                                                        | body",
            "[1,2]                                                           | body",
            "{\"sizeBytes\":1048576,\"iops\":1}                              | name",
            "{\"name\":\"a/b\",\"sizeBytes\":1048576,\"iops\":1}             | name",
            "{\"name\":\"x\",\"iops\":1}                                     | sizeBytes",
            "{\"name\":\"x\",\"sizeBytes\":-5,\"iops\":1}                    | sizeBytes",
            "{\"name\":\"x\",\"sizeBytes\":\"big\",\"iops\":1}               | sizeBytes",
            "{\"name\":\"x\",\"sizeBytes\":1048576}                          | iops",
            "{\"name\":\"x\",\"sizeBytes\":1048576,\"iops\":-1}              | iops",
            "{\"name\":\"x\",\"sizeBytes\":1048576,\"iops\":1.5}             | iops",
            "{\"name\":\"x\",\"sizeBytes\":1048576,\"iops\":1,\"throughputMBps\":-2} | throughputMBps",
            "{\"name\":\"x\",\"sizeBytes\":1048576,\"iops\":1,\"workload\":\"gaming\"} | workload",
            "{\"name\":\"x\",\"sizeBytes\":1048576,\"iops\":1,\"colour\":\"red\"} | colour",
            "{\"name\":\"x\",\"sizeBytes\":1048576,\"iops\":1,\"fallbacks\":[{\"iops\":-3}]} | fallbacks[0].iops",
            "{\"name\":\"x\",\"sizeBytes\":1048576,\"iops\":1,\"fallbacks\":{}} | fallbacks"})
    void malformedBodiesGet400NamingTheField(String body, String field) throws Exception {
        Reply r = call("POST", "/v1/volumes", body.trim());
        assertEquals(400, r.status(), r.body());
        assertEquals("invalid", r.json().getString("error"));
        assertEquals(field, r.json().getString("field"), r.body());
        assertEquals(404, call("GET", "/v1/volumes/x", null).status(), "nothing was created");
    }

    @Test
    void oversizedBodiesAreRefused() throws Exception {
        String big = "{\"name\":\"" + "x".repeat(100_000) + "\"}";
        assertEquals(413, call("POST", "/v1/volumes", big).status());
    }

    @Test
    void prometheusMetricsCountVolumeIo() throws Exception {
        Reply m = call("GET", "/metrics", null, null);
        assertEquals(200, m.status());
        assertTrue(m.body().contains("jvm_memory"), "JVM meters are bound");
    }

    private static int cli(ByteArrayOutputStream out, String... args) {
        PrintStream old = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            String[] full = new String[args.length + 4];
            System.arraycopy(args, 0, full, 0, args.length);
            full[args.length] = "--url";
            full[args.length + 1] = "http://127.0.0.1:" + gateway.restPort();
            full[args.length + 2] = "--token-file";
            full[args.length + 3] = dir.resolve("admin.token").toString();
            return Main.run(full);
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void aNewSpecReplansTheVolumeOrIsRefusedChangingNothing() throws Exception {
        Reply r = call("POST", "/v1/volumes", "{\"name\":\"rs\",\"sizeBytes\":1048576,\"iops\":100}");
        assertEquals(201, r.status(), r.body());
        r = call("PUT", "/v1/volumes/rs/spec", "{\"iops\":900,\"workload\":\"database\"}");
        assertEquals(200, r.status(), r.body());
        assertEquals(900, new JsonObject(r.body()).getJsonObject("spec").getLong("iops"));
        assertEquals(1048576, new JsonObject(r.body()).getLong("sizeBytes"), "the size stays");
        r = call("PUT", "/v1/volumes/rs/spec", "{\"iops\":999999999}");
        assertEquals(409, r.status(), r.body());
        assertEquals("refused", new JsonObject(r.body()).getString("error"));
        r = call("PUT", "/v1/volumes/rs/spec", "{\"iops\":10,\"sizeBytes\":5}");
        assertEquals(400, r.status(), r.body());
        assertEquals(900, new JsonObject(call("GET", "/v1/volumes/rs", null).body()).getJsonObject("spec")
                .getLong("iops"), "refusals changed nothing");
        assertEquals(204, call("DELETE", "/v1/volumes/rs", null).status());
    }

    @Test
    void theVolumeCommandDrivesTheApi() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, cli(out, "volume", "create", "--name", "cli1", "--size", "8M", "--iops", "500",
                "--throughput", "20", "--workload", "vdi", "--fallback", "iops=100"));
        assertTrue(out.toString().contains("8,388,608 bytes"), out.toString());
        out.reset();
        assertEquals(0, cli(out, "volume", "list"));
        assertTrue(out.toString().contains("cli1"), out.toString());
        out.reset();
        assertEquals(0, cli(out, "volume", "show", "cli1", "--json"));
        assertEquals(8 << 20, new JsonObject(out.toString()).getJsonObject("shardMap").getLong("sizeBytes"));
        out.reset();
        assertEquals(0, cli(out, "volume", "extend", "cli1", "--size", "16M"));
        assertEquals(1, cli(out, "volume", "create", "--name", "cli2", "--size", "1G", "--iops", "99999999"),
                "refused: exit 1");
        assertEquals(2, cli(out, "volume", "create", "--name", "cli3", "--size", "lots", "--iops", "1"),
                "usage: exit 2");
        assertEquals(1, cli(out, "volume", "show", "nope"));
        out.reset();
        assertEquals(0, cli(out, "volume", "snapshot", "create", "cli1", "before"));
        assertEquals(0, cli(out, "volume", "snapshot", "list", "cli1"));
        assertTrue(out.toString().contains("before"), out.toString());
        assertEquals(0, cli(out, "volume", "create", "--name", "cli4", "--size", "16M", "--iops", "10", "--source",
                "cli1@before"));
        assertEquals(1, cli(out, "volume", "delete", "cli1"), "cli1 has a snapshot");
        assertEquals(0, cli(out, "volume", "revert", "cli1", "before"));
        assertEquals(0, cli(out, "volume", "snapshot", "delete", "cli1", "before"));
        assertEquals(0, cli(out, "volume", "delete", "cli1"));
        assertEquals(0, cli(out, "volume", "delete", "cli4"));
    }
}
