package io.shardgate.predictor.lstm;

import io.shardgate.predictor.SharedTraces;
import io.shardgate.predictor.eval.EvalSettings;
import io.shardgate.predictor.eval.Evaluator;
import io.shardgate.predictor.eval.PolicyFigures;
import io.shardgate.predictor.trace.AccessRecord;
import io.shardgate.predictor.trace.TraceReader;
import io.shardgate.predictor.trace.TraceReaders;
import io.shardgate.predictor.trace.TraceSlices;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Trains a small model once on a slice of cloudPhysicsIO (the 6,000 most recent train requests, 3 epochs) and checks
 * what training, the model file and the policy promise.
 */
class LstmModelTest {
    @TempDir
    static Path dir;
    static Path trace;
    static Path modelFile;
    static Trainer.Result trained;

    @BeforeAll
    static void train() throws IOException {
        trace = SharedTraces.file("cloudPhysicsIO.csv");
        modelFile = dir.resolve("cp.zip");
        TrainSettings s = new TrainSettings(List.of(trace), null, "general", 0.6, 0.1, 6_000, 64, 32, 16, 128, 16, 3,
                3, 0.01, 0.05, 2, 1, 1, 0.1, 64, 1, 42, 1, false); // low thresholds: this small model prefetches
        trained = new Trainer(s, System.out::println).trainTo(modelFile);
    }

    @Test
    void trainingOnASliceLowersTheValidationLoss() {
        ModelInfo.Training t = trained.info().training();
        assertEquals(6_000, t.trainRequests(), "capped to --max-requests");
        assertEquals(11_387, t.validationRequests(), "the validation split: requests 68,323..79,709");
        assertTrue(t.epochsRun() <= 3 && t.bestEpoch() >= 1);
        double best = t.validationLoss().get(t.bestEpoch() - 1);
        assertTrue(best < 0.6 * t.initialValidationLoss(),
                "validation loss " + best + " vs untrained " + t.initialValidationLoss());
        assertEquals(Vocabulary.FIRST_FAR_CLASS + 64, trained.info().classes(), "64 far gaps were asked for");
        assertTrue(trained.info().parameters() <= TrainSettings.MAX_PARAMETERS);
    }

    @Test
    void modelFileRoundTrips() throws IOException {
        ModelFile.Model m = ModelFile.read(modelFile);
        ModelInfo a = trained.info();
        ModelInfo b = m.info();
        assertEquals("general", b.workload());
        assertEquals(ModelFile.FORMAT, b.format());
        assertArrayEquals(a.farGaps(), b.farGaps());
        assertEquals(a.training(), b.training());
        assertEquals(a.parameters(), m.network().parameters());
        assertTrue(ModelFile.readNetwork(modelFile).length > 1000, "DL4J's own copy is kept");
        // the loaded weights compute exactly what the trained ones do
        PlainLstm.State s1 = trained.weights().newState();
        PlainLstm.State s2 = m.network().newState();
        float[] p1 = new float[b.classes()];
        float[] p2 = new float[b.classes()];
        Random random = new Random(3);
        for (int t = 0; t < 500; t++) {
            int[] active = {random.nextInt(b.classes()), b.classes() + random.nextInt(StreamFeatures.SPAN_BUCKETS)};
            trained.weights().step(s1, active, 2, p1);
            m.network().step(s2, active, 2, p2);
            assertArrayEquals(p1, p2);
        }
    }

    @Test
    void evaluatorScoresTheSameTop1AsTrainingOnTheValidationSplit() throws IOException {
        EvalSettings onValidation = new EvalSettings(0.6, 0, 0.1, List.of(0.01), 4, 5, 100, 1000);
        List<PolicyFigures> f = new Evaluator(trace, null, onValidation, line -> { }).run(List.of("lstm"), modelFile)
                .policies();
        assertEquals(1, f.size());
        assertEquals(11_387, f.get(0).requests());
        // the same policy code replays the same requests after the same history in both places
        assertEquals(trained.info().training().validationTop1(), f.get(0).top1NextAccess(), 1e-12);
        assertTrue(f.get(0).prefetchIssued() > 0);
    }

