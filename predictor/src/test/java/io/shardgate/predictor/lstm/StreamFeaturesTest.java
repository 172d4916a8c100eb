package io.shardgate.predictor.lstm;

import io.shardgate.predictor.SharedTraces;
import io.shardgate.predictor.trace.AccessRecord;
import io.shardgate.predictor.trace.TraceReader;
import io.shardgate.predictor.trace.TraceReaders;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The classes and inputs the model sees: a hand-computed sequence, and the bounds on the real traces. */
class StreamFeaturesTest {
    private static final long MISSING = Long.MIN_VALUE;

    private static AccessRecord blocks(long first, long count) {
        return new AccessRecord(0, 0, first * 4096, (int) (count * 4096), false);
    }

    @Test
    void classesOfAHandComputedSequence() {
        Vocabulary v = new Vocabulary(new long[] {100});
        StreamFeatures f = new StreamFeatures(v);
        assertEquals(Vocabulary.OTHER, f.observe(blocks(0, 4)), "the first request");
        assertEquals(Vocabulary.anchorClass(0, 0), f.observe(blocks(4, 4)), "continues the last request");
        assertEquals(Vocabulary.OTHER, f.observe(blocks(1000, 10)), "a jump of 992, not in the vocabulary");
        assertEquals(Vocabulary.anchorClass(1, 0), f.observe(blocks(8, 2)), "continues the request before last");
        assertEquals(Vocabulary.FIRST_FAR_CLASS, f.observe(blocks(110, 1)), "a far gap of 100 after block 9");
        assertEquals(Vocabulary.anchorClass(4, 0), f.observe(blocks(4, 2)), "continues the 5th latest request");
        assertEquals(Vocabulary.SUCCESSOR, f.observe(blocks(1000, 10)), "block 1000 followed block 4 last time");

        // after the last request (blocks 1000..1009): what each class names
        assertEquals(1010, f.predictedFirst(Vocabulary.anchorClass(0, 0)));
        assertEquals(10, f.predictedSpan(Vocabulary.anchorClass(0, 0)));
        assertEquals(1009, f.predictedFirst(Vocabulary.anchorClass(0, -1)));
        assertEquals(8, f.predictedFirst(Vocabulary.SUCCESSOR), "block 8 followed block 1000 last time");
        assertEquals(2, f.predictedSpan(Vocabulary.SUCCESSOR));
        assertEquals(1110, f.predictedFirst(Vocabulary.FIRST_FAR_CLASS));
        assertEquals(6, f.predictedFirst(Vocabulary.anchorClass(1, 0)), "after the request of blocks 4..5");
        assertEquals(MISSING, f.predictedFirst(Vocabulary.OTHER));
        assertEquals(MISSING, f.predictedFirst(Vocabulary.anchorClass(7, 0)), "only 7 requests seen");

        int[] active = new int[StreamFeatures.MAX_ACTIVE];
        assertEquals(4, f.activeInputs(active));
        assertEquals(Vocabulary.SUCCESSOR, active[0]);
        assertEquals(v.size() + 10 - 1, active[1], "span 10");
        assertEquals(v.size() + StreamFeatures.SPAN_BUCKETS + 5, active[2],
                "hint: the successor (block 8) is gap -2 after an older request (blocks 8..9)");
        assertEquals(v.size() + StreamFeatures.SPAN_BUCKETS + StreamFeatures.HINTS + 3, active[3],
                "a new run of 10 blocks: log2 bucket 3 (8..15)");
    }

    @Test
    void runsFollowTheRequestsThatContinueThem() {
        Vocabulary v = new Vocabulary(new long[0]);
        StreamFeatures f = new StreamFeatures(v);
        assertEquals(-1, f.runEnd());
        // request (first block, blocks) -> the run it is in (last block, blocks covered)
        long[][] steps = {
            {100, 4, 103, 4},       // run A: 100..103
            {5000, 2, 5001, 2},     // run B: 5000..5001
            {103, 16, 118, 19},     // continues A with gap -1: 100..118
            {110, 1, 110, 1},       // gap -9 after A's latest request: a run of its own
            {119, 8, 126, 27},      // continues A's latest request (anchor 1): 100..126
            {5002, 1, 5002, 3},     // continues B (anchor 3): 5000..5002
        };
        for (long[] s : steps) {
            f.observe(blocks(s[0], s[1]));
            assertEquals(s[2], f.runEnd(), "run end after blocks " + s[0]);
            assertEquals(s[3], f.runCover(), "run cover after blocks " + s[0]);
        }
        int[] active = new int[StreamFeatures.MAX_ACTIVE];
        f.activeInputs(active);
        assertEquals(v.size() + StreamFeatures.SPAN_BUCKETS + StreamFeatures.HINTS + 1, active[3],
                "cover 3: log2 bucket 1 (2..3)");
    }

