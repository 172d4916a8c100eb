package io.shardgate.openstack.tiers;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The performance tiers file, parsed and validated whole before anything is applied:
 *
 * <pre>
 * volume_backend_name: shardgate      # optional, the default
 * tiers:
 *   gold:
 *     iops: 20000                     # required, whole number >= 0
 *     throughput_mbps: 400            # optional, MB/s (10^6 bytes/s)
 *     latency_us: 500                 # optional, microseconds
 *     workload: database              # optional: database, vdi, video, scientific, general
 *     fallback_types: [silver]        # optional: other tiers of this file, tried in order
 *     volume_backend_name: shardgate  # optional, overrides the file's
 *     qos:                            # optional extra back-end QoS keys (Cinder's names), whole numbers >= 0
 *       read_iops_sec: 15000
 * </pre>
 *
 * Unknown keys, duplicate keys, wrong types and references to tiers not in the file are errors naming the tier and
 * the key ({@link TiersFileException}). Immutable once parsed.
 */
public final class TiersFile {
    /** The workload types the gateway accepts (docs/rest-api.md). */
    public static final Set<String> WORKLOADS = Set.of("database", "vdi", "video", "scientific", "general");
    private static final String DEFAULT_BACKEND = "shardgate";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern QOS_KEY = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    private static final Set<String> TOP_KEYS = Set.of("volume_backend_name", "tiers");
    private static final Set<String> TIER_KEYS = Set.of("iops", "throughput_mbps", "latency_us", "workload",
            "fallback_types", "volume_backend_name", "qos");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final List<Tier> tiers;

    private TiersFile(List<Tier> tiers) {
        this.tiers = List.copyOf(tiers);
    }

    /** The tiers, in file order. */
    public List<Tier> tiers() {
        return tiers;
    }

    /** Reads and validates a file; an unreadable file is a {@link TiersFileException} too. */
    public static TiersFile read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new TiersFileException(file.toString(), null, null, "cannot read: " + e.getMessage());
        }
        return parse(text, file.getFileName().toString());
    }

    /**
     * Parses and validates YAML text.
     *
     * @param source what to call the text in error messages (the file name)
     * @throws TiersFileException naming the tier and key at fault
     */
    public static TiersFile parse(String text, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw new TiersFileException(source, null, null, "not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        }
        if (root == null || !root.isObject()) {
            throw new TiersFileException(source, null, null, "must be a mapping with a 'tiers' key");
        }
        new Checker(source, null).keys(root, TOP_KEYS);
        String backend = root.has("volume_backend_name")
                ? new Checker(source, null).name(root.get("volume_backend_name"), "volume_backend_name")
                : DEFAULT_BACKEND;
        JsonNode tiersNode = root.get("tiers");
        if (tiersNode == null || !tiersNode.isObject() || tiersNode.isEmpty()) {
            throw new TiersFileException(source, null, "tiers", "must be a non-empty mapping of tier name to tier");
        }
        List<Tier> tiers = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = tiersNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            tiers.add(tier(source, e.getKey(), e.getValue(), backend));
        }
        Set<String> names = new HashSet<>();
        tiers.forEach(t -> names.add(t.name()));
        for (Tier t : tiers) {
            for (String f : t.fallbackTypes()) {
                if (f.equals(t.name()) || !names.contains(f)) {
                    throw new TiersFileException(source, t.name(), "fallback_types", "'" + f + "' is "
                            + (f.equals(t.name()) ? "the tier itself" : "not a tier of this file"));
                }
            }
        }
        return new TiersFile(tiers);
    }

    private static Tier tier(String source, String name, JsonNode node, String fileBackend) {
        if (!NAME.matcher(name).matches()) {
            throw new TiersFileException(source, name, null,
                    "a tier name is 1-64 of [A-Za-z0-9._-], starting with a letter or digit");
        }
        Checker c = new Checker(source, name);
        if (!node.isObject()) {
            throw new TiersFileException(source, name, null, "must be a mapping of keys to values");
        }
        c.keys(node, TIER_KEYS);
        if (!node.has("iops")) {
            throw new TiersFileException(source, name, "iops", "is required");
        }
        String workload = null;
        if (node.has("workload")) {
            workload = node.get("workload").asText();
            if (!node.get("workload").isTextual() || !WORKLOADS.contains(workload)) {
                throw new TiersFileException(source, name, "workload", "must be one of "
                        + WORKLOADS.stream().sorted().toList() + ", got " + node.get("workload"));
            }
        }
        String backend = node.has("volume_backend_name")
                ? c.name(node.get("volume_backend_name"), "volume_backend_name") : fileBackend;
        return new Tier(name, backend, c.count(node.get("iops"), "iops"),
                c.optionalCount(node, "throughput_mbps"), c.optionalCount(node, "latency_us"), workload,
                c.fallbacks(node.get("fallback_types")), c.qos(node.get("qos")));
    }

    /** Validation of one tier's (or the file's) values, with errors naming the tier and key. */
    private record Checker(String source, String tier) {
        private TiersFileException error(String key, String problem) {
            return new TiersFileException(source, tier, key, problem);
        }

        void keys(JsonNode node, Set<String> allowed) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!allowed.contains(k)) {
                    throw error(k, "unknown key (known: " + allowed.stream().sorted().toList() + ")");
                }
            }
        }

        String name(JsonNode v, String key) {
            if (!v.isTextual() || !NAME.matcher(v.asText()).matches()) {
                throw error(key, "must be a name of 1-64 of [A-Za-z0-9._-], got " + v);
            }
            return v.asText();
        }

        /** A whole number >= 0, written as a YAML integer or a string of digits. */
        long count(JsonNode v, String key) {
            if (v.isIntegralNumber() && v.canConvertToLong() && v.asLong() >= 0) {
                return v.asLong();
            }
            if (v.isTextual() && v.asText().matches("[0-9]{1,18}")) {
                return Long.parseLong(v.asText());
            }
            throw error(key, "must be a whole number >= 0, got " + v);
        }

        OptionalLong optionalCount(JsonNode node, String key) {
            return node.has(key) ? OptionalLong.of(count(node.get(key), key)) : OptionalLong.empty();
        }

        /** A YAML list of names or one comma-separated string. */
        List<String> fallbacks(JsonNode v) {
            List<String> out = new ArrayList<>();
            if (v == null) {
                return out;
            }
            if (v.isTextual()) {
                for (String s : v.asText().split(",", -1)) {
                    out.add(name(new TextNode(s.strip()), "fallback_types"));
                }
            } else if (v.isArray()) {
                v.forEach(e -> out.add(name(e, "fallback_types")));
            } else {
                throw error("fallback_types", "must be a list of tier names, got " + v);
            }
            if (out.size() != Set.copyOf(out).size()) {
                throw error("fallback_types", "names a tier twice: " + out);
            }
            return out;
        }

        Map<String, String> qos(JsonNode v) {
            Map<String, String> out = new LinkedHashMap<>();
            if (v == null) {
                return out;
            }
            if (!v.isObject()) {
                throw error("qos", "must be a mapping of Cinder QoS keys to whole numbers, got " + v);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = "qos." + e.getKey();
                if (!QOS_KEY.matcher(e.getKey()).matches()) {
                    throw error(key, "a QoS key is lower case letters, digits and '_' (Cinder's names)");
                }
                out.put(e.getKey(), Long.toString(count(e.getValue(), key)));
            }
            return out;
        }
    }
}
