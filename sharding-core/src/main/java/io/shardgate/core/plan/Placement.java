package io.shardgate.core.plan;

import io.shardgate.core.map.Shard;
import io.shardgate.core.map.ShardMap;
import io.shardgate.core.spec.PerformanceSpec;
import io.shardgate.core.topology.Server;
import io.shardgate.core.topology.ServerCapacity;
import io.shardgate.core.topology.Topology;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Arithmetic shared by the planners: usable capacity, shares, shard cutting, refusal wording. */
final class Placement {
    private Placement() {
    }

    /** Free IOPS of a server after headroom and reservations (may be negative when over-reserved). */
    static double freeIops(Topology t, Server s, double headroom) {
        return s.capacity().iops() * (1 - headroom) - t.reserved(s.id()).iops();
    }

    static double freeBandwidth(Topology t, Server s, double headroom) {
        return s.capacity().bandwidthMBps() * (1 - headroom) - t.reserved(s.id()).bandwidthMBps();
    }

    /**
     * The fraction of the spec this server could carry alone: 1 means the whole spec, 0.25 a quarter.
     * A spec dimension of 0 does not limit.
     */
    static double fractionOfSpec(Topology t, Server s, PerformanceSpec spec, double headroom) {
        double byIops = spec.iops() == 0 ? Double.MAX_VALUE : freeIops(t, s, headroom) / spec.iops();
        double byBw = spec.throughputMBps() == 0 ? Double.MAX_VALUE
                : freeBandwidth(t, s, headroom) / spec.throughputMBps();
        return Math.max(0, Math.min(byIops, byBw));
    }

    /** Per-server share when the spec is spread evenly over {@code n} servers. */
    static ServerCapacity share(PerformanceSpec spec, int n) {
        return new ServerCapacity((spec.iops() + n - 1) / n, spec.throughputMBps() / n, 0, 0);
    }

    /** Up to {@code k} servers, in the given order, that can each carry 1/k of the spec. */
    static List<Server> fitting(Topology t, List<Server> ordered, PerformanceSpec spec, int k, double headroom) {
        ServerCapacity share = share(spec, k);
        List<Server> chosen = new ArrayList<>(k);
        for (Server s : ordered) {
            if (freeIops(t, s, headroom) >= share.iops() && freeBandwidth(t, s, headroom) >= share.bandwidthMBps()) {
                chosen.add(s);
                if (chosen.size() == k) {
                    break;
                }
            }
        }
        return chosen;
    }

    static Map<String, ServerCapacity> reservations(List<Server> chosen, PerformanceSpec spec) {
        ServerCapacity share = share(spec, chosen.size());
        Map<String, ServerCapacity> res = new LinkedHashMap<>();
        for (Server s : chosen) {
            res.put(s.id(), share);
        }
        return res;
    }

    static long chunkCount(long sizeBytes, int chunkSize) {
        return (sizeBytes + chunkSize - 1) / chunkSize;
    }

