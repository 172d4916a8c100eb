package io.shardgate.core.spec;

import java.util.List;

/**
 * What a volume is guaranteed.
 *
 * @param sizeBytes      volume size in bytes, &gt; 0
 * @param iops           guaranteed I/O operations per second, &gt;= 0
 * @param throughputMBps guaranteed throughput in MB/s (10^6 bytes per second), &gt;= 0
 * @param latencyUs      latency target in microseconds, &gt;= 0 (0 = no target)
 * @param workload       workload type
 * @param fallbacks      specs tried in order when this one cannot be met (each without fallbacks of
 *                       its own; their sizes must equal this size)
 */
public record PerformanceSpec(long sizeBytes, long iops, double throughputMBps, long latencyUs,
                              WorkloadType workload, List<PerformanceSpec> fallbacks) {

    public PerformanceSpec {
        if (sizeBytes <= 0) {
            throw new IllegalArgumentException("sizeBytes must be > 0, was " + sizeBytes);
        }
        if (iops < 0) {
            throw new IllegalArgumentException("iops must be >= 0, was " + iops);
        }
        if (!(throughputMBps >= 0) || Double.isInfinite(throughputMBps)) {
            throw new IllegalArgumentException("throughputMBps must be a finite number >= 0, was " + throughputMBps);
        }
        if (latencyUs < 0) {
            throw new IllegalArgumentException("latencyUs must be >= 0, was " + latencyUs);
        }
        workload = workload == null ? WorkloadType.GENERAL : workload;
        fallbacks = fallbacks == null ? List.of() : List.copyOf(fallbacks);
        for (PerformanceSpec f : fallbacks) {
            if (!f.fallbacks().isEmpty()) {
                throw new IllegalArgumentException("a fallback spec cannot carry fallbacks of its own");
            }
            if (f.sizeBytes() != sizeBytes) {
                throw new IllegalArgumentException("a fallback spec must have the volume's size " + sizeBytes
                        + ", was " + f.sizeBytes());
            }
        }
    }

    /** A spec without fallbacks. */
    public static PerformanceSpec of(long sizeBytes, long iops, double throughputMBps, long latencyUs,
                                     WorkloadType workload) {
        return new PerformanceSpec(sizeBytes, iops, throughputMBps, latencyUs, workload, List.of());
    }

    /** This spec followed by its fallbacks, in the order the planner tries them. */
    public List<PerformanceSpec> candidates() {
        if (fallbacks.isEmpty()) {
            return List.of(this);
        }
        var all = new java.util.ArrayList<PerformanceSpec>(1 + fallbacks.size());
        all.add(withoutFallbacks());
        all.addAll(fallbacks);
        return all;
    }

    public PerformanceSpec withoutFallbacks() {
        return fallbacks.isEmpty() ? this : of(sizeBytes, iops, throughputMBps, latencyUs, workload);
    }

    public PerformanceSpec withSize(long newSize) {
        return new PerformanceSpec(newSize, iops, throughputMBps, latencyUs, workload,
                fallbacks.stream().map(f -> f.withSize(newSize)).toList());
    }
}