    @Test
    void aWriteSetsTheWriteInput() {
        Vocabulary v = new Vocabulary(new long[0]);
        StreamFeatures f = new StreamFeatures(v);
        f.observe(new AccessRecord(0, 0, 0, 512, true));
        int[] active = new int[StreamFeatures.MAX_ACTIVE];
        assertEquals(5, f.activeInputs(active));
        assertEquals(StreamFeatures.inputSize(v) - 1, active[4]);
    }

    @Test
    void vocabularyAndModelSizeAreBounded() {
        assertThrows(IllegalArgumentException.class, () -> new Vocabulary(new long[] {-1}), "a small gap");
        assertThrows(IllegalArgumentException.class, () -> new Vocabulary(new long[] {7, 7}), "a repeat");
        assertEquals(Vocabulary.FIRST_FAR_CLASS + 3, new Vocabulary(new long[] {5, -9, 300}).size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> settings(700, 192));
        assertTrue(e.getMessage().contains("parameters"), e.getMessage());
        assertTrue(TrainSettings.parameters(Vocabulary.FIRST_FAR_CLASS + 4096 + 42, 64,
                Vocabulary.FIRST_FAR_CLASS + 4096) < TrainSettings.MAX_PARAMETERS, "the default units fit any vocabulary");
        settings(256, 192); // 256 units and 192 far gaps fit in 2 M
    }

    private static TrainSettings settings(int hidden, int farGaps) {
        return new TrainSettings(List.of(Path.of("x")), null, "general", 0.6, 0.1, 1000, farGaps, hidden, 32, 512, 32,
                5, 3, 0.005, 0.25, 2, 1, 1, 0.5, 64, 1, 1, 1, false);
    }

    @Test
    void everyClassAndInputOfTheRealTracesIsInRange() throws IOException {
        long[] far = new long[192];
        for (int i = 0; i < far.length; i++) {
            far[i] = i % 2 == 0 ? 2 + i : -3 - i;
        }
        Vocabulary v = new Vocabulary(far);
        int inputs = StreamFeatures.inputSize(v);
        for (String name : List.of("P3.lis.zst", "cloudPhysicsIO.csv")) {
            StreamFeatures f = new StreamFeatures(v);
            int[] active = new int[StreamFeatures.MAX_ACTIVE];
            long[] perClass = new long[v.size()];
            long n = 0;
            try (TraceReader r = TraceReaders.open(SharedTraces.file(name), null)) {
                for (AccessRecord a = r.next(); a != null; a = r.next(), n++) {
                    int c = f.observe(a);
                    assertTrue(c >= 0 && c < v.size(), name + ": class " + c);
                    perClass[c]++;
                    int k = f.activeInputs(active);
                    assertTrue(k == 4 || k == 5);
                    int lower = 0;
                    int[] groupEnds = {v.size(), v.size() + StreamFeatures.SPAN_BUCKETS,
                            v.size() + StreamFeatures.SPAN_BUCKETS + StreamFeatures.HINTS,
                            inputs - 1, inputs};
                    for (int i = 0; i < k; i++) {
                        assertTrue(active[i] >= lower && active[i] < groupEnds[i], name + ": input " + active[i]);
                        lower = groupEnds[i];
                    }
                    for (int c2 = 0; c2 < v.size(); c2 += 7) {
                        int span = f.predictedSpan(c2);
                        assertTrue(span >= 1 && span <= StreamFeatures.MAX_SPAN, "span " + span);
                    }
                }
            }
            assertTrue(n > 100_000, name);
            assertTrue(perClass[Vocabulary.SUCCESSOR] > 0 && perClass[Vocabulary.anchorClass(0, -1)] > 0
                    && perClass[Vocabulary.anchorClass(1, -1)] > 0, name + ": the classes that matter occur");
        }
    }
}
