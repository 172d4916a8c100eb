package io.shardgate.predictor.lstm;

import java.util.Arrays;

/**
 * One stream's training steps in time order: the set input indices after each request and the class of the request
 * that followed (the label). Inputs are stored {@link StreamFeatures#MAX_ACTIVE} per step, padded with -1. Growable
 * arrays, no boxing. Not thread-safe.
 */
final class StepSequences {
    private int[] inputs = new int[1024 * StreamFeatures.MAX_ACTIVE];
    private int[] labels = new int[1024];
    private int size;

    void add(int[] active, int n, int label) {
        if (size == labels.length) {
            labels = Arrays.copyOf(labels, size * 2);
            inputs = Arrays.copyOf(inputs, size * 2 * StreamFeatures.MAX_ACTIVE);
        }
        int base = size * StreamFeatures.MAX_ACTIVE;
        for (int i = 0; i < StreamFeatures.MAX_ACTIVE; i++) {
            inputs[base + i] = i < n ? active[i] : -1;
        }
        labels[size++] = label;
    }

    int size() {
        return size;
    }

    int label(int step) {
        return labels[step];
    }

    /** The set input index {@code i} (0..MAX_ACTIVE-1) of a step, or -1. */
    int input(int step, int i) {
        return inputs[step * StreamFeatures.MAX_ACTIVE + i];
    }
}
