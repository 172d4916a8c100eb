package io.shardgate.openstack.tiers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * One performance tier as Cinder should hold it: a volume type of this name with {@code sharding:} extra specs, and a
 * back-end QoS spec {@code <name>-qos} associated with it. Immutable; validated by {@link TiersFile}.
 *
 * @param name           the volume type's name
 * @param backendName    {@code volume_backend_name}, the Cinder backend that serves the type
 * @param iops           guaranteed IOPS
 * @param throughputMBps guaranteed MB/s (10^6 bytes/s), if set
 * @param latencyUs      latency target in microseconds, if set
 * @param workload       the gateway's workload type, or null
 * @param fallbackTypes  volume type names tried in order when this one cannot be met (may be empty)
 * @param extraQos       QoS keys given in the file, beside the ones derived from iops and throughput
 */
public record Tier(String name, String backendName, long iops, OptionalLong throughputMBps, OptionalLong latencyUs,
                   String workload, List<String> fallbackTypes, Map<String, String> extraQos) {

    /** The prefix of the extra specs this tool owns: keys with it that the file no longer has are removed. */
    public static final String SCOPE = "sharding:";
    /** Cinder's extra spec naming the backend (unscoped, but Cinder's own: the capabilities filter matches it). */
    public static final String BACKEND_KEY = "volume_backend_name";

    public Tier {
        fallbackTypes = List.copyOf(fallbackTypes);
        extraQos = Map.copyOf(extraQos);
    }

    /** The QoS spec's name. */
    public String qosName() {
        return name + "-qos";
    }

    /** The extra specs the type must have, in a stable order. */
    public Map<String, String> extraSpecs() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(BACKEND_KEY, backendName);
        m.put(SCOPE + "iops", Long.toString(iops));
        throughputMBps.ifPresent(v -> m.put(SCOPE + "throughput_mbps", Long.toString(v)));
        latencyUs.ifPresent(v -> m.put(SCOPE + "latency_us", Long.toString(v)));
        if (workload != null) {
            m.put(SCOPE + "workload", workload);
        }
        if (!fallbackTypes.isEmpty()) {
            m.put(SCOPE + "fallback_types", String.join(",", fallbackTypes));
        }
        return m;
    }

    /**
     * The back-end QoS spec's keys, with Cinder's standard names: {@code total_iops_sec} from iops and
     * {@code total_bytes_sec} from the throughput, then the file's own {@code qos} keys (which win).
     */
    public Map<String, String> qosSpecs() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("total_iops_sec", Long.toString(iops));
        throughputMBps.ifPresent(v -> m.put("total_bytes_sec", Long.toString(v * 1_000_000L)));
        extraQos.keySet().stream().sorted().forEach(k -> m.put(k, extraQos.get(k)));
        return m;
    }
}
