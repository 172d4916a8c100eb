package io.shardgate.openstack.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.Closeable;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Cinder v3 calls OpenStack4j lacks, on an {@link OpenStackSession}'s token and the catalog's Cinder v3 endpoint
 * ({@code volumev3}, else {@code block-storage}): QoS specs, volume type extra specs, the attachments API and user
 * messages. Every request asks for microversion {@value #MICROVERSION} (attachments complete from 3.44). Errors are
 * {@link OpenStackException}s with Cinder's status and message. Thread-safe; blocking.
 */
public final class CinderRest implements Closeable {
    /** The Cinder API microversion requested. */
    public static final String MICROVERSION = "3.44";
    private final ServiceRest rest;

    public CinderRest(OpenStackSession session) {
        this.rest = new ServiceRest(session, "Cinder", "volume " + MICROVERSION, "volumev3", "block-storage");
    }

    /** A QoS spec as Cinder lists it. */
    public record QosSpec(String id, String name, String consumer, Map<String, String> specs) {
    }

    // ---- volume types

    /** A volume type's id, extra specs and associated QoS spec id (null if none; shown to admins only). */
    public record VolumeType(String id, String name, Map<String, String> extraSpecs, String qosSpecsId) {
    }

    /** Every volume type (public and private) by name. */
    public Map<String, VolumeType> volumeTypes() {
        Map<String, VolumeType> out = new LinkedHashMap<>();
        for (JsonNode t : call("GET", "/types?is_public=None", null).path("volume_types")) {
            out.put(t.path("name").asText(), new VolumeType(t.path("id").asText(), t.path("name").asText(),
                    strings(t.path("extra_specs")), text(t.path("qos_specs_id"))));
        }
        return out;
    }

    /** Creates a public volume type with these extra specs; returns its id. */
    public String createVolumeType(String name, Map<String, String> extraSpecs) {
        ObjectNode t = JsonHttp.JSON.createObjectNode().put("name", name).put("os-volume-type-access:is_public", true);
        t.set("extra_specs", JsonHttp.JSON.valueToTree(extraSpecs));
        return call("POST", "/types", wrap("volume_type", t)).path("volume_type").path("id").asText();
    }

    /** Deletes a volume type. */
    public void deleteVolumeType(String typeId) {
        call("DELETE", "/types/" + typeId, null);
    }

    /** Sets (adds or overwrites) extra specs of a type. */
    public void setExtraSpecs(String typeId, Map<String, String> specs) {
        call("POST", "/types/" + typeId + "/extra_specs", wrap("extra_specs", JsonHttp.JSON.valueToTree(specs)));
    }

    /** Removes one extra spec of a type. */
    public void unsetExtraSpec(String typeId, String key) {
        call("DELETE", "/types/" + typeId + "/extra_specs/" + enc(key), null);
    }

    /** A type's extra specs. */
    public Map<String, String> extraSpecs(String typeId) {
        return strings(call("GET", "/types/" + typeId + "/extra_specs", null).path("extra_specs"));
    }

    // ---- QoS specs

    /** Every QoS spec by name. */
    public Map<String, QosSpec> qosSpecs() {
        Map<String, QosSpec> out = new LinkedHashMap<>();
        for (JsonNode q : call("GET", "/qos-specs", null).path("qos_specs")) {
            QosSpec s = qos(q);
            out.put(s.name(), s);
        }
        return out;
    }

    /** Creates a QoS spec; returns it. */
    public QosSpec createQos(String name, String consumer, Map<String, String> specs) {
        ObjectNode q = JsonHttp.JSON.valueToTree(specs);
        q.put("name", name).put("consumer", consumer);
        return qos(call("POST", "/qos-specs", wrap("qos_specs", q)).path("qos_specs"));
    }

    /** Sets keys of a QoS spec ({@code consumer} included). */
    public void setQosKeys(String qosId, Map<String, String> specs) {
        call("PUT", "/qos-specs/" + qosId, wrap("qos_specs", JsonHttp.JSON.valueToTree(specs)));
    }

    /** Removes keys of a QoS spec. */
    public void unsetQosKeys(String qosId, Collection<String> keys) {
        ArrayNode a = JsonHttp.JSON.valueToTree(List.copyOf(keys));
        call("PUT", "/qos-specs/" + qosId + "/delete_keys", wrap("keys", a));
    }

    /** Deletes a QoS spec, disassociating it first if {@code force}. */
    public void deleteQos(String qosId, boolean force) {
        call("DELETE", "/qos-specs/" + qosId + "?force=" + (force ? "True" : "False"), null);
    }

    /** Associates a QoS spec with a volume type (a type has at most one). */
    public void associate(String qosId, String typeId) {
        call("GET", "/qos-specs/" + qosId + "/associate?vol_type_id=" + enc(typeId), null);
    }

    /** Undoes {@link #associate}. */
    public void disassociate(String qosId, String typeId) {
        call("GET", "/qos-specs/" + qosId + "/disassociate?vol_type_id=" + enc(typeId), null);
    }

    /** The ids of the volume types a QoS spec is associated with. */
    public List<String> associations(String qosId) {
        List<String> ids = new ArrayList<>();
        call("GET", "/qos-specs/" + qosId + "/associations", null).path("qos_associations")
                .forEach(a -> ids.add(a.path("id").asText()));
        return ids;
    }

    // ---- attachments (what Nova does)

    /**
     * Creates an attachment of a volume to an instance ({@code POST /attachments}); with a connector Cinder also
     * returns the connection info ({@code attachment.connection_info}).
     *
     * @param connector the host's connector (os-brick's form), or null to reserve only
     * @return the {@code attachment} object
     */
    public JsonNode createAttachment(String volumeId, String instanceUuid, JsonNode connector) {
        // read-write: the attach mode is a field only from microversion 3.54
        ObjectNode a = JsonHttp.JSON.createObjectNode().put("volume_uuid", volumeId)
                .put("instance_uuid", instanceUuid);
        if (connector != null) {
            a.set("connector", connector);
        }
        return call("POST", "/attachments", wrap("attachment", a)).path("attachment");
    }

    /** Gives an attachment its connector ({@code PUT /attachments/{id}}); returns the {@code attachment} object. */
    public JsonNode updateAttachment(String attachmentId, JsonNode connector) {
        ObjectNode a = JsonHttp.JSON.createObjectNode();
        a.set("connector", connector);
        return call("PUT", "/attachments/" + attachmentId, wrap("attachment", a)).path("attachment");
    }

    /** Marks an attachment complete: the volume becomes {@code in-use}. */
    public void completeAttachment(String attachmentId) {
        call("POST", "/attachments/" + attachmentId + "/action",
                wrap("os-complete", JsonHttp.JSON.nullNode()));
    }

    /** The {@code attachment} object. */
    public JsonNode attachment(String attachmentId) {
        return call("GET", "/attachments/" + attachmentId, null).path("attachment");
    }

    /**
     * Deletes an attachment (detach), as Nova does: with a service token in {@code X-Service-Token} beside the
     * user's, which Cinder asks for when a user removes the attachment of an instance.
     *
     * @param serviceToken a token of a user with the service (or admin) role, or null
     */
    public void deleteAttachment(String attachmentId, String serviceToken) {
        Map<String, String> h = serviceToken == null ? Map.of() : Map.of("X-Service-Token", serviceToken);
        rest.call("DELETE", "/attachments/" + attachmentId, null, h);
    }

    // ---- user messages

    /** The user messages about a resource (a volume's id), oldest first. */
    public List<JsonNode> userMessages(String resourceId) {
        List<JsonNode> out = new ArrayList<>();
        call("GET", "/messages?resource_uuid=" + enc(resourceId), null).path("messages").forEach(out::add);
        return out;
    }

    // ---- plumbing

    /** Any other Cinder call, with the token and the microversion; returns the body of a 2xx answer. */
    public JsonNode call(String method, String path, JsonNode body) {
        return rest.call(method, path, body);
    }

    private static ObjectNode wrap(String key, JsonNode value) {
        ObjectNode o = JsonHttp.JSON.createObjectNode();
        o.set(key, value);
        return o;
    }

    private static QosSpec qos(JsonNode q) {
        return new QosSpec(q.path("id").asText(), q.path("name").asText(), q.path("consumer").asText(),
                strings(q.path("specs")));
    }

    private static Map<String, String> strings(JsonNode obj) {
        Map<String, String> m = new LinkedHashMap<>();
        obj.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }

    private static String text(JsonNode n) {
        return n.isTextual() ? n.asText() : null;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        rest.close();
    }
}
