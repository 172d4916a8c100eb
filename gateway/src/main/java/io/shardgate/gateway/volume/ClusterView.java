package io.shardgate.gateway.volume;

import io.vertx.core.Future;

import java.util.List;

/** Read-only views of the cluster for the management API: topology with load, per-volume statistics. */
public interface ClusterView {

    Future<List<ServerStatus>> servers();

    /** Fails with {@link VolumeException.Kind#NOT_FOUND} for an unknown volume. */
    Future<VolumeStats> stats(String volume);

    /**
     * The latest load of each shard of the volume, measured and predicted (the prefetch policy's heat), from every
     * owner's last load report, in shard order; shards whose owner has not reported yet are missing. Fails with
     * {@link VolumeException.Kind#NOT_FOUND} for an unknown volume.
     */
    Future<List<io.shardgate.core.reshard.ShardLoad>> heat(String volume);

    /** The durable store's byte capacity, empty when it has none (memory). */
    Future<java.util.Optional<io.shardgate.gateway.store.StoreCapacity>> storeCapacity();
}
