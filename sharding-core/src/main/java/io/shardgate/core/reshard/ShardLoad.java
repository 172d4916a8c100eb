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
 * @param predictedOpsPerSec requests per second the owner's prefetch policy predicted in the shard (the requests it
 *                     expects next: its predicted heat), 0 when the volume has no policy
 * @param predictedChunkOps predicted requests per chunk, as {@code chunkOps}; may be empty
 */
public record ShardLoad(String volume, int shardIndex, long mapVersion, double opsPerSec, double bytesPerSec,
                        double queueDepth, double latencyUs, long[] chunkOps, double predictedOpsPerSec,
                        long[] predictedChunkOps) {
    public ShardLoad {
        chunkOps = chunkOps == null ? new long[0] : chunkOps.clone();
        predictedChunkOps = predictedChunkOps == null ? new long[0] : predictedChunkOps.clone();
    }

    /** A measured load without predictions. */
    public ShardLoad(String volume, int shardIndex, long mapVersion, double opsPerSec, double bytesPerSec,
                     double queueDepth, double latencyUs, long[] chunkOps) {
        this(volume, shardIndex, mapVersion, opsPerSec, bytesPerSec, queueDepth, latencyUs, chunkOps, 0, null);
    }

    /**
     * The shard's heat for planning: the larger of the measured and the predicted request rates, so that a shard the
     * workload is moving into is split before it saturates, and predictions never hide measured load.
     */
    public double heatOpsPerSec() {
        return Math.max(opsPerSec, predictedOpsPerSec);
    }

    /**
     * Heat per chunk: measured plus predicted requests, so a split lands at the median of where the load is and is
     * about to be. The measured counts alone when the predictions do not cover the same chunks.
     */
    public long[] heatChunkOps() {
        if (predictedChunkOps.length != chunkOps.length) {
            return chunkOps.clone();
        }
        long[] heat = new long[chunkOps.length];
        for (int i = 0; i < heat.length; i++) {
            heat[i] = chunkOps[i] + predictedChunkOps[i];
        }
        return heat;
    }
}
