package io.shardgate.gateway.rest;

import io.shardgate.core.spec.PerformanceSpec;
import io.shardgate.core.spec.WorkloadType;
import io.shardgate.gateway.volume.CreateVolumeRequest;
import io.shardgate.gateway.volume.ReshardRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Parses and validates request bodies; every failure names the field at fault. Unknown fields are refused. */
final class RequestBodies {
    private static final Set<String> CREATE_FIELDS = Set.of("name", "sizeBytes", "iops", "throughputMBps", "latencyUs",
            "workload", "clientSpine", "fallbacks", "source");
    private static final Set<String> FALLBACK_FIELDS = Set.of("iops", "throughputMBps", "latencyUs", "workload");

    private RequestBodies() {
    }

    static JsonObject object(Buffer body) {
        if (body == null || body.length() == 0) {
            throw new BadRequest("body", "a JSON object is required");
        }
        try {
            Object v = io.vertx.core.json.Json.decodeValue(body);
            if (v instanceof JsonObject o) {
                return o;
            }
            throw new BadRequest("body", "the body must be a JSON object");
        } catch (DecodeException e) {
            throw new BadRequest("body", "the body is not valid JSON: " + e.getMessage());
        }
    }

    static CreateVolumeRequest createVolume(JsonObject o) {
        unknownFields(o, CREATE_FIELDS, "");
        String name = string(o, "name", true);
        long size = positiveLong(o, "sizeBytes", true, 0);
        PerformanceSpec spec = specWithFallbacks(o, size);
        String clientSpine = string(o, "clientSpine", false);
        CreateVolumeRequest.Source source = null;
        Object src = o.getValue("source");
        if (src != null) {
            if (!(src instanceof JsonObject so)) {
                throw new BadRequest("source", "source must be an object: {\"volume\": V} or {\"volume\": V,"
                        + " \"snapshot\": S}");
            }
            unknownFields(so, Set.of("volume", "snapshot"), "source.");
            source = new CreateVolumeRequest.Source(string(so, "volume", true, "source."),
                    string(so, "snapshot", false, "source."));
        }
        try {
            return new CreateVolumeRequest(name, spec, clientSpine, source);
        } catch (IllegalArgumentException e) {
            throw new BadRequest("name", e.getMessage());
        }
    }

    /** The spec fields of a body and its {@code fallbacks}, for a volume of {@code size} bytes. */
    private static PerformanceSpec specWithFallbacks(JsonObject o, long size) {
        PerformanceSpec base = spec(o, "", size);
        List<PerformanceSpec> fallbacks = new ArrayList<>();
        Object f = o.getValue("fallbacks");
        if (f != null) {
            if (!(f instanceof JsonArray arr)) {
                throw new BadRequest("fallbacks", "fallbacks must be an array of specs");
            }
            for (int i = 0; i < arr.size(); i++) {
                if (!(arr.getValue(i) instanceof JsonObject fo)) {
                    throw new BadRequest("fallbacks[" + i + "]", "each fallback must be an object");
                }
                unknownFields(fo, FALLBACK_FIELDS, "fallbacks[" + i + "].");
                fallbacks.add(spec(fo, "fallbacks[" + i + "].", size));
            }
        }
        return new PerformanceSpec(size, base.iops(), base.throughputMBps(), base.latencyUs(), base.workload(),
                fallbacks);
    }

    /** A new spec for a volume (its size is the volume's: set by the manager). */
    static PerformanceSpec respec(JsonObject o) {
        unknownFields(o, Set.of("iops", "throughputMBps", "latencyUs", "workload", "fallbacks"), "");
        return specWithFallbacks(o, 1);
    }

    /** An export request: {@code {"protocol": "iscsi"|"nbd", "initiator": NAME}} → {protocol, initiator}. */
    static String[] export(JsonObject o) {
        unknownFields(o, Set.of("protocol", "initiator"), "");
        String protocol = string(o, "protocol", true);
        if (!protocol.equals("iscsi") && !protocol.equals("nbd")) {
            throw new BadRequest("protocol", "protocol must be iscsi or nbd, was " + protocol);
        }
        String initiator = string(o, "initiator", true);
        if (initiator.isBlank() || initiator.length() > 223 || initiator.contains("/")) {
            throw new BadRequest("initiator", "initiator must be an iSCSI initiator name (up to 223 characters,"
                    + " no '/'), was '" + initiator + "'");
        }
        return new String[] {protocol, initiator};
    }

