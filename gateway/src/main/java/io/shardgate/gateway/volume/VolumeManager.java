package io.shardgate.gateway.volume;

import io.shardgate.core.map.ShardMap;
import io.vertx.core.Future;

import java.util.List;

/**
 * Volume lifecycle for the management API and the CLI. Implemented by the cluster (Hazelcast-backed),
 * called by the REST layer. Futures fail with {@link VolumeException} for request errors.
 */
public interface VolumeManager {

    Future<VolumeInfo> create(CreateVolumeRequest request);

    Future<VolumeInfo> get(String name);

    Future<List<VolumeInfo>> list();

    /** Grows a volume online; shrinking is refused ({@link VolumeException.Kind#INVALID}). */
    Future<VolumeInfo> extend(String name, long newSizeBytes);

    /** Deletes the volume, its chunks and its shard map, and releases its reservations. */
    Future<Void> delete(String name);

    Future<ShardMap> shardMap(String name);
}
