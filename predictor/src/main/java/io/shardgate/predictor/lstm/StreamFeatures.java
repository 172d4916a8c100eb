package io.shardgate.predictor.lstm;

import io.shardgate.predictor.trace.AccessRecord;
import io.shardgate.predictor.util.LongLongMap;

/**
 * The model's view of one access stream (one volume): the last {@link Vocabulary#ANCHORS} requests, a block
 * successor table (which request followed a block's request last time: block identity), and the input features of
 * the latest request. Training and inference both go through this class, so they see exactly the same features.
 *
 * <p>Input layout (a one-hot per group; {@link #activeInputs} lists the 4 or 5 set indices): the latest request's
 * class ({@code classes} entries), its span in blocks (1..32, or more: 33 entries), the successor table's hint for
 * the next request ({@link #HINTS} entries: none, a small gap -2..+1 after this request, continues an older
 * anchor, a known far gap, elsewhere), the length of the sequential run the request belongs to ({@link #RUN_BUCKETS}
 * entries, log2 of the blocks the run has covered: 1, 2-3, 4-7, ..., 128 or more), and a write flag (1 entry).
 *
 * <p>A run is a chain of requests each continuing an earlier one (a "continues anchor j" class); the request that
 * continues no anchor starts a new run. The policy reads the current run's end and length ({@link #runEnd},
 * {@link #runCover}) to prefetch its remainder.
 *
 * <p>Not thread-safe: one instance per stream, used by one thread at a time.
 */
final class StreamFeatures {
    static final int SPAN_BUCKETS = 33;
    static final int HINTS = 8;
    static final int RUN_BUCKETS = 8;
    /** The longest predicted request, in blocks: a prediction never names more. */
    static final int MAX_SPAN = 32;
    static final int MAX_ACTIVE = 5;
    private static final long MISSING = Long.MIN_VALUE;

    private final Vocabulary vocab;
    private final LongLongMap successor = new LongLongMap(1 << 12);
    private final long[] anchorFirst = new long[Vocabulary.ANCHORS];
    private final long[] anchorLast = new long[Vocabulary.ANCHORS];
    private final long[] anchorRunStart = new long[Vocabulary.ANCHORS];
    private final long[] anchorRunEnd = new long[Vocabulary.ANCHORS];
    private int anchors;
    private int head = -1; // ring index of the most recent request
    private int currentClass;
    private int currentSpan;
    private boolean currentWrite;

    StreamFeatures(Vocabulary vocab) {
        this.vocab = vocab;
    }

    /** Size of the input vector for a vocabulary. */
    static int inputSize(Vocabulary v) {
        return inputSize(v.size());
    }

    /** Size of the input vector for a vocabulary of {@code classes} classes. */
    static int inputSize(int classes) {
        return classes + SPAN_BUCKETS + HINTS + RUN_BUCKETS + 1;
    }

    /**
     * Observes the next request of the stream.
     *
     * @return its class relative to the requests before it (the training label of the previous step)
     */
    int observe(AccessRecord a) {
        long first = a.firstBlock();
        long last = a.lastBlock();
        int c = classify(first);
        if (anchors > 0) {
            successor.put(anchorFirst[head], pack(first, last - first + 1));
        }
        long runStart = first;
        long runEnd = last;
        if (Vocabulary.isAnchorClass(c)) {
            int continued = ring(Vocabulary.anchorOf(c));
            runStart = Math.min(first, anchorRunStart[continued]);
            runEnd = Math.max(last, anchorRunEnd[continued]);
        }
        head = (head + 1) % Vocabulary.ANCHORS;
        anchorFirst[head] = first;
        anchorLast[head] = last;
        anchorRunStart[head] = runStart;
        anchorRunEnd[head] = runEnd;
        anchors = Math.min(Vocabulary.ANCHORS, anchors + 1);
        currentClass = c;
        currentSpan = (int) Math.min(SPAN_BUCKETS, last - first + 1);
        currentWrite = a.write();
        return c;
    }

    private int classify(long first) {
        if (anchors == 0) {
            return Vocabulary.OTHER;
        }
        for (int j = 0; j < anchors; j++) {
            long gap = first - (anchorLast[ring(j)] + 1);
            if (Vocabulary.isSmall(gap)) {
                return Vocabulary.anchorClass(j, gap);
            }
        }
        long s = successor.get(anchorFirst[head], MISSING);
        if (s != MISSING && unpackFirst(s) == first) {
            return Vocabulary.SUCCESSOR;
        }
        return vocab.farClass(first - (anchorLast[head] + 1));
    }

