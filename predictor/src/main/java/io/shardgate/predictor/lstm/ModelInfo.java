package io.shardgate.predictor.lstm;

import java.util.List;
import java.util.Locale;

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
 * @param runProbability the policy prefetches the remainder of the current sequential run when the classes "the next
 *                       request continues this one" have at least this probability together
 * @param runBlocks      the most blocks of a run's remainder prefetched per request (0: never)
 * @param runShare       the run's remainder is taken as this share of the blocks the run has covered so far (1: as
 *                       long again; 0.5: half; rounded down, so 0.5 skips runs of one block)
 * @param training       how it was trained
 * @param tuning         the prefetch settings tried on the validation split (empty when not tuned)
 */
public record ModelInfo(String format, String workload, int inputs, int hidden, int classes, long parameters,
                        long[] farGaps, double minProbability, int maxPredictions, int lookahead,
                        int minBlocks, double runProbability, int runBlocks, double runShare, Training training,
                        List<TuningRow> tuning) {

    /** The same model with other prefetch settings and tuning record. */
    public ModelInfo withPrefetch(Prefetch p, List<TuningRow> tuning) {
        return new ModelInfo(format, workload, inputs, hidden, classes, parameters, farGaps, p.minProbability(),
                p.maxPredictions(), p.lookahead(), p.minBlocks(), p.runProbability(), p.runBlocks(), p.runShare(),
                training,
                List.copyOf(tuning));
    }

    /** The prefetch settings in words, for progress lines and summaries. */
    public String describePrefetch() {
        return prefetch().describe();
    }

    /** The prefetch settings of this model. */
    public Prefetch prefetch() {
        return new Prefetch(minProbability, maxPredictions, lookahead, minBlocks, runProbability, runBlocks, runShare);
    }

    /** How the policy turns the model's predictions into prefetches (the fields of the same names above). */
    public record Prefetch(double minProbability, int maxPredictions, int lookahead, int minBlocks,
                           double runProbability, int runBlocks, double runShare) {
        /** The settings in words. */
        public String describe() {
            return String.format(Locale.ROOT, "min probability %.2f, max predictions %d, lookahead %d, min blocks %d,"
                    + " %s", minProbability, maxPredictions, lookahead, minBlocks, runBlocks == 0 ? "no run remainder"
                    : String.format(Locale.ROOT, "run remainder %.2f x its length at probability %.2f up to %d blocks",
                    runShare, runProbability, runBlocks));
        }
    }

    /**
     * One prefetch setting replayed on the validation split by the evaluator (means over the cache sizes and
     * traces), with 32-block readahead's figures on the same replay for the budget.
     */
    public record TuningRow(Prefetch prefetch, double hitRatio, double accuracy,
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
