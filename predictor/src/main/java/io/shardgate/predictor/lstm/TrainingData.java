package io.shardgate.predictor.lstm;

import io.shardgate.predictor.trace.AccessRecord;
import io.shardgate.predictor.trace.TraceReader;
import io.shardgate.predictor.trace.TraceReaders;
import io.shardgate.predictor.trace.TraceSlices;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The training data of {@link Trainer}: each trace's split boundaries, the vocabulary built from the train splits'
 * gaps, and the train and validation steps encoded with {@link StreamFeatures} in time order (the encoder also sees
 * the requests before a capped train part, so its successor tables are warm; a step whose label lies in another
 * split is dropped). Also cuts the steps into rows and minibatches for DL4J. Not thread-safe.
 *
 * @param bounds     per trace, in the order given
 * @param vocabulary the output vocabulary (from the train splits)
 * @param train      the train steps, one sequence per trace and volume
 * @param validation the validation steps, likewise
 */
record TrainingData(List<TrainingData.Bounds> bounds, Vocabulary vocabulary, List<StepSequences> train,
                    List<StepSequences> validation) {

    /** One trace's split boundaries, by request index. */
    record Bounds(Path file, long trainStart, long trainEnd, long validationEnd) {
    }

    /** Reads and encodes the traces of {@code settings}; progress lines name each trace's split. */
    static TrainingData read(TrainSettings settings, Consumer<String> progress) throws IOException {
        List<Bounds> bounds = new ArrayList<>();
        for (Path f : settings.traces()) {
            long n = TraceSlices.count(f, settings.format());
            long trainEnd = (long) Math.floor(n * settings.train());
            long valEnd = (long) Math.floor(n * (settings.train() + settings.validation()));
            if (trainEnd < 2 || valEnd - trainEnd < 2) {
                throw new IllegalArgumentException(f + ": too few requests (" + n + ") for a train and validation split");
            }
            Bounds b = new Bounds(f, Math.max(0, trainEnd - settings.maxRequests()), trainEnd, valEnd);
            bounds.add(b);
            progress.accept(String.format(Locale.ROOT, "%s: %,d requests; train on %,d (requests %,d..%,d%s),"
                            + " validate on %,d", f.getFileName(), n, trainEnd - b.trainStart(), b.trainStart(),
                    trainEnd - 1, b.trainStart() > 0 ? ", capped by --max-requests" : "", valEnd - trainEnd));
        }
        Vocabulary vocab = vocabulary(bounds, settings);
        List<StepSequences> train = new ArrayList<>();
        List<StepSequences> validation = new ArrayList<>();
        for (Bounds b : bounds) {
            encode(b, vocab, settings, train, validation);
        }
        return new TrainingData(List.copyOf(bounds), vocab, train, validation);
    }

    private static TraceReader open(Path f, TrainSettings settings) throws IOException {
        return TraceReaders.open(f, settings.format());
    }

    /** The most frequent far gaps (seen at least twice) between consecutive requests of a stream in the train parts. */
    private static Vocabulary vocabulary(List<Bounds> bounds, TrainSettings settings) throws IOException {
        Map<Long, long[]> counts = new HashMap<>();
        for (Bounds b : bounds) {
            Map<Integer, Long> lastBlock = new HashMap<>();
            try (TraceReader r = TraceSlices.limit(TraceSlices.skip(open(b.file(), settings), b.trainStart()),
                    b.trainEnd() - b.trainStart())) {
                for (AccessRecord a = r.next(); a != null; a = r.next()) {
                    Long prev = lastBlock.put(a.volume(), a.lastBlock());
                    if (prev != null) {
                        long gap = a.firstBlock() - (prev + 1);
                        if (!Vocabulary.isSmall(gap)) {
                            counts.computeIfAbsent(gap, g -> new long[1])[0]++;
                        }
                    }
                }
            }
        }
        List<Map.Entry<Long, long[]>> entries = new ArrayList<>(counts.entrySet());
        entries.removeIf(e -> e.getValue()[0] < 2);
        entries.sort((x, y) -> x.getValue()[0] != y.getValue()[0] ? Long.compare(y.getValue()[0], x.getValue()[0])
                : Long.compare(x.getKey(), y.getKey()));
        int k = Math.min(settings.farGaps(), entries.size());
        long[] gaps = new long[k];
        for (int i = 0; i < k; i++) {
            gaps[i] = entries.get(i).getKey();
        }
        return new Vocabulary(gaps);
    }

    /** One stream being encoded: its features and the step waiting for its label (the next request's class). */
    private static final class Pending {
        final StreamFeatures features;
        final int[] active = new int[StreamFeatures.MAX_ACTIVE];
        int n;
        int part = -1;

        Pending(Vocabulary v) {
            features = new StreamFeatures(v);
        }
    }

    /** Encodes one trace up to its validation end; a step whose label lies in another split is dropped. */
    private static void encode(Bounds b, Vocabulary vocab, TrainSettings settings, List<StepSequences> train,
                               List<StepSequences> validation)
            throws IOException {
        Map<Integer, Pending> streams = new HashMap<>();
        List<Map<Integer, StepSequences>> parts = List.of(new HashMap<>(), new HashMap<>());
        long i = 0;
        try (TraceReader r = TraceSlices.limit(open(b.file(), settings), b.validationEnd())) {
            for (AccessRecord a = r.next(); a != null; a = r.next(), i++) {
                int part = i < b.trainStart() ? -1 : i < b.trainEnd() ? 0 : 1;
                Pending p = streams.computeIfAbsent(a.volume(), v -> new Pending(vocab));
                int c = p.features.observe(a);
                if (p.part >= 0 && p.part == part) {
                    parts.get(part).computeIfAbsent(a.volume(), v -> new StepSequences()).add(p.active, p.n, c);
                }
                p.part = part;
                if (part >= 0) {
                    p.n = p.features.activeInputs(p.active);
                }
            }
        }
        train.addAll(parts.get(0).values());
        validation.addAll(parts.get(1).values());
    }

    static int longest(List<StepSequences> seqs) {
        int m = 1;
        for (StepSequences s : seqs) {
            m = Math.max(m, s.size());
        }
        return m;
    }

    /** Rows of {@code length} consecutive steps: {sequence index, first step, length}; a short tail is dropped. */
    static List<int[]> rows(List<StepSequences> seqs, int length) {
        List<int[]> rows = new ArrayList<>();
        for (int s = 0; s < seqs.size(); s++) {
            for (int start = 0; start + length <= seqs.get(s).size(); start += length) {
                rows.add(new int[] {s, start, length});
            }
        }
        return rows;
    }

    /** Features [rows, inputs, steps] (one-hot groups) and one-hot labels [rows, classes, steps]. */
    static DataSet dataSet(List<int[]> rows, List<StepSequences> seqs, int inputs, int classes) {
        int t = rows.get(0)[2];
        int b = rows.size();
        float[] x = new float[b * inputs * t];
        float[] y = new float[b * classes * t];
        for (int r = 0; r < b; r++) {
            StepSequences s = seqs.get(rows.get(r)[0]);
            int start = rows.get(r)[1];
            for (int k = 0; k < t; k++) {
                for (int i = 0; i < StreamFeatures.MAX_ACTIVE; i++) {
                    int in = s.input(start + k, i);
                    if (in >= 0) {
                        x[(r * inputs + in) * t + k] = 1f;
                    }
                }
                y[(r * classes + s.label(start + k)) * t + k] = 1f;
            }
        }
        return new DataSet(Nd4j.create(x, new long[] {b, inputs, t}, 'c'),
                Nd4j.create(y, new long[] {b, classes, t}, 'c'));
    }

}
