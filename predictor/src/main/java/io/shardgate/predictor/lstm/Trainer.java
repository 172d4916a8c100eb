package io.shardgate.predictor.lstm;

import io.shardgate.predictor.eval.NextAccessBaselines;
import io.shardgate.predictor.trace.AccessRecord;
import io.shardgate.predictor.trace.TraceReader;
import io.shardgate.predictor.trace.TraceReaders;
import io.shardgate.predictor.trace.TraceSlices;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Trains the model: builds the vocabulary from the train split's gaps, encodes the train and validation splits
 * with {@link StreamFeatures} (time order kept; the encoder also sees the requests before the capped train part, so
 * its successor tables are warm), fits the DL4J network with truncated BPTT, stops early on the validation loss and
 * keeps the best epoch, exports the weights to {@link PlainLstm} and scores top-1 next-access accuracy on the
 * validation split through the policy's own code. Minibatch order is shuffled within the train split only.
 *
 * <p>Not thread-safe; one training per instance. Progress lines go to the given consumer.
 */
public final class Trainer {
    private final TrainSettings settings;
    private final Consumer<String> progress;

    public Trainer(TrainSettings settings, Consumer<String> progress) {
        this.settings = settings;
        this.progress = progress;
    }

    /** A trained model and the DL4J network it came from. */
    public record Result(ModelInfo info, PlainLstm weights, MultiLayerNetwork network) {
    }

    /** One trace's split boundaries, by request index. */
    private record Bounds(Path file, long trainStart, long trainEnd, long validationEnd) {
    }

    /** Trains and writes the model file. */
    public Result trainTo(Path out) throws IOException {
        Result r = train();
        ByteArrayOutputStream dl4j = new ByteArrayOutputStream();
        ModelSerializer.writeModel(r.network(), dl4j, false);
        ModelFile.write(out, r.info(), r.weights(), dl4j.toByteArray());
        progress.accept("wrote " + out);
        if (!settings.tune()) {
            return r;
        }
        progress.accept("choosing the prefetch settings on the validation split");
        ModelInfo tuned = PrefetchTuner.tune(out, settings.traces(), settings.format(), settings.train(),
                settings.validation(), progress);
        return new Result(tuned, r.weights(), r.network());
    }

