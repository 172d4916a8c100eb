package io.shardgate.predictor.lstm;

import java.util.List;

/**
 * What a model file says about itself ({@code model.json} in the zip): the workload type it was trained for, its
 * shape and vocabulary, how the policy turns predictions into prefetches, and how it was trained.
 *
 * @param format         {@value ModelFile#FORMAT}
 * @param workload       the workload type ({@code database}, {@code vdi}, {@code general}, ...)
 * @param inputs         input vector size
 * @param hidden         LSTM units
 * @param classes        output classes (vocabulary size)
 * @param parameters     trained parameters
 * @param farGaps        the far-gap part of the vocabulary, in 4 KiB blocks, most frequent first
 * @param minProbability the policy prefetches a predicted request only if its class has at least this probability
 * @param maxPredictions the policy prefetches at most this many predicted requests per request
 * @param lookahead      requests' worth of blocks prefetched per predicted request: 1 = the predicted request, 2 = it
 *                       and the same length after it (0 in files without it means 1)
 * @param minBlocks      the least blocks prefetched per predicted request, from its first block (spatial locality
 *                       around the predicted request; 0 in files without it means 1)
 * @param training       how it was trained
 * @param tuning         the prefetch settings tried on the validation split (empty when not tuned)
 */
public record ModelInfo(String format, String workload, int inputs, int hidden, int classes, long parameters,
                        long[] farGaps, double minProbability, int maxPredictions, int lookahead,
                        int minBlocks, Training training, List<TuningRow> tuning) {

    /** The same model with other prefetch settings and tuning record. */
    public ModelInfo withPrefetch(double minProbability, int maxPredictions, int lookahead, int minBlocks,
                                  List<TuningRow> tuning) {
        return new ModelInfo(format, workload, inputs, hidden, classes, parameters, farGaps, minProbability,
                maxPredictions, lookahead, minBlocks, training, List.copyOf(tuning));
    }

    /**
     * One prefetch setting replayed on the validation split by the evaluator (means over the cache sizes and
     * traces), with 32-block readahead's figures on the same replay for the budget.
     */
    public record TuningRow(double minProbability, int maxPredictions, int lookahead, int minBlocks, double hitRatio, double accuracy,
                            double extraReadsPerRequest, double readahead32HitRatio,
                            double readahead32ExtraReadsPerRequest, boolean withinBudget) {
    }

    /**
     * Training figures. Losses are mean cross-entropy per step (nats); top-1 figures are on the validation split,
     * replayed through the same code as the policy (continuous state), against the two simple predictors.
     *
     * @param traces             the training traces (file names)
     * @param split              train, validation, test shares of each trace, by request count in file order
     * @param trainRequests      requests of the train split used (the most recent ones when capped)
     * @param validationRequests requests of the validation split
     * @param maxRequests        the cap on train requests per trace
     * @param initialValidationLoss validation loss of the untrained network
     */
    public record Training(List<String> traces, List<Double> split, long trainRequests, long validationRequests,
                           long maxRequests, int window, int batch, int segment, double learningRate, int epochsRun,
                           int bestEpoch, double initialValidationLoss, List<Double> trainLoss,
                           List<Double> validationLoss,
                           double validationTop1, double validationTop1Gap, double validationTop1Successor,
                           double seconds, int threads) {
    }
}
