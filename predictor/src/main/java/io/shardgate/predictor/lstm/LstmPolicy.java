package io.shardgate.predictor.lstm;

import io.shardgate.predictor.policy.NextAccessPredictor;
import io.shardgate.predictor.policy.PrefetchPolicy;
import io.shardgate.predictor.policy.PrefetchSink;
import io.shardgate.predictor.trace.AccessRecord;
import io.shardgate.predictor.trace.TraceReader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The learned prefetch policy ({@code --policies lstm}); its model comes from {@code predict train}.
 *
 * <p>After each request it advances the stream's LSTM by one step ({@link PlainLstm}, plain Java, no DL4J call),
 * takes the most probable classes of the next request that name a block ({@link StreamFeatures#predictedFirst}),
 * and asks for the blocks of up to {@code maxPredictions} predicted requests whose probability is at least
 * {@code minProbability}, each with {@code lookahead} times its predicted length but at least {@code minBlocks}
 * blocks, most probable first. Then, for each of the last {@link Vocabulary#ANCHORS} requests whose classes "the
 * next request continues it" have together at least {@code runProbability}, it asks for the remainder of that
 * request's sequential run: {@code runShare} times as many blocks after the run's end as the run has covered so far,
 * at most {@code runBlocks} (the model says whether a run goes on, the run's
 * length so far says how far; this is where 32-block readahead's hits come from, without its reads after runs that
 * end). All six settings are recorded in the model file. Blocks are kept inside
 * {@code [0, volumeBlocks)}. State is per volume. Same threading contract as {@link PrefetchPolicy}: one thread at a
 * time; the cost is one LSTM step per request (see {@code docs/predictor.md} for the measured figure).
 */
public final class LstmPolicy implements PrefetchPolicy, NextAccessPredictor {
    /** History requests replayed through the network in {@link #learn}, to warm up the recurrent state. */
    static final int WARM_UP = 2_000;
    private final ModelFile.Model model;
    private final long volumeBlocks;
    private final Map<Integer, Stream> streams = new HashMap<>();
    private final int[] active = new int[StreamFeatures.MAX_ACTIVE];
    private final float[] probs;
    private final int[] chosen;
    private final int[] taken;
    private final float[] takenP;
    private final int lookahead;
    private final int minBlocks;
    private final int runBlocks;
    private final float runProbability;
    private final double runShare;
    private int lastVolume = Integer.MIN_VALUE;
    private Stream last;

    private final class Stream {
        final StreamFeatures features = new StreamFeatures(model.vocabulary());
        final PlainLstm.State state = model.network().newState();
        long predictedFirst = -1;
    }

    LstmPolicy(ModelFile.Model model, long volumeBlocks) {
        if (volumeBlocks <= 0) {
            throw new IllegalArgumentException("volumeBlocks must be > 0: " + volumeBlocks);
        }
        this.model = model;
        this.volumeBlocks = volumeBlocks;
        this.probs = new float[model.network().classes];
        this.chosen = new int[Math.max(1, model.info().maxPredictions())];
        this.taken = new int[chosen.length + 4];
        this.lookahead = Math.max(1, model.info().lookahead());
        this.minBlocks = Math.max(1, model.info().minBlocks());
        this.runBlocks = Math.max(0, model.info().runBlocks());
        this.runProbability = (float) model.info().runProbability();
        this.runShare = model.info().runShare();
        this.takenP = new float[chosen.length + 4];
    }

    /** Loads a trained model file and returns a policy using it, for volumes of any size. */
    public static PrefetchPolicy load(Path model) throws IOException {
        return load(model, Long.MAX_VALUE);
    }

    /**
     * Loads a trained model file for a volume of {@code volumeBlocks} 4 KiB blocks: no prefetch outside it.
     *
     * @throws IOException when the file is not a model of this format
     */
    public static LstmPolicy load(Path model, long volumeBlocks) throws IOException {
        return new LstmPolicy(ModelFile.read(model), volumeBlocks);
    }

    /** What the model file says about itself. */
    public ModelInfo info() {
        return model.info();
    }

    @Override
    public String name() {
        return "lstm";
    }

    /** Fills the successor tables from the whole history and runs the network over its last {@link #WARM_UP}. */
    @Override
    public void learn(Supplier<TraceReader> history) throws IOException {
        long n = 0;
        try (TraceReader r = history.get()) {
            while (r.next() != null) {
                n++;
            }
        }
        long i = 0;
        try (TraceReader r = history.get()) {
            for (AccessRecord a = r.next(); a != null; a = r.next(), i++) {
                if (i >= n - WARM_UP) {
                    step(a);
                } else {
                    stream(a.volume()).features.observe(a);
                }
            }
        }
    }

    @Override
    public void onAccess(AccessRecord a, PrefetchSink sink) {
        Stream s = step(a);
        int n = choose(s);
        double min = model.info().minProbability();
        for (int i = 0; i < n; i++) {
            int c = chosen[i];
            if (probs[c] < min) {
                break;
            }
            long first = s.features.predictedFirst(c);
            long span = Math.max(minBlocks, (long) s.features.predictedSpan(c) * lookahead);
            for (long b = Math.max(0, first); b < first + span && b < volumeBlocks; b++) {
                sink.prefetch(b);
            }
        }
        if (runBlocks > 0) {
            prefetchRuns(s.features, sink);
        }
    }

    /** The remainders of the runs the next request probably continues (anchor classes are contiguous per anchor). */
    private void prefetchRuns(StreamFeatures f, PrefetchSink sink) {
        for (int j = 0; j < f.anchors(); j++) {
            int c0 = Vocabulary.anchorClass(j, Vocabulary.SMALL_MIN);
            float p = 0;
            for (int c = c0; c < c0 + Vocabulary.SMALL_DELTAS; c++) {
                p += probs[c];
            }
            if (p >= runProbability) {
                long end = f.runEnd(j);
                long w = Math.min(runBlocks, (long) (runShare * f.runCover(j)));
                for (long b = end + 1; b <= end + w && b < volumeBlocks; b++) {
                    sink.prefetch(b);
                }
            }
        }
    }

    /** Observes a request and advances its stream's network; leaves the next request's probabilities in probs. */
    private Stream step(AccessRecord a) {
        Stream s = stream(a.volume());
        s.features.observe(a);
        int n = s.features.activeInputs(active);
        model.network().step(s.state, active, n, probs);
        return s;
    }

    /**
     * Picks the most probable classes that name a block in range, most probable first, into {@code chosen}; sets
     * the stream's top-1 guess. Classes are picked by repeated arg-max (the list is short), then probs are restored.
     */
    private int choose(Stream s) {
        int n = 0;
        s.predictedFirst = -1;
        int tries = taken.length;
        int t = 0;
        while (n < chosen.length && t < tries) {
            int best = 0;
            for (int j = 1; j < probs.length; j++) {
                if (probs[j] > probs[best]) {
                    best = j;
                }
            }
            if (probs[best] < 0) {
                break;
            }
            taken[t] = best;
            takenP[t] = probs[best];
            t++;
            probs[best] = -1;
            long first = s.features.predictedFirst(best);
            if (first != Long.MIN_VALUE && first >= 0 && first < volumeBlocks) {
                if (n == 0) {
                    s.predictedFirst = first;
                }
                chosen[n++] = best;
            }
        }
        for (int i = 0; i < t; i++) {
            probs[taken[i]] = takenP[i];
        }
        return n;
    }

    private Stream stream(int volume) {
        if (volume != lastVolume) {
            last = streams.computeIfAbsent(volume, v -> new Stream());
            lastVolume = volume;
        }
        return last;
    }

    @Override
    public long predictedFirstBlock(int volume) {
        Stream s = volume == lastVolume ? last : streams.get(volume);
        return s == null ? -1 : s.predictedFirst;
    }
}
