package io.shardgate.core.plan;

/**
 * Expected access heat along a volume, fed by the predictor. The planner cuts shards so that each carries
 * about the same heat: hot ranges get smaller shards, spread over more servers.
 *
 * <p>Implementations are immutable and thread-safe.
 */
@FunctionalInterface
public interface HeatEstimate {

    /** No estimate: every chunk equally hot (even shards). */
    HeatEstimate UNIFORM = chunk -> 1.0;

    /** Relative heat of chunk {@code chunk} (&gt;= 0; only ratios matter). */
    double heatOfChunk(long chunk);
}
