package io.shardgate.predictor.policy;

import io.shardgate.predictor.trace.AccessRecord;
import io.shardgate.predictor.trace.TraceReader;
import io.shardgate.predictor.util.LongLongMap;

import java.io.IOException;
import java.util.function.Supplier;

/**
 * A block-successor table ({@code markov}): for the first block of each request it remembers the request that
 * followed it last time (first block and length), learned from the history and online; after a request it asks for
 * the predicted next request and the one after that (chain depth 2, up to 16 blocks each).
 */
public final class MarkovPrefetch implements PrefetchPolicy {
    static final int MAX_SPAN = 16;
    private static final long MISSING = Long.MIN_VALUE;

    private final LongLongMap successor = new LongLongMap(1 << 16);
    private long previousFirst = MISSING;

    @Override
    public String name() {
        return "markov";
    }

    @Override
    public void learn(Supplier<TraceReader> history) throws IOException {
        try (TraceReader r = history.get()) {
            for (AccessRecord a = r.next(); a != null; a = r.next()) {
                observe(a);
            }
        }
        previousFirst = MISSING;
    }

    private void observe(AccessRecord a) {
        if (previousFirst != MISSING) {
            successor.put(previousFirst, pack(a.firstBlock(), a.lastBlock() - a.firstBlock() + 1));
        }
        previousFirst = a.firstBlock();
    }

    /** First block in the high bits, span (1..16) in the low 5 bits. */
    private static long pack(long first, long span) {
        return first << 5 | Math.min(MAX_SPAN, span);
    }

    @Override
    public void onAccess(AccessRecord a, PrefetchSink sink) {
        observe(a);
        long key = a.firstBlock();
        for (int depth = 0; depth < 2; depth++) {
            long p = successor.get(key, MISSING);
            if (p == MISSING) {
                return;
            }
            long first = p >> 5;
            long span = p & 31;
            for (long b = first; b < first + span; b++) {
                sink.prefetch(b);
            }
            key = first;
        }
    }
}