    private int ring(int age) {
        return (head - age + Vocabulary.ANCHORS) % Vocabulary.ANCHORS;
    }

    /**
     * Writes the set input indices of the latest request into {@code out} (length at least {@link #MAX_ACTIVE}).
     *
     * @return how many were written
     */
    int activeInputs(int[] out) {
        int v = vocab.size();
        out[0] = currentClass;
        out[1] = v + currentSpan - 1;
        out[2] = v + SPAN_BUCKETS + hint();
        out[3] = v + SPAN_BUCKETS + HINTS + runBucket();
        if (currentWrite) {
            out[4] = v + SPAN_BUCKETS + HINTS + RUN_BUCKETS;
            return 5;
        }
        return 4;
    }

    /** log2 of the current run's cover, capped to the last bucket. */
    private int runBucket() {
        return Math.min(RUN_BUCKETS - 1, 63 - Long.numberOfLeadingZeros(runCover()));
    }

    /** The last block of the current request's run (its highest block so far); -1 before any request. */
    long runEnd() {
        return runEnd(0);
    }

    /** Blocks covered by the current request's run, from its lowest to its highest block (at least 1). */
    long runCover() {
        return runCover(0);
    }

    /** How many recent requests there are (anchors 0..n-1 exist). */
    int anchors() {
        return anchors;
    }

    /** The last block of the run of the {@code age}-th most recent request (0 = the latest); -1 if none. */
    long runEnd(int age) {
        return age >= anchors ? -1 : anchorRunEnd[ring(age)];
    }

    /** Blocks covered by the run of the {@code age}-th most recent request (at least 1). */
    long runCover(int age) {
        int r = ring(age);
        return age >= anchors ? 1 : anchorRunEnd[r] - anchorRunStart[r] + 1;
    }

    /** What the successor table says about the next request, relative to the latest one. */
    private int hint() {
        long s = anchors == 0 ? MISSING : successor.get(anchorFirst[head], MISSING);
        if (s == MISSING) {
            return 0;
        }
        long first = unpackFirst(s);
        long gap = first - (anchorLast[head] + 1);
        if (Vocabulary.isSmall(gap)) {
            return 1 + (int) (gap - Vocabulary.SMALL_MIN);
        }
        for (int j = 1; j < anchors; j++) {
            if (Vocabulary.isSmall(first - (anchorLast[ring(j)] + 1))) {
                return 5;
            }
        }
        return vocab.farClass(gap) != Vocabulary.OTHER ? 6 : 7;
    }

    /**
     * The first block of the next request if it is of class {@code c}, or {@code Long.MIN_VALUE} when the class names
     * no block (other; successor unknown; an anchor not yet seen). May be negative for a far gap near block 0.
     */
    long predictedFirst(int c) {
        if (anchors == 0 || c == Vocabulary.OTHER) {
            return MISSING;
        }
        if (c == Vocabulary.SUCCESSOR) {
            long s = successor.get(anchorFirst[head], MISSING);
            return s == MISSING ? MISSING : unpackFirst(s);
        }
        if (Vocabulary.isAnchorClass(c)) {
            int j = Vocabulary.anchorOf(c);
            return j >= anchors ? MISSING : anchorLast[ring(j)] + 1 + Vocabulary.smallGapOf(c);
        }
        return anchorLast[head] + 1 + vocab.farGapOf(c);
    }

    /** The predicted length in blocks (1..{@link #MAX_SPAN}) of the next request if it is of class {@code c}. */
    int predictedSpan(int c) {
        if (c == Vocabulary.SUCCESSOR) {
            long s = successor.get(anchorFirst[head], MISSING);
            return s == MISSING ? 1 : (int) (s & 63);
        }
        int j = Vocabulary.isAnchorClass(c) ? Math.min(Vocabulary.anchorOf(c), anchors - 1) : 0;
        int r = ring(j);
        return (int) Math.min(MAX_SPAN, anchorLast[r] - anchorFirst[r] + 1);
    }

    /** First block in the high bits, span (1..32) in the low 6 bits. */
    private static long pack(long first, long span) {
        return first << 6 | Math.min(MAX_SPAN, span);
    }

    private static long unpackFirst(long packed) {
        return packed >> 6;
    }
}
