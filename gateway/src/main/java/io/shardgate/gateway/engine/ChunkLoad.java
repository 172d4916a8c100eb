package io.shardgate.gateway.engine;

import io.shardgate.core.map.ShardMap;
import io.shardgate.core.reshard.ShardLoad;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Load counters of one volume on its owner, per chunk: operations, bytes and summed latency. The I/O path records
 * each completed request against the chunk of its first byte (three atomic adds, no allocation); the load monitor
 * turns the counts since its previous look into per-shard rates with {@link #sample}. Per-chunk counts are what the
 * re-shard planner needs to split a shard at its load median. The prefetcher adds the requests its policy predicts
 * ({@link #recordPredicted}), published beside the measured load as the shard's predicted heat. Memory: 32 bytes per
 * chunk (96 KiB for a 12 GiB volume of 4 MiB chunks). Thread-safe; {@link #sample} must be called by one thread at a time.
 */
public final class ChunkLoad {
    private volatile Counters counters;
    private long[] lastOps = new long[0];
    private long[] lastBytes = new long[0];
    private long[] lastLatency = new long[0];
    private long[] lastPredicted = new long[0];
    private long lastSampleNanos = System.nanoTime();

    private record Counters(int chunkSize, AtomicLongArray ops, AtomicLongArray bytes, AtomicLongArray latencyNanos,
                            AtomicLongArray predicted) {
        static Counters of(int chunkSize, int chunks) {
            return new Counters(chunkSize, new AtomicLongArray(chunks), new AtomicLongArray(chunks),
                    new AtomicLongArray(chunks), new AtomicLongArray(chunks));
        }
    }

    ChunkLoad(ShardMap map) {
        counters = Counters.of(map.chunkSize(), chunks(map));
    }

    private static int chunks(ShardMap map) {
        return (int) Math.min(Integer.MAX_VALUE - 8, (map.sizeBytes() + map.chunkSize() - 1) / map.chunkSize());
    }

    /** Counts one completed request of {@code bytes} bytes starting at {@code offset}, which took {@code nanos}. */
    void record(long offset, long bytes, long nanos) {
        Counters c = counters;
        int i = chunkOf(c, offset);
        if (i < 0) {
            return; // the volume grew a moment ago; the next sample resizes
        }
        c.ops.incrementAndGet(i);
        c.bytes.addAndGet(i, bytes);
        c.latencyNanos.addAndGet(i, nanos);
    }

    /** Counts one request the prefetch policy predicts at {@code offset} (the prefetcher's thread). */
    void recordPredicted(long offset) {
        Counters c = counters;
        int i = chunkOf(c, offset);
        if (i >= 0) {
            c.predicted.incrementAndGet(i);
        }
    }

    /** The chunk holding {@code offset}, or -1 when it is beyond the counters (the volume grew since they were sized). */
    private static int chunkOf(Counters c, long offset) {
        long chunk = offset / c.chunkSize;
        return chunk >= 0 && chunk < c.ops.length() ? (int) chunk : -1;
    }

    /**
     * The load of every shard this server owns in {@code map} since the previous sample. Queue depth is the summed
     * latency over the interval (Little's law), latency the mean per operation.
     *
     * @param owner only shards owned by this server are reported
     */
    List<ShardLoad> sample(ShardMap map, String owner, long nowNanos) {
        Counters c = counters;
        int chunks = chunks(map);
        if (chunks > c.ops.length()) {
            grow(c, chunks); // counts recorded into the old arrays after the copy are lost: a few ops, once
            c = counters;
        }
        int n = c.ops.length();
        long[] ops = new long[n];
        long[] bytes = new long[n];
        long[] latency = new long[n];
        long[] predicted = new long[n];
        for (int i = 0; i < n; i++) {
            ops[i] = c.ops.get(i);
            bytes[i] = c.bytes.get(i);
            latency[i] = c.latencyNanos.get(i);
            predicted[i] = c.predicted.get(i);
        }
        double seconds = Math.max(1e-3, (nowNanos - lastSampleNanos) / 1e9);
        List<ShardLoad> out = new ArrayList<>();
        for (int s = 0; s < map.shardCount(); s++) {
            if (!map.owner(s).equals(owner)) {
                continue;
            }
            int first = (int) (map.shardStart(s) / c.chunkSize);
            int end = (int) Math.min(n, (map.shardEnd(s) + c.chunkSize - 1) / c.chunkSize);
            long[] chunkOps = new long[Math.max(0, end - first)];
            long[] chunkPredicted = new long[chunkOps.length];
            long sumOps = 0;
            long sumPredicted = 0;
            long sumBytes = 0;
            long sumLatency = 0;
            for (int i = first; i < end; i++) {
                chunkOps[i - first] = ops[i] - at(lastOps, i);
                sumOps += chunkOps[i - first];
                sumBytes += bytes[i] - at(lastBytes, i);
                sumLatency += latency[i] - at(lastLatency, i);
                chunkPredicted[i - first] = predicted[i] - at(lastPredicted, i);
                sumPredicted += chunkPredicted[i - first];
            }
            out.add(new ShardLoad(map.volume(), s, map.version(), sumOps / seconds, sumBytes / seconds,
                    sumLatency / 1e9 / seconds, sumOps == 0 ? 0 : sumLatency / 1e3 / sumOps, chunkOps,
                    sumPredicted / seconds, chunkPredicted));
        }
        lastOps = ops;
        lastPredicted = predicted;
        lastBytes = bytes;
        lastLatency = latency;
        lastSampleNanos = nowNanos;
        return out;
    }

    private static long at(long[] a, int i) {
        return i < a.length ? a[i] : 0;
    }

    private void grow(Counters old, int chunks) {
        Counters c = Counters.of(old.chunkSize, chunks);
        for (int i = 0; i < old.ops.length(); i++) {
            c.ops.set(i, old.ops.get(i));
            c.bytes.set(i, old.bytes.get(i));
            c.latencyNanos.set(i, old.latencyNanos.get(i));
            c.predicted.set(i, old.predicted.get(i));
        }
        counters = c;
    }
}
