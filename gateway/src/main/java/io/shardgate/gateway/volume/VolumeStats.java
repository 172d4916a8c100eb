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
}
