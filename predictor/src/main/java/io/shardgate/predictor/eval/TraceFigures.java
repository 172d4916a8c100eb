package io.shardgate.predictor.eval;

/**
 * The trace and its split.
 *
 * @param testFootprintBlocks distinct 4 KiB blocks of the test split (what cache fractions are of)
 * @param top1NextDelta       test-split accuracy of predicting the next request's first block as the previous
 *                            request's end plus the most frequent gap seen so far
 * @param top1Successor       test-split accuracy of predicting it as the block that followed this request's first
 *                            block last time
 */
public record TraceFigures(String trace, String format, long requests, long trainRequests, long validationRequests,
                           long testRequests, long testFootprintBlocks, double top1NextDelta, double top1Successor) {
}
