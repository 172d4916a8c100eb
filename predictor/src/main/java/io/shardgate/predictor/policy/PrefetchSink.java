package io.shardgate.predictor.policy;

/** Receives the 4 KiB blocks a policy asks to prefetch, most critical first. */
@FunctionalInterface
public interface PrefetchSink {
    void prefetch(long block);
}
