package io.shardgate.predictor.policy;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Per-volume state for the stream policies (traces like Tencent's mix thousands of volumes). */
final class PerVolume<S> {
    private final Supplier<S> factory;
    private final Map<Integer, S> states = new HashMap<>();
    private int lastVolume = Integer.MIN_VALUE;
    private S last;

    PerVolume(Supplier<S> factory) {
        this.factory = factory;
    }

    S of(int volume) {
        if (volume != lastVolume) {
            last = states.computeIfAbsent(volume, v -> factory.get());
            lastVolume = volume;
        }
        return last;
    }
}
