package io.shardgate.predictor.policy;

import io.shardgate.predictor.trace.AccessRecord;

/** Fixed readahead: after every request, the next {@code blocks} blocks ({@code readahead8}, {@code readahead32}). */
public final class Readahead implements PrefetchPolicy {
    private final int blocks;

    public Readahead(int blocks) {
        this.blocks = blocks;
    }

    @Override
    public String name() {
        return "readahead" + blocks;
    }

    @Override
    public void onAccess(AccessRecord a, PrefetchSink sink) {
        long last = a.lastBlock();
        for (int i = 1; i <= blocks; i++) {
            sink.prefetch(last + i);
        }
    }
}