    @Test
    void thePolicyNeverPrefetchesOutsideTheVolume() throws IOException {
        long maxBlock = 0;
        try (TraceReader r = TraceReaders.open(trace, null)) {
            for (AccessRecord a = r.next(); a != null; a = r.next()) {
                maxBlock = Math.max(maxBlock, a.lastBlock());
            }
        }
        long volumeBlocks = maxBlock / 2; // half the trace lies beyond: predictions there must be dropped
        LstmPolicy policy = LstmPolicy.load(modelFile, volumeBlocks);
        policy.learn(() -> {
            try {
                return TraceSlices.limit(TraceReaders.open(trace, null), 80_000);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        long[] counts = new long[2];
        List<Long> outside = new ArrayList<>();
        try (TraceReader r = TraceSlices.skip(TraceReaders.open(trace, null), 80_000)) {
            for (AccessRecord a = r.next(); a != null; a = r.next()) {
                counts[1] += a.firstBlock() >= volumeBlocks ? 1 : 0;
                policy.onAccess(a, b -> {
                    counts[0]++;
                    if (b < 0 || b >= volumeBlocks) {
                        outside.add(b);
                    }
                });
            }
        }
        assertTrue(counts[0] > 10_000, "it prefetches: " + counts[0]);
        assertTrue(counts[1] > 0, "the replay has requests beyond the volume's end, so the bound was exercised");
        assertEquals(List.of(), outside.subList(0, Math.min(10, outside.size())));
    }

    @Test
    void prefetchSettingsFromTheModelFileAreApplied() throws IOException {
        LstmPolicy policy = policyWith(new ModelInfo.Prefetch(0.0, 1, 1, 16, 1, 0, 1), "wide.zip");
        assertEquals(16, policy.info().minBlocks());
        long calls = 0;
        try (TraceReader r = TraceSlices.limit(TraceReaders.open(trace, null), 5_000)) {
            for (AccessRecord a = r.next(); a != null; a = r.next()) {
                List<Long> named = new ArrayList<>();
                policy.onAccess(a, named::add);
                if (!named.isEmpty()) {
                    calls++;
                    assertTrue(named.size() >= 16, "one prediction of at least 16 blocks: " + named.size());
                    for (int i = 1; i < named.size(); i++) {
                        assertEquals(named.get(i - 1) + 1, named.get(i), "consecutive blocks");
                    }
                }
            }
        }
        assertTrue(calls > 4_000, "with min probability 0 nearly every request names a prediction: " + calls);
    }

    @Test
    void theRunRemaindersFollowTheRuns() throws IOException {
        // no class prediction (probability >= 1), the remainder of every recent request's run after every request
        LstmPolicy policy = policyWith(new ModelInfo.Prefetch(1.0, 1, 1, 1, 0.0, 24, 1), "runs.zip");
        long longest = 0;
        try (TraceReader r = TraceSlices.limit(TraceReaders.open(trace, null), 5_000)) {
            for (AccessRecord a = r.next(); a != null; a = r.next()) {
                List<Long> named = new ArrayList<>();
                policy.onAccess(a, named::add);
                // runs of consecutive blocks, one per recent request, the latest request's first
                List<Integer> lengths = new ArrayList<>();
                int length = 1;
                for (int i = 1; i <= named.size(); i++) {
                    if (i < named.size() && named.get(i) == named.get(i - 1) + 1) {
                        length++;
                    } else {
                        lengths.add(length);
                        length = 1;
                    }
                }
                assertTrue(lengths.size() <= Vocabulary.ANCHORS, "one remainder per recent request: " + lengths);
                assertTrue(named.size() <= 24 * Vocabulary.ANCHORS, "at most --run-blocks per request: " + named.size());
                long span = a.lastBlock() - a.firstBlock() + 1;
                assertTrue(named.get(0) > a.lastBlock(), "after the run's end, which is at or after the request's");
                assertTrue(lengths.get(0) >= Math.min(24, span), "at least the request's own length: " + lengths);
                for (int l : lengths) {
                    assertTrue(l <= 24 * Vocabulary.ANCHORS, "at most --run-blocks each: " + lengths);
                    longest = Math.max(longest, l);
                }
            }
        }
        assertTrue(longest >= 24, "long runs reach the cap");
    }

    @Test
    void badModelFilesGetClearErrors() throws IOException {
        Path text = dir.resolve("text.zip");
        Files.writeString(text, "not a model");
        IOException e = assertThrows(IOException.class, () -> LstmPolicy.load(text));
        assertTrue(e.getMessage().contains("not a ShardGate LSTM model"), e.getMessage());
        Path noWeights = dir.resolve("noweights.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(noWeights))) {
            z.putNextEntry(new ZipEntry(ModelFile.INFO));
            z.write(Files.readAllBytes(text));
            z.closeEntry();
        }
        e = assertThrows(IOException.class, () -> LstmPolicy.load(noWeights));
        assertTrue(e.getMessage().contains("not a readable ShardGate LSTM model"), e.getMessage());
    }

    @Test
    void prefetchTuningPrefersTheBestHitRatioWithinTheBudget() {
        var inBudget = new ModelInfo.TuningRow(run(0.4, 1, 1, 1), 0.70, 0.9, 5, 0.75, 12, true);
        var better = new ModelInfo.TuningRow(run(0.25, 2, 1, 1), 0.72, 0.8, 5.9, 0.75, 12, true);
        var outside = new ModelInfo.TuningRow(run(0.15, 3, 2, 8), 0.80, 0.5, 9, 0.75, 12, false);
        assertEquals(better, PrefetchTuner.choose(List.of(inBudget, outside, better)));
        var accurate = new ModelInfo.TuningRow(run(0.6, 1, 1, 1), 0.60, 0.7, 7, 0.75, 12, false);
        assertEquals(accurate, PrefetchTuner.choose(List.of(outside, accurate)), "accuracy >= 0.6 first");
    }

    /** The trained model with other prefetch settings, written to {@code name} and loaded as a policy. */
    private static LstmPolicy policyWith(ModelInfo.Prefetch prefetch, String name) throws IOException {
        ModelFile.Model m = ModelFile.read(modelFile);
        Path file = dir.resolve(name);
        ModelFile.write(file, m.info().withPrefetch(prefetch, List.of()), m.network(), null);
        return LstmPolicy.load(file, Long.MAX_VALUE);
    }

    private static ModelInfo.Prefetch run(double minProbability, int maxPredictions, int lookahead, int minBlocks) {
        return new ModelInfo.Prefetch(minProbability, maxPredictions, lookahead, minBlocks, 0.5, 64, 1);
    }
}
