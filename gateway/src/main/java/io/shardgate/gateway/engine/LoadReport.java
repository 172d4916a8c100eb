package io.shardgate.gateway.engine;

import io.shardgate.core.reshard.ShardLoad;
import io.shardgate.gateway.volume.VolumeStats;

import java.util.List;

/**
 * One server's load over its last monitor interval, as published to the cluster (JSON in the {@code sg-load} map)
 * for the topology endpoint, cluster-wide volume statistics and the re-shard controller.
 *
 * @param serverId     who measured it
 * @param atMillis     when (wall clock, milliseconds since the epoch)
 * @param intervalMs   the interval the rates cover
 * @param opsPerSec    operations per second this server served as owner
 * @param bytesPerSec  bytes per second this server served as owner
 * @param shards       the load of every shard it owns
 * @param volumes      its counters (since start) for every volume it owns shards of
 */
public record LoadReport(String serverId, long atMillis, long intervalMs, double opsPerSec, double bytesPerSec,
                         List<ShardLoad> shards, List<VolumeStats> volumes) {
    public LoadReport {
        shards = List.copyOf(shards);
        volumes = List.copyOf(volumes);
    }

    /** The report of a server that has measured nothing yet. */
    public static LoadReport empty(String serverId) {
        return new LoadReport(serverId, System.currentTimeMillis(), 0, 0, 0, List.of(), List.of());
    }

    /** Whether the report is recent enough to describe the server now: at most three intervals old. */
    public boolean freshAt(long nowMillis) {
        return nowMillis - atMillis <= 3 * Math.max(intervalMs, 1000);
    }
}
