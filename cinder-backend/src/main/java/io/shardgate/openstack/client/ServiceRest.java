package io.shardgate.openstack.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.Closeable;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON calls to one OpenStack service of a session's catalog, with the session's token and a microversion header
 * ({@code OpenStack-API-Version: <service> <version>}). Errors are {@link OpenStackException}s with the service's
 * status and message. Thread-safe; blocking.
 */
public final class ServiceRest implements Closeable {
    private final OpenStackSession session;
    private final String name;
    private final String base;
    private final String microversion;
    private final JsonHttp http = new JsonHttp(10_000, 120_000);

    /**
     * @param name         what to call the service in errors (Cinder, Nova)
     * @param microversion the header's value, e.g. {@code volume 3.44}
     * @param types        catalog types to look for, in order (e.g. {@code volumev3}, {@code block-storage})
     */
    public ServiceRest(OpenStackSession session, String name, String microversion, String... types) {
        this.session = session;
        this.name = name;
        this.microversion = microversion;
        this.base = session.endpoint(types);
    }

    /** The service's URL (the catalog's, without a trailing slash). */
    public String base() {
        return base;
    }

    /** Sends a request; returns the body of a 2xx answer (a missing node when empty). */
    public JsonNode call(String method, String path, JsonNode body) {
        return call(method, path, body, Map.of());
    }

    /** The same with extra headers. */
    public JsonNode call(String method, String path, JsonNode body, Map<String, String> headers) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put("X-Auth-Token", session.tokenId());
        h.put("OpenStack-API-Version", microversion);
        JsonHttp.Reply r = http.send(method, base + path, h, body);
        if (r.status() / 100 != 2) {
            throw new OpenStackException(r.status(), name + " " + method + " " + path.replaceAll("\\?.*", "") + ": "
                    + r.status() + " " + r.errorMessage(), null);
        }
        return r.body();
    }

    @Override
    public void close() throws IOException {
        http.close();
    }
}
