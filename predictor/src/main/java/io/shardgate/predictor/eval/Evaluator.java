package io.shardgate.predictor.eval;

import io.shardgate.predictor.policy.NextAccessPredictor;
import io.shardgate.predictor.policy.Policies;
import io.shardgate.predictor.policy.PrefetchPolicy;
import io.shardgate.predictor.policy.PrefetchSink;
import io.shardgate.predictor.trace.AccessRecord;
import io.shardgate.predictor.trace.TraceFormat;
import io.shardgate.predictor.trace.TraceReader;
import io.shardgate.predictor.trace.TraceReaders;
import io.shardgate.predictor.trace.TraceSlices;
import io.shardgate.predictor.util.LongLongMap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Replays the test split of a trace through a RAM block cache (LRU, 4 KiB blocks) with an NVMe victim tier behind
 * it, once per policy and cache size, and measures what prefetching buys (see {@link PolicyFigures}). The
 * conventions follow the traces' README: split by request count in file order, cache sized as a fraction of the
 * test split's distinct blocks and empty when the test split starts, policies learn from the train and validation
 * splits and online from the test stream so far.
 */
public final class Evaluator {
    private final Path trace;
    private final TraceFormat format;
    private final EvalSettings settings;
    private final Consumer<String> progress;
    private long testEnd; // set by run()

    public Evaluator(Path trace, TraceFormat format, EvalSettings settings, Consumer<String> progress) {
        this.trace = trace;
        this.format = format;
        this.settings = settings;
        this.progress = progress;
    }

    /** The whole evaluation: the trace's figures, then each policy at each cache size. */
    public record Result(TraceFigures trace, List<PolicyFigures> policies) {
    }

    public Result run(List<String> policyNames, Path model) throws IOException {
        long n = TraceSlices.count(trace, format);
        long trainEnd = (long) Math.floor(n * settings.train());
        long testStart = (long) Math.floor(n * (settings.train() + settings.validation()));
        // shares summing to less than 1 end the test split early: --split 0.6,0,0.1 measures on the validation split
        double shares = settings.train() + settings.validation() + settings.test();
        testEnd = shares < 1 - 1e-6 ? (long) Math.floor(n * shares) : n;
        if (testEnd - testStart < 1) {
            throw new IllegalArgumentException(trace + ": no request left for the test split (" + n + " requests)");
        }
        long footprint = testFootprint(testStart);
        NextAccessBaselines baselines;
        String fmt;
        try (TraceReader r = open()) {
            fmt = r.format();
            baselines = NextAccessBaselines.run(TraceSlices.limit(r, testEnd), testStart);
        }
        TraceFigures tf = new TraceFigures(trace.getFileName().toString(), fmt, n, trainEnd, testStart - trainEnd,
                testEnd - testStart, footprint, baselines.gapAccuracy(), baselines.successorAccuracy());
        progress.accept(String.format("%s: %,d requests (%s), test split %,d requests over %,d blocks", tf.trace(), n,
                fmt, tf.testRequests(), footprint));
        List<PolicyFigures> out = new ArrayList<>();
        for (double fraction : settings.cacheFractions()) {
            int blocks = (int) Math.max(1, Math.min(Integer.MAX_VALUE / 4, Math.round(footprint * fraction)));
            PolicyFigures none = null;
            List<String> order = new ArrayList<>(policyNames);
            order.remove("none");
            order.add(0, "none"); // the reference for coverage runs first
            for (String name : order) {
                PrefetchPolicy policy = Policies.create(name, model);
                policy.learn(history(testStart));
                PolicyFigures f = replay(policy, fraction, blocks, testStart, none);
                if (none == null) {
                    none = f;
                }
                if (policyNames.contains(name)) {
                    out.add(f);
                }
                progress.accept(String.format("  cache %.0f%% (%,d blocks) %-12s hit %.4f", fraction * 100, blocks,
                        name, f.hitRatio()));
            }
        }
        return new Result(tf, out);
    }

    private TraceReader open() throws IOException {
        return TraceReaders.open(trace, format);
    }

