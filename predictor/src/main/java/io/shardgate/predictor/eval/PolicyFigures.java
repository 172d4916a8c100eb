package io.shardgate.predictor.eval;

/**
 * One policy at one cache size on the test split.
 *
 * @param hitRatio             demand hits over demand block accesses (reads and writes, as in libCacheSim)
 * @param readHitRatio         the same for reads only
 * @param prefetchIssued       prefetched blocks loaded (not already in RAM)
 * @param prefetchUsed         prefetched blocks hit by a demand access before eviction
 * @param accuracy             used / issued (0 when nothing was issued)
 * @param coverage             RAM misses removed compared with {@code none} at the same size
 * @param extraReadsPerRequest prefetched blocks issued per test request
 * @param meanReadLatencyUs    modelled mean read latency
 * @param p99ReadLatencyUs     modelled 99th percentile read latency
 * @param policyUsPerRequest   time spent in the policy's {@code onAccess}, microseconds per request (one thread)
 * @param top1NextAccess       for a {@link io.shardgate.predictor.policy.NextAccessPredictor}: share of test requests
 *                             whose first block it guessed; -1 for other policies
 */
public record PolicyFigures(String policy, double cacheFraction, int cacheBlocks, long requests, long demandBlocks,
                            long hits, double hitRatio, double readHitRatio, long misses, long prefetchIssued,
                            long prefetchUsed, double accuracy, double coverage, double extraReadsPerRequest,
                            double meanReadLatencyUs, double p99ReadLatencyUs, double policyUsPerRequest,
                            double top1NextAccess) {
}
