package io.shardgate.gateway.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardgate.core.map.Shard;
import io.shardgate.core.map.ShardMap;
import io.shardgate.core.spec.PerformanceSpec;
import io.shardgate.core.spec.WorkloadType;
import io.shardgate.gateway.volume.VolumeInfo;

import java.io.IOException;
import java.util.List;

/** JSON forms of shard maps and volume records as persisted in the durable store's metadata. */
public final class MapCodec {
    private static final ObjectMapper JSON = new ObjectMapper();

    private MapCodec() {
    }

    record ShardJson(long start, long length, String owner) {
    }

    record MapJson(String volume, String spine, long version, long sizeBytes, int chunkSize, List<ShardJson> shards) {
    }

    record SpecJson(long sizeBytes, long iops, double throughputMBps, long latencyUs, String workload) {
    }

    record RecordJson(String name, SpecJson spec, int fallbackUsed, String spine, long createdAtMs,
                      java.util.Map<String, long[]> reservations) {
    }

    public static byte[] encode(ShardMap m) throws IOException {
        return JSON.writeValueAsBytes(new MapJson(m.volume(), m.spine(), m.version(), m.sizeBytes(), m.chunkSize(),
                m.shards().stream().map(s -> new ShardJson(s.startOffset(), s.length(), s.owner())).toList()));
    }

    /** @throws IOException when the bytes are not a valid map (invariants are checked again on decode) */
    public static ShardMap decodeMap(byte[] bytes) throws IOException {
        MapJson j = JSON.readValue(bytes, MapJson.class);
        try {
            return ShardMap.of(j.volume(), j.spine(), j.version(), j.sizeBytes(), j.chunkSize(),
                    j.shards().stream().map(s -> new Shard(s.start(), s.length(), s.owner())).toList());
        } catch (IllegalArgumentException e) {
            throw new IOException("stored shard map of " + j.volume() + " is invalid: " + e.getMessage(), e);
        }
    }

    /** A volume record: what was asked and met, and what it reserves (iops, bandwidth in kB/s) per server. */
    public record VolumeRecord(String name, PerformanceSpec spec, int fallbackUsed, String spine, long createdAtMs,
                               java.util.Map<String, long[]> reservations) {
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
