package io.shardgate.gateway.volume;

import io.vertx.core.Future;

import java.util.List;

/** Read-only views of the cluster for the management API: topology with load, per-volume statistics. */
public interface ClusterView {

    Future<List<ServerStatus>> servers();

    /** Fails with {@link VolumeException.Kind#NOT_FOUND} for an unknown volume. */
    Future<VolumeStats> stats(String volume);
}
