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

    /**
     * Deletes the volume, its chunks and its shard map, and releases its reservations. Refused
     * ({@link VolumeException.Kind#IN_USE}) while it has snapshots or other volumes read through its data.
     */
    Future<Void> delete(String name);

    Future<ShardMap> shardMap(String name);

    /**
     * Takes a crash-consistent snapshot: every write acknowledged before the call is in it, none acknowledged after
     * it returns. No data is copied: the volume's current chunks are frozen and it writes to a new layer.
     */
    Future<SnapshotInfo> createSnapshot(String volume, String snapshot);

    Future<List<SnapshotInfo>> snapshots(String volume);

    /** Deletes a snapshot; refused ({@link VolumeException.Kind#IN_USE}) while volumes created from it exist. */
    Future<Void> deleteSnapshot(String volume, String snapshot);

    /** Makes the volume's content the snapshot's again (the size stays); the snapshot stays. */
    Future<VolumeInfo> revert(String volume, String snapshot);

    /**
     * Re-plans the volume for a new performance spec (Cinder's retype) while I/O runs: the planner places it again
     * with this volume's own reservations given back (preferring its current spine), and shards that change hands
     * move as in a migration. A spec no spine can meet is refused ({@link VolumeException.Kind#REFUSED}) and changes
     * nothing. The size stays.
     */
    Future<VolumeInfo> respec(String volume, io.shardgate.core.spec.PerformanceSpec spec);

    /**
     * Splits, moves or merges a shard while I/O runs (clients see a short pause, never an error), or runs the
     * re-shard planner on the volume now. Completes when every server involved has applied the new map.
     */
    Future<MigrationInfo> reshard(String volume, ReshardRequest request);

    /** The volume's re-sharding history, oldest first. */
    Future<List<MigrationInfo>> migrations(String volume);
}
