package io.shardgate.predictor.lstm;

import io.shardgate.predictor.eval.NextAccessBaselines;
import io.shardgate.predictor.trace.AccessRecord;
import io.shardgate.predictor.trace.TraceReader;
import io.shardgate.predictor.trace.TraceReaders;
import io.shardgate.predictor.trace.TraceSlices;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Trains the model: reads the {@link TrainingData} (vocabulary, train and validation steps in time order), fits
 * the DL4J network with truncated BPTT, stops early on the validation loss and keeps the best epoch, exports the
 * weights to {@link PlainLstm} and scores top-1 next-access accuracy on the validation split through the policy's
 * own code. Minibatch order is shuffled within the train split only.
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
                settings.validation(), settings.runBlocks(), progress);
        return new Result(tuned, r.weights(), r.network());
    }

    /** Trains; writes nothing. */
    public Result train() throws IOException {
        long t0 = System.nanoTime();
        Nd4j.getEnvironment().setMaxThreads(settings.threads());
        Nd4j.getEnvironment().setMaxMasterThreads(settings.threads());
        TrainingData data = TrainingData.read(settings, progress);
        Vocabulary vocab = data.vocabulary();
        List<StepSequences> train = data.train();
        List<StepSequences> validation = data.validation();
        List<TrainingData.Bounds> bounds = data.bounds();
        int inputs = StreamFeatures.inputSize(vocab);
        int classes = vocab.size();
        progress.accept(String.format(Locale.ROOT, "vocabulary %d classes (%d far gaps), %d inputs, %d units: %,d"
                        + " parameters", classes, vocab.farGaps().length, inputs, settings.hidden(),
                TrainSettings.parameters(inputs, settings.hidden(), classes)));
        MultiLayerNetwork net = DlNetworks.build(inputs, settings.hidden(), classes, settings.window(),
                settings.learningRate(), settings.seed());
        List<int[]> trainRows = TrainingData.rows(train, settings.segment());
        List<int[]> valRows = TrainingData.rows(validation, Math.min(settings.segment(),
                TrainingData.longest(validation)));
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
                net.fit(TrainingData.dataSet(batch, train, inputs, classes));
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
                           List<TrainingData.Bounds> bounds) {
        long trainRequests = 0;
        long valRequests = 0;
        List<String> names = new ArrayList<>();
        for (TrainingData.Bounds b : bounds) {
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
                settings.minBlocks(), settings.runProbability(), settings.runBlocks(), settings.runShare(), t,
                List.of());
    }

    private TraceReader open(Path f) throws IOException {
        return TraceReaders.open(f, settings.format());
    }

    /** Mean cross-entropy per step (nats) over the rows (the network's state starts at zero on each row). */
    private double loss(MultiLayerNetwork net, List<int[]> rows, List<StepSequences> seqs, int inputs, int classes) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < rows.size(); i += settings.batch()) {
            List<int[]> batch = rows.subList(i, Math.min(rows.size(), i + settings.batch()));
            // DL4J's score of a time series is summed over its steps and averaged over its rows
            sum += net.score(TrainingData.dataSet(batch, seqs, inputs, classes)) * batch.size();
            n += batch.size() * batch.get(0)[2];
        }
        return sum / n;
    }

    /**
     * Top-1 next-access accuracy on the validation splits: the model through {@link LstmPolicy} (history = all
     * requests before the validation split), and the two simple predictors; request-weighted over the traces.
     */
    private double[] validationTop1(ModelFile.Model model, List<TrainingData.Bounds> bounds) throws IOException {
        double hits = 0;
        double gap = 0;
        double successor = 0;
        long scored = 0;
        for (TrainingData.Bounds b : bounds) {
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
