package io.shardgate.predictor.policy;

import io.shardgate.predictor.trace.AccessRecord;

/**
 * Linux-style adaptive readahead ({@code linux}): a request that starts where the previous one ended is sequential
 * and grows the window (doubling from 4 blocks up to 32 blocks = 128 KiB, the kernel's default read_ahead_kb);
 * a random request resets it and reads nothing ahead. Blocks already read ahead are not asked for again.
 */
public final class LinuxReadahead implements PrefetchPolicy {
    static final int INITIAL = 4;
    static final int MAX = 32;

    private static final class Stream {
        long nextOffset = -1;
        int window;
        long aheadUntil = -1; // last block already read ahead
    }

    private final PerVolume<Stream> streams = new PerVolume<>(Stream::new);

    @Override
    public String name() {
        return "linux";
    }

    @Override
    public void onAccess(AccessRecord a, PrefetchSink sink) {
        Stream s = streams.of(a.volume());
        boolean sequential = a.offset() == s.nextOffset;
        s.nextOffset = a.offset() + a.length();
        if (!sequential) {
            s.window = 0;
            s.aheadUntil = -1;
            return;
        }
        s.window = s.window == 0 ? INITIAL : Math.min(MAX, s.window * 2);
        long from = Math.max(a.lastBlock() + 1, s.aheadUntil + 1);
        long to = a.lastBlock() + s.window;
        for (long b = from; b <= to; b++) {
            sink.prefetch(b);
        }
        s.aheadUntil = Math.max(s.aheadUntil, to);
    }
}