    /** The body naming a snapshot: {@code {"name": S}} to create one, {@code {"snapshot": S}} to revert to one. */
    static String snapshotName(JsonObject o, String field) {
        unknownFields(o, Set.of(field), "");
        return string(o, field, true);
    }

    static ReshardRequest reshard(JsonObject o) {
        unknownFields(o, Set.of("action", "shard", "atOffset", "to"), "");
        String action = string(o, "action", true);
        Object shard = o.getValue("shard");
        Object at = o.getValue("atOffset");
        if (shard != null && !(shard instanceof Integer)) {
            throw new BadRequest("shard", "shard must be a shard index (an integer >= 0)");
        }
        if (at != null && !(at instanceof Number n && n.longValue() >= 0 && n.doubleValue() == n.longValue())) {
            throw new BadRequest("atOffset", "atOffset must be a byte offset (an integer >= 0)");
        }
        if (shard == null && !"auto".equals(action)) {
            throw new BadRequest("shard", "shard is required for " + action);
        }
        try {
            return new ReshardRequest(action, shard == null ? 0 : (Integer) shard,
                    at == null ? -1 : ((Number) at).longValue(), string(o, "to", false));
        } catch (IllegalArgumentException e) {
            throw new BadRequest(e.getMessage().startsWith("action") ? "action" : "shard", e.getMessage());
        }
    }

    static long extendSize(JsonObject o) {
        unknownFields(o, Set.of("sizeBytes"), "");
        return positiveLong(o, "sizeBytes", true, 0);
    }

    private static PerformanceSpec spec(JsonObject o, String prefix, long size) {
        long iops = nonNegativeLong(o, "iops", prefix, true);
        double mbps = nonNegativeNumber(o, "throughputMBps", prefix);
        long latency = o.containsKey("latencyUs") ? nonNegativeLong(o, "latencyUs", prefix, true) : 0;
        String workload = string(o, "workload", false);
        WorkloadType w;
        try {
            w = WorkloadType.parse(workload);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(prefix + "workload", e.getMessage());
        }
        return PerformanceSpec.of(size, iops, mbps, latency, w);
    }

    private static void unknownFields(JsonObject o, Set<String> known, String prefix) {
        for (String k : o.fieldNames()) {
            if (!known.contains(k)) {
                throw new BadRequest(prefix + k, "unknown field '" + k + "'; known fields: " + known);
            }
        }
    }

    private static String string(JsonObject o, String field, boolean required) {
        return string(o, field, required, "");
    }

    private static String string(JsonObject o, String field, boolean required, String prefix) {
        Object v = o.getValue(field);
        if (v == null) {
            if (required) {
                throw new BadRequest(prefix + field, prefix + field + " is required");
            }
            return null;
        }
        if (!(v instanceof String s)) {
            throw new BadRequest(prefix + field, prefix + field + " must be a string");
        }
        return s;
    }

    private static long positiveLong(JsonObject o, String field, boolean required, long dflt) {
        long v = nonNegativeLong(o, field, "", required);
        if (v <= 0) {
            throw new BadRequest(field, field + " must be > 0");
        }
        return v;
    }

    private static long nonNegativeLong(JsonObject o, String field, String prefix, boolean required) {
        Object v = o.getValue(field);
        if (v == null) {
            throw new BadRequest(prefix + field, field + " is required");
        }
        if (!(v instanceof Integer || v instanceof Long)) {
            throw new BadRequest(prefix + field, field + " must be a whole number");
        }
        long l = ((Number) v).longValue();
        if (l < 0) {
            throw new BadRequest(prefix + field, field + " must be >= 0, was " + l);
        }
        return l;
    }

    private static double nonNegativeNumber(JsonObject o, String field, String prefix) {
        Object v = o.getValue(field);
        if (v == null) {
            return 0;
        }
        if (!(v instanceof Number n)) {
            throw new BadRequest(prefix + field, field + " must be a number");
        }
        double d = n.doubleValue();
        if (!(d >= 0) || Double.isInfinite(d)) {
            throw new BadRequest(prefix + field, field + " must be a finite number >= 0, was " + d);
        }
        return d;
    }
}
