package io.shardgate.predictor.lstm;

import io.shardgate.predictor.policy.PrefetchPolicy;

import java.io.IOException;
import java.nio.file.Path;

/** The learned prefetch policy ({@code --policies lstm}); its model comes from {@code predict train}. */
public final class LstmPolicy {
    private LstmPolicy() {
    }

    /** Loads a trained model file and returns a policy using it. */
    public static PrefetchPolicy load(Path model) throws IOException {
        throw new IOException("the lstm policy is not built yet (model " + model + ")");
    }
}
