package io.shardgate.predictor.lstm;

import io.shardgate.predictor.trace.TraceFormat;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code predict train} was asked to do, validated once here.
 *
 * @param traces         training traces; each is split by request count in file order
 * @param format         trace format, or null to detect it
 * @param workload       workload type recorded in the model
 * @param train          train share of each trace
 * @param validation     validation share (right after the train split; early stopping looks at it)
 * @param maxRequests    cap on train requests per trace: the most recent ones are kept
 * @param farGaps        size of the far-gap part of the vocabulary
 * @param hidden         LSTM units
 * @param window         truncated-BPTT length, steps
 * @param segment        steps per training row (the recurrent state is carried across its windows)
 * @param batch          rows per minibatch
 * @param epochs         maximum epochs
 * @param patience       epochs without a better validation loss before stopping
 * @param learningRate   Adam's learning rate
 * @param minProbability recorded for the policy: least probability of a predicted request it prefetches
 * @param maxPredictions recorded for the policy: most predicted requests it prefetches per request
 * @param lookahead      recorded for the policy: requests' worth of blocks per predicted request (1 or 2)
 * @param minBlocks      recorded for the policy: least blocks per predicted request (1..64)
 * @param runProbability recorded for the policy: least probability that the run continues to prefetch its remainder
 * @param runBlocks      recorded for the policy: most blocks of a run's remainder per request (0..1024, 0 = never)
 * @param runShare       recorded for the policy: the run's remainder as a share of its length so far (0..4]
 * @param seed           random seed (weights, minibatch order)
 * @param threads        native threads for DL4J
 * @param tune           choose minProbability and maxPredictions on the validation split ({@link PrefetchTuner})
 */
public record TrainSettings(List<Path> traces, TraceFormat format, String workload, double train, double validation,
                            long maxRequests, int farGaps, int hidden, int window, int segment, int batch, int epochs,
                            int patience, double learningRate, double minProbability, int maxPredictions,
                            int lookahead, int minBlocks, double runProbability, int runBlocks, double runShare,
                            long seed,
                            int threads, boolean tune) {
    /** The most parameters a model may have (issue 5: "at most about 2 M"). */
    public static final long MAX_PARAMETERS = 2_000_000;

    public TrainSettings {
        traces = List.copyOf(traces);
        if (traces.isEmpty()) {
            throw new IllegalArgumentException("at least one --trace is needed");
        }
        if (workload == null || !workload.matches("[a-z][a-z0-9_-]{0,31}")) {
            throw new IllegalArgumentException("--workload must be a lower-case word (database, vdi, general, ...): "
                    + workload);
        }
        if (!(train > 0) || !(validation > 0) || train + validation > 1) {
            throw new IllegalArgumentException("--split: train and validation shares must be > 0 and sum to <= 1");
        }
        positive(maxRequests, "--max-requests");
        positive(hidden, "--hidden");
        positive(window, "--window");
        positive(batch, "--batch");
        positive(epochs, "--epochs");
        positive(patience, "--patience");
        positive(threads, "--threads");
        positive(maxPredictions, "--max-predictions");
        if (lookahead < 1 || lookahead > 4) {
            throw new IllegalArgumentException("--lookahead must be in 1..4: " + lookahead);
        }
        if (minBlocks < 1 || minBlocks > 64) {
            throw new IllegalArgumentException("--min-blocks must be in 1..64: " + minBlocks);
        }
        if (!(runProbability >= 0 && runProbability <= 1)) {
            throw new IllegalArgumentException("--run-probability must be in [0, 1]");
        }
        if (runBlocks < 0 || runBlocks > 1024) {
            throw new IllegalArgumentException("--run-blocks must be in 0..1024: " + runBlocks);
        }
        if (!(runShare > 0 && runShare <= 4)) {
            throw new IllegalArgumentException("--run-share must be in (0, 4]: " + runShare);
        }
        if (farGaps < 0 || farGaps > 4096) {
            throw new IllegalArgumentException("--far-gaps must be in 0..4096: " + farGaps);
        }
        if (segment < window || segment % window != 0) {
            throw new IllegalArgumentException("--segment must be a multiple of --window: " + segment);
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("--learning-rate must be > 0");
        }
        if (!(minProbability >= 0 && minProbability <= 1)) {
            throw new IllegalArgumentException("--min-probability must be in [0, 1]");
        }
        int classes = Vocabulary.FIRST_FAR_CLASS + farGaps;
        long params = parameters(StreamFeatures.inputSize(classes), hidden, classes);
        if (params > MAX_PARAMETERS) {
            throw new IllegalArgumentException("the model would have " + params + " parameters, more than "
                    + MAX_PARAMETERS + ": lower --hidden or --far-gaps");
        }
    }

    private static void positive(long v, String name) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be > 0: " + v);
        }
    }

    /** The prefetch settings recorded in the model before (or instead of) tuning. */
    ModelInfo.Prefetch prefetch() {
        return new ModelInfo.Prefetch(minProbability, maxPredictions, lookahead, minBlocks, runProbability, runBlocks,
                runShare);
    }

    /** Parameters of the network for these sizes. */
    static long parameters(int inputs, int hidden, int classes) {
        return 4L * hidden * (inputs + hidden + 1) + (long) hidden * classes + classes;
    }
}