    /**
     * Cuts the volume into {@code shardCount} chunk-aligned shards carrying equal heat, owners assigned
     * round-robin over {@code owners} so neighbouring shards land on different servers.
     */
    static ShardMap interleavedMap(String volume, String spine, long sizeBytes, int chunkSize, List<String> owners,
                                   int shardCount, HeatEstimate heat) {
        long chunks = chunkCount(sizeBytes, chunkSize);
        int k = (int) Math.min(shardCount, chunks);
        long[] firstChunk = heat == HeatEstimate.UNIFORM ? evenCuts(chunks, k) : equalHeatCuts(chunks, k, heat);
        List<Shard> shards = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            long start = firstChunk[i] * chunkSize;
            long end = i + 1 < k ? firstChunk[i + 1] * chunkSize : sizeBytes;
            shards.add(new Shard(start, end - start, owners.get(i % owners.size())));
        }
        return ShardMap.of(volume, spine, 1, sizeBytes, chunkSize, shards);
    }

    private static long[] evenCuts(long chunks, int k) {
        long[] first = new long[k];
        long next = 0;
        for (int i = 0; i < k; i++) {
            first[i] = next;
            next += chunks / k + (i < chunks % k ? 1 : 0);
        }
        return first;
    }

    private static long[] equalHeatCuts(long chunks, int k, HeatEstimate heat) {
        double total = 0;
        for (long c = 0; c < chunks; c++) {
            total += Math.max(0, heat.heatOfChunk(c));
        }
        if (!(total > 0)) {
            return evenCuts(chunks, k);
        }
        long[] first = new long[k];
        int shard = 1;
        double acc = 0;
        for (long c = 0; c < chunks && shard < k; c++) {
            acc += Math.max(0, heat.heatOfChunk(c));
            long remainingChunks = chunks - (c + 1);
            boolean reached = acc >= total * shard / k;
            boolean mustCut = remainingChunks == k - shard; // every later shard needs at least one chunk
            if ((reached || mustCut) && c + 1 > first[shard - 1]) {
                first[shard++] = c + 1;
            }
        }
        return first;
    }

    /** Servers of a spine sorted by the fraction of the spec each can carry, largest first. */
    static List<Server> byFractionDescending(Topology t, String spine, PerformanceSpec spec, double headroom) {
        List<Server> servers = new ArrayList<>(t.spine(spine));
        Map<String, Double> fraction = new java.util.HashMap<>(servers.size() * 2);
        for (Server s : servers) {
            fraction.put(s.id(), fractionOfSpec(t, s, spec, headroom));
        }
        servers.sort(Comparator.comparingDouble((Server s) -> fraction.get(s.id())).reversed()
                .thenComparing(Server::id));
        return servers;
    }

    /** A spine's free IOPS and bandwidth summed over its servers (after headroom and reservations). */
    record SpineFree(String spine, double iops, double bandwidthMBps) {
    }

    static List<SpineFree> spineFree(Topology t, double headroom) {
        List<SpineFree> out = new ArrayList<>();
        for (String spine : t.spines()) {
            double iops = 0;
            double bw = 0;
            for (Server s : t.spine(spine)) {
                iops += Math.max(0, freeIops(t, s, headroom));
                bw += Math.max(0, freeBandwidth(t, s, headroom));
            }
            out.add(new SpineFree(spine, iops, bw));
        }
        return out;
    }

    /** What a spine lacks for a spec, on the resource that binds. */
    static Shortfall shortfall(SpineFree free, PerformanceSpec spec, int servers, long chunks) {
        if (free.iops() < spec.iops()) {
            return new Shortfall(free.spine(), "iops", spec.iops(), Math.floor(free.iops()));
        }
        if (free.bandwidthMBps() < spec.throughputMBps()) {
            return new Shortfall(free.spine(), "bandwidthMBps", spec.throughputMBps(), free.bandwidthMBps());
        }
        if (chunks < servers) {
            return new Shortfall(free.spine(), "chunks", servers, chunks);
        }
        // The sums suffice but no set of servers can take equal shares: free capacity is fragmented.
        return new Shortfall(free.spine(), "evenShareServers", spec.iops(), Math.floor(free.iops()));
    }

    /** The user-facing refusal: the best spine's shortfall first. */
    static Refusal refusal(String volume, PerformanceSpec spec, List<Shortfall> shortfalls) {
        List<Shortfall> sorted = new ArrayList<>(shortfalls);
        sorted.sort(Comparator.comparingDouble((Shortfall s) -> s.required() == 0 ? 1 : s.available() / s.required())
                .reversed());
        String summary;
        if (sorted.isEmpty()) {
            summary = "no spine has any server for volume " + volume;
        } else {
            Shortfall best = sorted.get(0);
            summary = String.format(Locale.ROOT,
                    "no spine can give volume %s %d IOPS and %.1f MB/s%s: best is %s with %s %s (%s short)",
                    volume, spec.iops(), spec.throughputMBps(),
                    spec.fallbacks().isEmpty() ? "" : " nor any fallback",
                    best.spine(), fmt(best.available()), best.resource(), fmt(best.missing()));
        }
        return new Refusal(summary, sorted.subList(0, Math.min(sorted.size(), 10)));
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
