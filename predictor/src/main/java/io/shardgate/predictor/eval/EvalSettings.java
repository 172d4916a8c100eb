package io.shardgate.predictor.eval;

import java.util.List;

/**
 * How the evaluator replays a trace.
 *
 * @param train          share of requests (in file order) for training
 * @param validation     share for validation (also history the policies may learn from)
 * @param test           share replayed and measured; train + validation + test must be at most 1: when less, the
 *                       requests after them are not replayed ({@code 0.6, 0, 0.1} measures on the usual validation
 *                       split, to choose settings without looking at the test split)
 * @param cacheFractions RAM cache sizes as fractions of the test split's distinct 4 KiB blocks
 * @param nvmeFactor     NVMe tier size as a multiple of the RAM cache (a victim tier of RAM); 0 for none
 * @param ramUs          modelled latency of a read served from RAM, microseconds
 * @param nvmeUs         modelled latency of a read whose slowest block comes from NVMe
 * @param missUs         modelled latency of a read with a block from the durable store (RADOS)
 */
public record EvalSettings(double train, double validation, double test, List<Double> cacheFractions,
                           double nvmeFactor, double ramUs, double nvmeUs, double missUs) {

    public static final EvalSettings DEFAULT = new EvalSettings(0.6, 0.1, 0.3, List.of(0.01, 0.10), 4, 5, 100, 1000);

    public EvalSettings {
        if (train < 0 || validation < 0 || !(test > 0) || train + validation + test > 1 + 1e-6) {
            throw new IllegalArgumentException("split shares must be >= 0 with test > 0 and sum to at most 1, were "
                    + train + ", " + validation + ", " + test);
        }
        if (cacheFractions.isEmpty() || cacheFractions.stream().anyMatch(f -> !(f > 0) || f > 1)) {
            throw new IllegalArgumentException("cache fractions must be in (0, 1], were " + cacheFractions);
        }
        if (nvmeFactor < 0 || ramUs < 0 || nvmeUs < 0 || missUs < 0) {
            throw new IllegalArgumentException("latencies and the NVMe factor must be >= 0");
        }
        cacheFractions = List.copyOf(cacheFractions);
    }
}
