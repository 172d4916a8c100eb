package io.shardgate.predictor.lstm;

import io.shardgate.predictor.eval.EvalSettings;
import io.shardgate.predictor.eval.Evaluator;
import io.shardgate.predictor.eval.PolicyFigures;
import io.shardgate.predictor.trace.TraceFormat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Chooses the policy's prefetch settings (least class probability, most predicted requests, least probability that
 * a run continues for prefetching its remainder, the remainder's share of the run) on the validation split, never
 * the test split: each candidate is replayed by the {@link Evaluator} with {@code --split train,0,validation}
 * (history = the train split, measured = the validation split) at cache sizes 1% and 10%. The rule is the issue's
 * goal, stated before looking: the best mean demand hit ratio among settings with at most half the extra backend
 * reads of 32-block readahead and accuracy at least 0.6; if none qualifies, the best hit ratio among those with
 * accuracy at least 0.6, else the best hit ratio.
 */
final class PrefetchTuner {
    static final double[] MIN_PROBABILITIES = {0.15, 0.3};
    static final int[] MAX_PREDICTIONS = {1, 2};
    /** Least probability that the run continues; {@code NaN}: never prefetch a run's remainder. */
    static final double[] RUN_PROBABILITIES = {Double.NaN, 0.05, 0.15, 0.3};
    /** The run's remainder as a share of its length so far. */
    static final double[] RUN_SHARES = {0.5, 0.75, 1};
    private static final List<Double> CACHES = List.of(0.01, 0.10);

    private PrefetchTuner() {
    }

    /**
     * Rewrites {@code model} with the chosen settings; returns its new description.
     *
     * @param runBlocks the most blocks of a run's remainder per request, for the candidates that prefetch it
     */
    static ModelInfo tune(Path model, List<Path> traces, TraceFormat format, double train, double validation,
                          int runBlocks, Consumer<String> progress) throws IOException {
        ModelFile.Model m = ModelFile.read(model);
        byte[] network = ModelFile.readNetwork(model);
        EvalSettings onValidation = new EvalSettings(train, 0, validation, CACHES, 4, 5, 100, 1000);
        double[] base = figures(traces, format, onValidation, "readahead32", null);
        List<ModelInfo.TuningRow> rows = new ArrayList<>();
        Path tmp = Files.createTempFile(model.toAbsolutePath().getParent(), "tune", ".zip");
        try {
            for (double p : MIN_PROBABILITIES) {
                for (int k : MAX_PREDICTIONS) {
                    for (double run : RUN_PROBABILITIES) {
                        for (double share : RUN_SHARES) {
                            if (Double.isNaN(run) && share != RUN_SHARES[0]) {
                                continue; // no run remainder: the share does not matter
                            }
                            ModelInfo.Prefetch c = Double.isNaN(run) ? new ModelInfo.Prefetch(p, k, 1, 1, 1, 0, 1)
                                    : new ModelInfo.Prefetch(p, k, 1, 1, run, runBlocks, share);
                            rows.add(candidate(m, tmp, c, traces, format, onValidation, base, progress));
                        }
                    }
                }
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        ModelInfo.TuningRow best = choose(rows);
        ModelInfo info = m.info().withPrefetch(best.prefetch(), rows);
        ModelFile.write(model, info, m.network(), network);
        progress.accept("chosen on the validation split: " + best.prefetch().describe());
        return info;
    }

    private static ModelInfo.TuningRow candidate(ModelFile.Model m, Path tmp, ModelInfo.Prefetch c,
                                                 List<Path> traces, TraceFormat format, EvalSettings onValidation,
                                                 double[] base, Consumer<String> progress) throws IOException {
        ModelFile.write(tmp, m.info().withPrefetch(c, List.of()), m.network(), null);
        double[] f = figures(traces, format, onValidation, "lstm", tmp);
        boolean ok = f[2] <= 0.5 * base[2] && f[1] >= 0.6;
        progress.accept(String.format(Locale.ROOT, "  validation: %s: hit %.4f, accuracy %.3f, extra/req %.2f"
                        + " (readahead32: hit %.4f, extra/req %.2f)%s", c.describe(), f[0], f[1], f[2], base[0], base[2],
                ok ? "" : " (outside the budget)"));
        return new ModelInfo.TuningRow(c, f[0], f[1], f[2], base[0], base[2], ok);
    }

    static ModelInfo.TuningRow choose(List<ModelInfo.TuningRow> rows) {
        ModelInfo.TuningRow best = null;
        for (ModelInfo.TuningRow r : rows) {
            if (r.withinBudget() && (best == null || r.hitRatio() > best.hitRatio())) {
                best = r;
            }
        }
        if (best != null) {
            return best;
        }
        for (ModelInfo.TuningRow r : rows) {
            if (best == null || rank(r) > rank(best)) {
                best = r;
            }
        }
        return best;
    }

    /** Without a candidate in budget: accurate ones first, then by hit ratio. */
    private static double rank(ModelInfo.TuningRow r) {
        return (r.accuracy() >= 0.6 ? 1 : 0) + r.hitRatio();
    }

    /** Mean hit ratio, accuracy and extra reads per request of one policy over the cache sizes and traces. */
    private static double[] figures(List<Path> traces, TraceFormat format, EvalSettings settings, String policy,
                                    Path model) throws IOException {
        double[] sum = new double[3];
        int n = 0;
        for (Path t : traces) {
            for (PolicyFigures f : new Evaluator(t, format, settings, line -> { }).run(List.of(policy), model)
                    .policies()) {
                sum[0] += f.hitRatio();
                sum[1] += f.accuracy();
                sum[2] += f.extraReadsPerRequest();
                n++;
            }
        }
        return new double[] {sum[0] / n, sum[1] / n, sum[2] / n};
    }
}
