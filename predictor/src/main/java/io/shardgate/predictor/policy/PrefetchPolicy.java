package io.shardgate.predictor.policy;

import io.shardgate.predictor.trace.AccessRecord;

import java.io.IOException;
import java.util.function.Supplier;

import io.shardgate.predictor.trace.TraceReader;

/**
 * A prefetch policy: sees each demand request in order and names blocks to load before they are asked for.
 *
 * <p>Contract: one instance serves one access stream and is called from one thread at a time (the evaluator's
 * replay loop, or a gateway prefetcher's worker). {@link #onAccess} must not block on I/O; it is called off the
 * I/O path. Blocks are 4 KiB block numbers ({@code offset >>> 12}); the caller skips those already cached and
 * applies its own budget, so a policy may name more than will be loaded, most critical first.
 */
public interface PrefetchPolicy {

    /** The name used with {@code --policies} ({@code none}, {@code readahead8}, {@code lstm}, ...). */
    String name();

    /**
     * Learns from history before the replay (the train and validation splits). Default: learns nothing.
     *
     * @param history opens a fresh reader over the history each time it is called
     */
    default void learn(Supplier<TraceReader> history) throws IOException {
    }

    /**
     * Called for each demand request, after the cache has served it.
     *
     * @param access the request
     * @param sink   where to name the blocks to prefetch
     */
    void onAccess(AccessRecord access, PrefetchSink sink);
}
