package io.shardgate.tests.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardgate.gateway.testing.ClientTools;
import io.shardgate.openstack.client.Credentials;
import io.shardgate.openstack.client.JsonHttp;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real OpenStack on this machine for one test class: {@code tests/scripts/openstack.sh start DIR} brings up Ceph, a
 * gateway cluster, Keystone, RabbitMQ, MariaDB, Cinder with our backend and (unless {@code --no-nova}) Nova with the
 * fake driver, and writes {@code DIR/openstack.env}; {@link #close} runs {@code stop DIR}. A cloud that does not come
 * up fails the test with the script's output; it never skips.
 */
final class OpenStackCloud implements AutoCloseable {
    private static final Duration START = Duration.ofMinutes(8);
    private final Path script;
    private final Path dir;
    private final Map<String, String> env;
    private final boolean owned;
    private final JsonHttp http = new JsonHttp(5_000, 60_000);

    private OpenStackCloud(Path script, Path dir, Map<String, String> env, boolean owned) {
        this.script = script;
        this.dir = dir;
        this.env = env;
        this.owned = owned;
    }

    /**
     * Starts it into {@code dir}; with {@code nova} false the script gets {@code --no-nova}. With the system
     * property {@code shardgate.openstack.dir} (a directory of a cloud already started by the script, for
     * development) that cloud is used and left running.
     */
    static OpenStackCloud start(Path dir, boolean nova) throws IOException, InterruptedException {
        Path repo = Path.of(System.getProperty("shardgate.repo", "..")).toAbsolutePath().normalize();
        Path script = repo.resolve("tests/scripts/openstack.sh");
        if (!Files.isExecutable(script)) {
            throw new AssertionError("cannot find " + script + ": the OpenStack bring-up script (set -Dshardgate.repo"
                    + " to the repository root)");
        }
        String running = System.getProperty("shardgate.openstack.dir", "");
        if (!running.isBlank()) {
            return new OpenStackCloud(script, Path.of(running), readEnv(Path.of(running, "openstack.env")), false);
        }
        List<String> cmd = new ArrayList<>(List.of(script.toString(), "start", dir.toString()));
        if (!nova) {
            cmd.add("--no-nova");
        }
        ClientTools.Result r = ClientTools.run(START, cmd.toArray(String[]::new));
        Path envFile = dir.resolve("openstack.env");
        if (r.exit() != 0 || !Files.exists(envFile)) {
            ClientTools.run(Duration.ofMinutes(2), script.toString(), "stop", dir.toString());
            throw new AssertionError("the test OpenStack did not start (" + String.join(" ", cmd) + " exited with "
                    + r.exit() + (Files.exists(envFile) ? "" : ", no " + envFile) + "):\n" + tail(r.all()));
        }
        return new OpenStackCloud(script, dir, readEnv(envFile), true);
    }

    /** KEY=VALUE lines (values optionally quoted); {@code #} comments. */
    private static Map<String, String> readEnv(Path envFile) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(envFile)) {
            int eq = line.indexOf('=');
            if (eq > 0 && !line.startsWith("#")) {
                env.put(line.substring(0, eq).strip(), unquote(line.substring(eq + 1).strip()));
            }
        }
        return env;
    }

    private static String unquote(String v) {
        boolean quoted = v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"")
                || v.startsWith("'") && v.endsWith("'"));
        return quoted ? v.substring(1, v.length() - 1) : v;
    }

    private static String tail(String s) {
        return s.length() <= 6000 ? s : "...\n" + s.substring(s.length() - 6000);
    }

    /** A value of {@code openstack.env}; a missing one fails the test naming it. */
    String env(String key) {
        String v = env.get(key);
        if (v == null || v.isBlank()) {
            throw new AssertionError(dir.resolve("openstack.env") + " has no " + key + " (it has " + env.keySet()
                    + ")");
        }
        return v;
    }

    /** The admin's credentials ({@code OS_ADMIN_*}). */
    Credentials admin() {
        return credentials("ADMIN");
    }

    /** The cloud user's credentials ({@code OS_DEMO_*}). */
    Credentials demo() {
        return credentials("DEMO");
    }

    private Credentials credentials(String who) {
        return new Credentials(URI.create(env("OS_AUTH_URL")), env("OS_" + who + "_USERNAME"),
                env("OS_" + who + "_PASSWORD"), env("OS_" + who + "_PROJECT"), env("OS_USER_DOMAIN_NAME"),
                env("OS_PROJECT_DOMAIN_NAME"), env.get("OS_REGION_NAME"));
    }

    /**
     * A service user's credentials, whose token Cinder accepts as {@code X-Service-Token} (role {@code service}):
     * {@code OS_SERVICE_*} if the env file has them, else the script's {@code cinder} user of project
     * {@code service} with the password in {@code DIR/service.password}.
     */
    Credentials serviceUser() throws IOException {
        String password = env.containsKey("OS_SERVICE_PASSWORD") ? env("OS_SERVICE_PASSWORD")
                : Files.readString(dir.resolve("service.password")).strip();
        return new Credentials(URI.create(env("OS_AUTH_URL")), env.getOrDefault("OS_SERVICE_USERNAME", "cinder"),
                password, env.getOrDefault("OS_SERVICE_PROJECT", "service"), env("OS_USER_DOMAIN_NAME"),
                env("OS_PROJECT_DOMAIN_NAME"), env.get("OS_REGION_NAME"));
    }

    /** The environment {@code gateway.jar openstack} reads, for the admin. */
    Map<String, String> adminEnvironment() {
        Credentials c = admin();
        return Map.of("OS_AUTH_URL", c.authUrl().toString(), "OS_USERNAME", c.username(), "OS_PASSWORD",
                c.password(), "OS_PROJECT_NAME", c.projectName(), "OS_USER_DOMAIN_NAME", c.userDomain(),
                "OS_PROJECT_DOMAIN_NAME", c.projectDomain(), "OS_REGION_NAME", env.getOrDefault("OS_REGION_NAME", ""));
    }

    /**
     * A gateway REST call with the admin secret, to the first gateway that answers.
     *
     * @return the answer (any status)
     */
    JsonHttp.Reply gateway(String method, String path, JsonNode body) throws IOException {
        String token = Files.readString(Path.of(env("SHARDGATE_TOKEN_FILE"))).strip();
        AssertionError last = null;
        for (String url : env("SHARDGATE_URLS").split(",")) {
            try {
                return http.send(method, url.strip().replaceAll("/+$", "") + path,
                        Map.of("Authorization", "Bearer " + token), body);
            } catch (RuntimeException e) {
                last = new AssertionError("gateway " + url + " did not answer: " + e.getMessage(), e);
            }
        }
        throw last;
    }

    /** Stops everything the script started. */
    @Override
    public void close() throws IOException, InterruptedException {
        http.close();
        if (!owned) {
            return;
        }
        ClientTools.Result r = ClientTools.run(Duration.ofMinutes(3), script.toString(), "stop", dir.toString());
        if (r.exit() != 0) {
            System.err.println("openstack.sh stop exited with " + r.exit() + ":\n" + tail(r.all()));
        }
    }
}
