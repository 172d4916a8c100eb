package io.shardgate.predictor.lstm;

import io.shardgate.predictor.util.LongLongMap;

import java.util.Arrays;

/**
 * The model's bounded output vocabulary: what the next request of a stream may be, as a class.
 *
 * <p>Class 0 is "other" (out of vocabulary), class 1 "the block that followed this request's first block last time"
 * (the successor table, which carries block identity), then {@link #ANCHORS} x {@link #SMALL_DELTAS} "continues the
 * j-th most recent request" classes (a request starting within a block of where request {@code t-j} ended: this is
 * how interleaved sequential streams look), then the most frequent far gaps after the previous request, learned from
 * the training split. Gaps are in 4 KiB blocks: next request's first block minus (previous request's last block + 1).
 * When several classes describe a request, the first in the order above wins, so the labels are unique.
 *
 * <p>Immutable and thread-safe.
 */
public final class Vocabulary {
    /** Classes per anchor: gaps -2, -1, 0, +1 (cloudPhysicsIO's 63-sector partition offset makes -1 the sequential gap). */
    static final int SMALL_MIN = -2;
    static final int SMALL_DELTAS = 4;
    /** How many recent requests a request may continue. */
    static final int ANCHORS = 8;
    static final int OTHER = 0;
    static final int SUCCESSOR = 1;
    static final int FIRST_ANCHOR_CLASS = 2;
    static final int FIRST_FAR_CLASS = FIRST_ANCHOR_CLASS + ANCHORS * SMALL_DELTAS;

    private final long[] farGaps;
    private final LongLongMap farIndex;

    /** @param farGaps the frequent far gaps, most frequent first, none of them in the small range, no repeats */
    public Vocabulary(long[] farGaps) {
        this.farGaps = farGaps.clone();
        this.farIndex = new LongLongMap(Math.max(4, farGaps.length));
        for (int i = 0; i < farGaps.length; i++) {
            if (isSmall(farGaps[i])) {
                throw new IllegalArgumentException("gap " + farGaps[i] + " is a small gap, not a far one");
            }
            if (farIndex.get(farGaps[i], -1) >= 0) {
                throw new IllegalArgumentException("gap " + farGaps[i] + " is listed twice");
            }
            farIndex.put(farGaps[i], i);
        }
    }

    static boolean isSmall(long gap) {
        return gap >= SMALL_MIN && gap < SMALL_MIN + SMALL_DELTAS;
    }

    /** Number of classes. */
    public int size() {
        return FIRST_FAR_CLASS + farGaps.length;
    }

    /** The far gaps, most frequent first (a copy). */
    public long[] farGaps() {
        return farGaps.clone();
    }

    /** The class "continues anchor {@code j} with gap {@code gap}" (gap must be small). */
    static int anchorClass(int anchor, long gap) {
        return FIRST_ANCHOR_CLASS + anchor * SMALL_DELTAS + (int) (gap - SMALL_MIN);
    }

    static boolean isAnchorClass(int c) {
        return c >= FIRST_ANCHOR_CLASS && c < FIRST_FAR_CLASS;
    }

    static int anchorOf(int c) {
        return (c - FIRST_ANCHOR_CLASS) / SMALL_DELTAS;
    }

    static long smallGapOf(int c) {
        return (c - FIRST_ANCHOR_CLASS) % SMALL_DELTAS + SMALL_MIN;
    }

    /** The class of a far gap after the previous request, or {@link #OTHER}. */
    int farClass(long gap) {
        long i = farIndex.get(gap, -1);
        return i < 0 ? OTHER : FIRST_FAR_CLASS + (int) i;
    }

    long farGapOf(int c) {
        return farGaps[c - FIRST_FAR_CLASS];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Vocabulary v && Arrays.equals(farGaps, v.farGaps);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(farGaps);
    }
}
