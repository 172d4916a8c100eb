package io.shardgate.gateway.volume;

/**
 * Counters for one volume since its owners started, summed over the servers that own its shards.
 *
 * @param ramHits  reads (in 4 KiB blocks) served from the RAM tier
 * @param nvmeHits reads served from the NVMe tier
 * @param misses   reads that went to the durable store
 */
public record VolumeStats(String volume, long readOps, long writeOps, long readBytes, long writeBytes,
                          long ramHits, long nvmeHits, long misses, long prefetchIssued, long prefetchUsed) {

    /** The sum of several servers' counters for one volume. */
    public static VolumeStats sum(String volume, java.util.List<VolumeStats> parts) {
        VolumeStats s = new VolumeStats(volume, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        for (VolumeStats p : parts) {
            s = new VolumeStats(volume, s.readOps + p.readOps, s.writeOps + p.writeOps, s.readBytes + p.readBytes,
                    s.writeBytes + p.writeBytes, s.ramHits + p.ramHits, s.nvmeHits + p.nvmeHits, s.misses + p.misses,
                    s.prefetchIssued + p.prefetchIssued, s.prefetchUsed + p.prefetchUsed);
        }
        return s;
    }
}