    /** Trains; writes nothing. */
    public Result train() throws IOException {
        long t0 = System.nanoTime();
        Nd4j.getEnvironment().setMaxThreads(settings.threads());
        Nd4j.getEnvironment().setMaxMasterThreads(settings.threads());
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
        Vocabulary vocab = vocabulary(bounds);
        List<StepSequences> train = new ArrayList<>();
        List<StepSequences> validation = new ArrayList<>();
        for (Bounds b : bounds) {
            encode(b, vocab, train, validation);
        }
        int inputs = StreamFeatures.inputSize(vocab);
        int classes = vocab.size();
        progress.accept(String.format(Locale.ROOT, "vocabulary %d classes (%d far gaps), %d inputs, %d units: %,d"
                        + " parameters", classes, vocab.farGaps().length, inputs, settings.hidden(),
                TrainSettings.parameters(inputs, settings.hidden(), classes)));
        MultiLayerNetwork net = DlNetworks.build(inputs, settings.hidden(), classes, settings.window(),
                settings.learningRate(), settings.seed());
        List<int[]> trainRows = rows(train, settings.segment());
        List<int[]> valRows = rows(validation, Math.min(settings.segment(), longest(validation)));
        if (trainRows.isEmpty() || valRows.isEmpty()) {
            throw new IllegalArgumentException("too few requests for one training row of " + settings.segment()
                    + " steps; lower --segment or use a longer trace");
        }
        List<Double> trainLoss = new ArrayList<>();
        List<Double> valLoss = new ArrayList<>();
        Random random = new Random(settings.seed());
        INDArray best = null;
        double bestLoss = Double.POSITIVE_INFINITY;
        int bestEpoch = 0;
        int epoch = 0;
        double initialLoss = loss(net, valRows, validation, inputs, classes);
        progress.accept(String.format(Locale.ROOT, "untrained: validation loss %.4f", initialLoss));
        for (int bad = 0; epoch < settings.epochs() && bad < settings.patience(); ) {
            epoch++;
            long e0 = System.nanoTime();
            Collections.shuffle(trainRows, random);
            double sum = 0;
            int batches = 0;
            for (int i = 0; i < trainRows.size(); i += settings.batch()) {
                List<int[]> batch = trainRows.subList(i, Math.min(trainRows.size(), i + settings.batch()));
                net.fit(dataSet(batch, train, inputs, classes));
                sum += net.score() / settings.window(); // DL4J scores the last window: summed over its steps
                batches++;
            }
            trainLoss.add(sum / batches);
            double v = loss(net, valRows, validation, inputs, classes);
            valLoss.add(v);
            boolean better = v < bestLoss - 1e-4;
            if (better) {
                bestLoss = v;
                best = net.params().dup();
                bestEpoch = epoch;
                bad = 0;
            } else {
                bad++;
            }
            progress.accept(String.format(Locale.ROOT, "epoch %d/%d: train loss %.4f, validation loss %.4f%s (%.1f s)",
                    epoch, settings.epochs(), sum / batches, v, better ? " (best)" : "",
                    (System.nanoTime() - e0) / 1e9));
        }
        net.setParams(best);
        PlainLstm weights = DlNetworks.export(net);
        ModelInfo draft = info(vocab, weights, 0, 0, 0, 0, epoch, bestEpoch, initialLoss, trainLoss, valLoss, bounds);
        double[] top1 = validationTop1(new ModelFile.Model(draft, vocab, weights), bounds);
        double seconds = (System.nanoTime() - t0) / 1e9;
        ModelInfo info = info(vocab, weights, top1[0], top1[1], top1[2], seconds, epoch, bestEpoch, initialLoss, trainLoss,
                valLoss, bounds);
        progress.accept(String.format(Locale.ROOT, "best epoch %d; validation top-1 next access: model %.4f, most"
                + " frequent gap %.4f, last successor %.4f (%.0f s)", bestEpoch, top1[0], top1[1], top1[2], seconds));
        return new Result(info, weights, net);
    }

    private ModelInfo info(Vocabulary vocab, PlainLstm w, double top1, double gap, double successor, double seconds,
                           int epochs, int bestEpoch, double initialLoss, List<Double> trainLoss,
                           List<Double> valLoss,
                           List<Bounds> bounds) {
        long trainRequests = 0;
        long valRequests = 0;
        List<String> names = new ArrayList<>();
        for (Bounds b : bounds) {
            trainRequests += b.trainEnd() - b.trainStart();
            valRequests += b.validationEnd() - b.trainEnd();
            names.add(b.file().getFileName().toString());
        }
        double test = Math.max(0, 1 - settings.train() - settings.validation());
        ModelInfo.Training t = new ModelInfo.Training(names, List.of(settings.train(), settings.validation(), test),
                trainRequests, valRequests, settings.maxRequests(), settings.window(), settings.batch(),
                settings.segment(), settings.learningRate(), epochs, bestEpoch, initialLoss, List.copyOf(trainLoss),
                List.copyOf(valLoss), top1, gap, successor, seconds, settings.threads());
        return new ModelInfo(ModelFile.FORMAT, settings.workload(), w.inputs, w.hidden, w.classes, w.parameters(),
                vocab.farGaps(), settings.minProbability(), settings.maxPredictions(), settings.lookahead(),
                settings.minBlocks(), t,
                List.of());
    }

    private TraceReader open(Path f) throws IOException {
        return TraceReaders.open(f, settings.format());
    }

