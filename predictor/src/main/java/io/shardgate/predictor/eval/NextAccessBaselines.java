package io.shardgate.predictor.eval;

import io.shardgate.predictor.trace.AccessRecord;
import io.shardgate.predictor.trace.TraceReader;
import io.shardgate.predictor.util.LongLongMap;

import java.io.IOException;

/**
 * The simple next-access predictors a learned model must beat, scored on the test split: the most frequent gap
 * (next request's first block minus the previous request's end) and the most recent successor of a block. Both
 * learn from the history and keep learning online through the test split.
 */
public final class NextAccessBaselines {
    private final LongLongMap gapCounts = new LongLongMap(1 << 12);
    private final LongLongMap successor = new LongLongMap(1 << 16);
    private long bestGap;
    private long bestGapCount;
    private AccessRecord previous;
    private long scored;
    private long gapHits;
    private long successorHits;

    /** Feeds the whole trace; requests from {@code testStart} on are scored. */
    public static NextAccessBaselines run(TraceReader reader, long testStart) throws IOException {
        NextAccessBaselines b = new NextAccessBaselines();
        long i = 0;
        for (AccessRecord a = reader.next(); a != null; a = reader.next(), i++) {
            b.observe(a, i >= testStart);
        }
        return b;
    }

    private void observe(AccessRecord a, boolean score) {
        if (previous != null) {
            long expectedByGap = previous.lastBlock() + 1 + bestGap;
            long expectedBySuccessor = successor.get(previous.firstBlock(), Long.MIN_VALUE);
            if (score) {
                scored++;
                gapHits += a.firstBlock() == expectedByGap ? 1 : 0;
                successorHits += a.firstBlock() == expectedBySuccessor ? 1 : 0;
            }
            long gap = a.firstBlock() - (previous.lastBlock() + 1);
            long c = gapCounts.get(gap, 0) + 1;
            gapCounts.put(gap, c);
            if (c > bestGapCount) {
                bestGapCount = c;
                bestGap = gap;
            }
            successor.put(previous.firstBlock(), a.firstBlock());
        }
        previous = a;
    }

    /** Top-1 accuracy of the most frequent gap on the scored requests. */
    public double gapAccuracy() {
        return scored == 0 ? 0 : (double) gapHits / scored;
    }

    /** Top-1 accuracy of the last successor on the scored requests. */
    public double successorAccuracy() {
        return scored == 0 ? 0 : (double) successorHits / scored;
    }
}
