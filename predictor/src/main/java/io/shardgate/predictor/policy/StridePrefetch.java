package io.shardgate.predictor.policy;

import io.shardgate.predictor.trace.AccessRecord;

/**
 * A per-volume stride detector ({@code stride}): when the last two gaps between request starts are equal and
 * non-zero, it asks for the next {@code DEPTH} requests of that stride (each as long as the current request,
 * up to 8 blocks).
 */
public final class StridePrefetch implements PrefetchPolicy {
    static final int DEPTH = 4;

    private static final class Stream {
        long lastStart = Long.MIN_VALUE;
        long lastStride;
    }

    private final PerVolume<Stream> streams = new PerVolume<>(Stream::new);

    @Override
    public String name() {
        return "stride";
    }

    @Override
    public void onAccess(AccessRecord a, PrefetchSink sink) {
        Stream s = streams.of(a.volume());
        long start = a.firstBlock();
        long stride = s.lastStart == Long.MIN_VALUE ? 0 : start - s.lastStart;
        boolean confirmed = stride != 0 && stride == s.lastStride;
        s.lastStride = stride;
        s.lastStart = start;
        if (!confirmed) {
            return;
        }
        long span = Math.min(8, a.lastBlock() - a.firstBlock() + 1);
        for (int d = 1; d <= DEPTH; d++) {
            long first = start + d * stride;
            for (long b = first; b < first + span; b++) {
                if (b >= 0) {
                    sink.prefetch(b);
                }
            }
        }
    }
}
