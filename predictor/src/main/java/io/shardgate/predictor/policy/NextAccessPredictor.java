package io.shardgate.predictor.policy;

/**
 * Optional side of a {@link PrefetchPolicy} that makes one best guess of the next request, so the evaluator can
 * score its top-1 next-access accuracy against the simple predictors. Same threading contract as the policy.
 */
public interface NextAccessPredictor {

    /**
     * The 4 KiB block the policy expects the next request of {@code volume} to start at, as of its latest
     * {@code onAccess}; negative when it has no guess. Must be a lookup, not a computation: the evaluator calls it
     * outside the measured policy time.
     */
    long predictedFirstBlock(int volume);
}
