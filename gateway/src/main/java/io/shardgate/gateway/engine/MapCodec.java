package io.shardgate.gateway.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardgate.core.map.Shard;
import io.shardgate.core.map.ShardMap;
import io.shardgate.core.plan.PlanResult;
import io.shardgate.core.spec.PerformanceSpec;
import io.shardgate.core.spec.WorkloadType;
import io.shardgate.core.topology.ServerCapacity;
import io.shardgate.gateway.volume.VolumeInfo;

import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON forms of shard maps and volume records as persisted in the durable store's metadata. */
public final class MapCodec {
    private static final ObjectMapper JSON = new ObjectMapper();

    private MapCodec() {
    }

    record ShardJson(long start, long length, String owner) {
    }

    record MapJson(String volume, String spine, long version, long sizeBytes, int chunkSize, List<ShardJson> shards,
                   List<String> layers) {
    }

    /**
     * What the owners of a volume follow: its shard map and the chunk layers it reads through, persisted and
     * replicated together so that one version number fences both.
     */
    public record Layout(ShardMap map, Layers layers) {
    }

    record SpecJson(long sizeBytes, long iops, double throughputMBps, long latencyUs, String workload) {
    }

    record RecordJson(String name, SpecJson spec, int fallbackUsed, String spine, long createdAtMs,
                      Map<String, long[]> reservations) {
    }

    public static byte[] encode(Layout layout) throws IOException {
        ShardMap m = layout.map();
        List<String> layers = layout.layers().chain();
        // a single layer named after the volume is the default: not written, as before layers existed
        return JSON.writeValueAsBytes(new MapJson(m.volume(), m.spine(), m.version(), m.sizeBytes(), m.chunkSize(),
                m.shards().stream().map(s -> new ShardJson(s.startOffset(), s.length(), s.owner())).toList(),
                layers.equals(List.of(m.volume())) ? null : layers));
    }

    /** @throws IOException when the bytes are not a valid map (invariants are checked again on decode) */
    public static ShardMap decodeMap(byte[] bytes) throws IOException {
        return decodeLayout(bytes).map();
    }

    /** @throws IOException when the bytes are not a valid map and layer chain */
    public static Layout decodeLayout(byte[] bytes) throws IOException {
        MapJson j = JSON.readValue(bytes, MapJson.class);
        try {
            ShardMap m = ShardMap.of(j.volume(), j.spine(), j.version(), j.sizeBytes(), j.chunkSize(),
                    j.shards().stream().map(s -> new Shard(s.start(), s.length(), s.owner())).toList());
            return new Layout(m, j.layers() == null ? Layers.of(j.volume()) : new Layers(j.layers()));
        } catch (IllegalArgumentException e) {
            throw new IOException("stored shard map of " + j.volume() + " is invalid: " + e.getMessage(), e);
        }
    }

    /** A volume record: what was asked and met, and what it reserves (iops, bandwidth in kB/s) per server. */
    public record VolumeRecord(String name, PerformanceSpec spec, int fallbackUsed, String spine, long createdAtMs,
                               Map<String, long[]> reservations) {
        /** The record of a volume the planner accepted, created now. */
        public static VolumeRecord accepted(String name, PlanResult.Accepted a) {
            Map<String, long[]> res = new LinkedHashMap<>();
            a.reservations().forEach((id, c) -> res.put(id, new long[] {c.iops(), Math.round(c.bandwidthMBps() * 1000)}));
            return new VolumeRecord(name, a.specUsed(), a.fallbackUsed(), a.map().spine(), System.currentTimeMillis(),
                    res);
        }

        /** This volume re-planned for a new spec: the accepted plan's spec and reservations, the same creation time. */
        public VolumeRecord respecified(PlanResult.Accepted a) {
            VolumeRecord r = accepted(name, a);
            return new VolumeRecord(name, r.spec, r.fallbackUsed, r.spine, createdAtMs, r.reservations);
        }

        /**
         * The map a re-planned volume gets: the plan's shards and owners at the next version of its current map, so
         * that every server applies it as a change of ownership (with the same handover as a migration).
         */
        public static ShardMap replanned(ShardMap current, PlanResult.Accepted a) {
            ShardMap plan = a.map();
            return ShardMap.of(current.volume(), plan.spine(), current.version() + 1, current.sizeBytes(),
                    current.chunkSize(), plan.shards());
        }

        /**
         * The same reservation total, shared among the map's owners in proportion to the bytes each owns: after a
         * shard changes hands, its share of the volume's IOPS and bandwidth goes with it.
         */
        public VolumeRecord rebalanced(ShardMap map) {
            long iops = 0;
            long kBps = 0;
            for (long[] v : reservations.values()) {
                iops += v[0];
                kBps += v[1];
            }
            Map<String, Long> bytes = new LinkedHashMap<>();
            for (int i = 0; i < map.shardCount(); i++) {
                bytes.merge(map.owner(i), map.shardEnd(i) - map.shardStart(i), Long::sum);
            }
            Map<String, long[]> res = new LinkedHashMap<>();
            long total = map.sizeBytes();
            for (Map.Entry<String, Long> e : bytes.entrySet()) {
                double share = (double) e.getValue() / total;
                res.put(e.getKey(), new long[] {Math.round(iops * share), Math.round(kBps * share)});
            }
            return new VolumeRecord(name, spec, fallbackUsed, spine, createdAtMs, res);
        }

        /** What the volume reserves per server (stored as IOPS and kB/s). */
        public Map<String, ServerCapacity> reservedCapacity() {
            Map<String, ServerCapacity> out = new HashMap<>();
            reservations.forEach((id, v) -> out.put(id, new ServerCapacity(v[0],
                    v[1] / 1000.0, 0, 0)));
            return out;
        }

        public VolumeInfo info(ShardMap map) {
            return new VolumeInfo(name, map.sizeBytes(), spec.withSize(map.sizeBytes()), fallbackUsed, spine,
                    map.version(), map.shardCount(), createdAtMs);
        }
    }

    public static byte[] encode(VolumeRecord r) throws IOException {
        PerformanceSpec s = r.spec();
        return JSON.writeValueAsBytes(new RecordJson(r.name(), new SpecJson(s.sizeBytes(), s.iops(),
                s.throughputMBps(), s.latencyUs(), s.workload().id()), r.fallbackUsed(), r.spine(), r.createdAtMs(),
                r.reservations()));
    }

    public static VolumeRecord decodeRecord(byte[] bytes) throws IOException {
        RecordJson j = JSON.readValue(bytes, RecordJson.class);
        SpecJson s = j.spec();
        return new VolumeRecord(j.name(), PerformanceSpec.of(s.sizeBytes(), s.iops(), s.throughputMBps(),
                s.latencyUs(), WorkloadType.parse(s.workload())), j.fallbackUsed(), j.spine(), j.createdAtMs(),
                j.reservations());
    }
}
