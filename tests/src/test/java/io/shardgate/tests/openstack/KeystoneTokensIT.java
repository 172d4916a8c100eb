package io.shardgate.tests.openstack;

import io.shardgate.gateway.rest.KeystoneTokenValidator;
import io.shardgate.gateway.server.EmbeddedGateway;
import io.shardgate.gateway.server.EmbeddedGatewayFixture;
import io.shardgate.tests.fixture.KeystoneServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The gateway accepts Keystone tokens, validated against a real Keystone (Debian's, started by the test scripts), as
 * well as its own admin secret: a token with the required role manages volumes, a token without it or a made-up one
 * is refused.
 */
class KeystoneTokensIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private static HttpResponse<String> call(String method, URI uri, String header, String value, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json");
        if (header != null) {
            b.header(header, value);
        }
        return HTTP.send(b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A project-scoped token for a user of the Default domain. */
    private static String token(String user, String password, String project) throws Exception {
        JsonObject body = new JsonObject().put("auth", new JsonObject()
                .put("identity", new JsonObject().put("methods", new JsonArray().add("password"))
                        .put("password", new JsonObject().put("user", new JsonObject().put("name", user)
                                .put("domain", new JsonObject().put("name", "Default")).put("password", password))))
                .put("scope", new JsonObject().put("project", new JsonObject().put("name", project)
                        .put("domain", new JsonObject().put("name", "Default")))));
        HttpResponse<String> r = call("POST", URI.create(KeystoneServer.url() + "/auth/tokens"), null, null,
                body.encode());
        assertEquals(201, r.statusCode(), r.body());
        return r.headers().firstValue("X-Subject-Token").orElseThrow();
    }

    private static String id(HttpResponse<String> r, String kind) {
        assertEquals(201, r.statusCode(), r.body());
        return new JsonObject(r.body()).getJsonObject(kind).getString("id");
    }

    @Test
    void keystoneTokensWithTheRoleManageVolumesOthersAreRefused() throws Exception {
        URI ks = KeystoneServer.url();
        String admin = token("admin", KeystoneServer.adminPassword(), "admin");
        // a plain member: a user with only the "member" role on the admin project
        String project = new JsonObject(call("GET", URI.create(ks + "/projects?name=admin"), "X-Auth-Token", admin,
                null).body()).getJsonArray("projects").getJsonObject(0).getString("id");
        String role = new JsonObject(call("GET", URI.create(ks + "/roles?name=member"), "X-Auth-Token", admin, null)
                .body()).getJsonArray("roles").getJsonObject(0).getString("id");
        String user = id(call("POST", URI.create(ks + "/users"), "X-Auth-Token", admin, new JsonObject()
                .put("user", new JsonObject().put("name", "member-" + ProcessHandle.current().pid())
                        .put("domain_id", "default").put("password", "member-password-1")).encode()), "user");
        assertEquals(204, call("PUT", URI.create(ks + "/projects/" + project + "/users/" + user + "/roles/" + role),
                "X-Auth-Token", admin, null).statusCode());
        String member = token("member-" + ProcessHandle.current().pid(), "member-password-1", "admin");

        try (EmbeddedGateway g = new EmbeddedGateway(EmbeddedGatewayFixture.options(dir).withKeystone(
                new KeystoneTokenValidator.Settings(ks, "admin", KeystoneServer.adminPassword(), "admin", "Default",
                        "admin"))).start()) {
            URI volumes = URI.create("http://127.0.0.1:" + g.restPort() + "/v1/volumes");
            assertEquals(201, call("POST", volumes, "Authorization", "Bearer " + admin, "{\"name\":\"ks\","
                    + "\"sizeBytes\":1048576,\"iops\":100}").statusCode(), "a Keystone admin token creates a volume");
            assertEquals(200, call("GET", volumes, "Authorization", "Bearer " + admin, null).statusCode(),
                    "and is cached for the next call");
            assertEquals(401, call("GET", volumes, "Authorization", "Bearer " + member, null).statusCode(),
                    "a valid token without the admin role is refused");
            assertEquals(401, call("GET", volumes, "Authorization", "Bearer gAAAAAmadeup", null).statusCode(),
                    "a token Keystone does not know is refused");
            assertEquals(200, call("GET", volumes, "Authorization", "Bearer " + g.token(), null).statusCode(),
                    "the admin secret still works");
            assertEquals(204, call("DELETE", URI.create(volumes + "/ks"), "Authorization", "Bearer " + admin, null)
                    .statusCode());
        }
    }
}
