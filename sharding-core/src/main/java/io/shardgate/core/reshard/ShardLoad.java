package io.shardgate.core.reshard;

/**
 * Measured load of one shard over the last report interval.
 *
 * @param volume       volume name
 * @param shardIndex   index in the map at {@code mapVersion}
 * @param mapVersion   the map version the load was measured at (loads of older versions are ignored)
 * @param opsPerSec    I/O operations per second
 * @param bytesPerSec  bytes per second
 * @param queueDepth   mean requests in flight
 * @param latencyUs    mean latency in microseconds
 * @param chunkOps     operations per chunk of the shard, in chunk order (length = chunks in the shard), used to split
 *                     at the load median; may be empty when unknown (then the split is at the chunk midpoint)
 */
public record ShardLoad(String volume, int shardIndex, long mapVersion, double opsPerSec, double bytesPerSec,
                        double queueDepth, double latencyUs, long[] chunkOps) {
    public ShardLoad {
        chunkOps = chunkOps == null ? new long[0] : chunkOps.clone();
    }
}