    private Supplier<TraceReader> history(long testStart) {
        return () -> {
            try {
                return TraceSlices.limit(open(), testStart);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    private TraceReader testSplit(long testStart) throws IOException {
        return TraceSlices.limit(TraceSlices.skip(open(), testStart), testEnd - testStart);
    }

    private long testFootprint(long testStart) throws IOException {
        LongLongMap seen = new LongLongMap(1 << 16);
        try (TraceReader r = testSplit(testStart)) {
            for (AccessRecord a = r.next(); a != null; a = r.next()) {
                for (long b = a.firstBlock(); b <= a.lastBlock(); b++) {
                    seen.put(b, 1);
                }
            }
        }
        return seen.size();
    }

    /** Counts what the sink is asked while replaying. */
    private static final class Sink implements PrefetchSink {
        LruBlockCache ram;
        LruBlockCache nvme;
        long issued;

        @Override
        public void prefetch(long block) {
            if (block >= 0 && ram.prefetch(block)) {
                issued++;
                if (nvme != null) {
                    nvme.remove(block);
                }
                spill(ram, nvme);
            }
        }
    }

    private static void spill(LruBlockCache ram, LruBlockCache nvme) {
        long evicted = ram.lastEvicted();
        if (nvme != null && evicted != Long.MIN_VALUE) {
            nvme.prefetch(evicted);
        }
    }

    private PolicyFigures replay(PrefetchPolicy policy, double fraction, int blocks, long testStart,
                                 PolicyFigures none) throws IOException {
        LruBlockCache ram = new LruBlockCache(blocks);
        int nvmeBlocks = (int) Math.min(Integer.MAX_VALUE / 4, Math.round(blocks * settings.nvmeFactor()));
        LruBlockCache nvme = nvmeBlocks > 0 ? new LruBlockCache(nvmeBlocks) : null;
        Sink sink = new Sink();
        sink.ram = ram;
        sink.nvme = nvme;
        long requests = 0;
        long demand = 0;
        long hits = 0;
        long used = 0;
        long readBlocks = 0;
        long readHits = 0;
        long reads = 0;
        long[] readsByLevel = new long[3]; // 0 all RAM, 1 slowest NVMe, 2 slowest the durable store
        long policyNanos = 0;
        NextAccessPredictor predictor = policy instanceof NextAccessPredictor p ? p : null;
        long top1Hits = 0;
        try (TraceReader r = testSplit(testStart)) {
            for (AccessRecord a = r.next(); a != null; a = r.next()) {
                requests++;
                if (predictor != null && predictor.predictedFirstBlock(a.volume()) == a.firstBlock()) {
                    top1Hits++;
                }
                int level = 0;
                for (long b = a.firstBlock(); b <= a.lastBlock(); b++) {
                    demand++;
                    LruBlockCache.Outcome o = ram.access(b);
                    boolean hit = o != LruBlockCache.Outcome.MISS;
                    if (o == LruBlockCache.Outcome.HIT_ON_PREFETCH) {
                        used++;
                    }
                    if (hit) {
                        hits++;
                    } else {
                        boolean inNvme = nvme != null && nvme.remove(b);
                        level = Math.max(level, inNvme ? 1 : 2);
                        spill(ram, nvme);
                    }
                    if (!a.write()) {
                        readBlocks++;
                        readHits += hit ? 1 : 0;
                    }
                }
                if (!a.write()) {
                    reads++;
                    readsByLevel[level]++;
                }
                long t0 = System.nanoTime();
                policy.onAccess(a, sink);
                policyNanos += System.nanoTime() - t0;
            }
        }
        long misses = demand - hits;
        double[] latency = {settings.ramUs(), settings.nvmeUs(), settings.missUs()};
        double mean = reads == 0 ? 0 : (readsByLevel[0] * latency[0] + readsByLevel[1] * latency[1]
                + readsByLevel[2] * latency[2]) / reads;
        double p99 = 0;
        long threshold = (long) Math.ceil(reads * 0.99);
        long acc = 0;
        for (int l = 0; l < 3 && reads > 0; l++) {
            acc += readsByLevel[l];
            if (acc >= threshold) {
                p99 = latency[l];
                break;
            }
        }
        double coverage = none == null || none.misses() == 0 ? 0 : (double) (none.misses() - misses) / none.misses();
        return new PolicyFigures(policy.name(), fraction, blocks, requests, demand, hits,
                demand == 0 ? 0 : (double) hits / demand, readBlocks == 0 ? 0 : (double) readHits / readBlocks,
                misses, sink.issued, used, sink.issued == 0 ? 0 : (double) used / sink.issued, coverage,
                requests == 0 ? 0 : (double) sink.issued / requests, mean, p99,
                requests == 0 ? 0 : policyNanos / 1000.0 / requests,
                predictor == null || requests == 0 ? -1 : (double) top1Hits / requests);
    }
}