    /** The most frequent far gaps (seen at least twice) between consecutive requests of a stream in the train parts. */
    private Vocabulary vocabulary(List<Bounds> bounds) throws IOException {
        Map<Long, long[]> counts = new HashMap<>();
        for (Bounds b : bounds) {
            Map<Integer, Long> lastBlock = new HashMap<>();
            try (TraceReader r = TraceSlices.limit(TraceSlices.skip(open(b.file()), b.trainStart()),
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
    private void encode(Bounds b, Vocabulary vocab, List<StepSequences> train, List<StepSequences> validation)
            throws IOException {
        Map<Integer, Pending> streams = new HashMap<>();
        List<Map<Integer, StepSequences>> parts = List.of(new HashMap<>(), new HashMap<>());
        long i = 0;
        try (TraceReader r = TraceSlices.limit(open(b.file()), b.validationEnd())) {
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

    private static int longest(List<StepSequences> seqs) {
        int m = 1;
        for (StepSequences s : seqs) {
            m = Math.max(m, s.size());
        }
        return m;
    }

    /** Rows of {@code length} consecutive steps: {sequence index, first step, length}; a short tail is dropped. */
    private static List<int[]> rows(List<StepSequences> seqs, int length) {
        List<int[]> rows = new ArrayList<>();
        for (int s = 0; s < seqs.size(); s++) {
            for (int start = 0; start + length <= seqs.get(s).size(); start += length) {
                rows.add(new int[] {s, start, length});
            }
        }
        return rows;
    }

    /** Features [rows, inputs, steps] (one-hot groups) and one-hot labels [rows, classes, steps]. */
    private static DataSet dataSet(List<int[]> rows, List<StepSequences> seqs, int inputs, int classes) {
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

    /** Mean cross-entropy per step (nats) over the rows (the network's state starts at zero on each row). */
    private double loss(MultiLayerNetwork net, List<int[]> rows, List<StepSequences> seqs, int inputs, int classes) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < rows.size(); i += settings.batch()) {
            List<int[]> batch = rows.subList(i, Math.min(rows.size(), i + settings.batch()));
            // DL4J's score of a time series is summed over its steps and averaged over its rows
            sum += net.score(dataSet(batch, seqs, inputs, classes)) * batch.size();
            n += batch.size() * batch.get(0)[2];
        }
        return sum / n;
    }

    /**
     * Top-1 next-access accuracy on the validation splits: the model through {@link LstmPolicy} (history = all
     * requests before the validation split), and the two simple predictors; request-weighted over the traces.
     */
    private double[] validationTop1(ModelFile.Model model, List<Bounds> bounds) throws IOException {
        double hits = 0;
        double gap = 0;
        double successor = 0;
        long scored = 0;
        for (Bounds b : bounds) {
            LstmPolicy policy = new LstmPolicy(model, Long.MAX_VALUE);
            policy.learn(history(b.file(), b.trainEnd()));
            long n = 0;
            long h = 0;
            try (TraceReader r = TraceSlices.limit(TraceSlices.skip(open(b.file()), b.trainEnd()),
                    b.validationEnd() - b.trainEnd())) {
                for (AccessRecord a = r.next(); a != null; a = r.next()) {
                    h += policy.predictedFirstBlock(a.volume()) == a.firstBlock() ? 1 : 0;
                    n++;
                    policy.onAccess(a, block -> { });
                }
            }
            NextAccessBaselines base;
            try (TraceReader r = TraceSlices.limit(open(b.file()), b.validationEnd())) {
                base = NextAccessBaselines.run(r, b.trainEnd());
            }
            hits += h;
            gap += base.gapAccuracy() * n;
            successor += base.successorAccuracy() * n;
            scored += n;
        }
        return new double[] {hits / scored, gap / scored, successor / scored};
    }

    private Supplier<TraceReader> history(Path file, long end) {
        return () -> {
            try {
                return TraceSlices.limit(open(file), end);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }
}
