package io.shardgate.gateway.engine;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.TimeUnit;

/**
 * The meters of one volume, resolved once so the I/O path records without lookups or allocation:
 * {@code shardgate_volume_ops_total{volume,op}}, {@code shardgate_volume_bytes_total{volume,op}},
 * {@code shardgate_volume_latency_seconds{volume,op}} (histogram), {@code shardgate_volume_errors_total},
 * {@code shardgate_tier_hits_total{volume,tier}} (blocks), {@code shardgate_tier_misses_total{volume,tier}} (reads)
 * and {@code shardgate_store_reads_total{volume}}.
 */
public final class VolumeMetrics {
    private final Counter readOps;
    private final Counter writeOps;
    private final Counter readBytes;
    private final Counter writeBytes;
    private final Counter errors;
    private final Timer readLatency;
    private final Timer writeLatency;
    private final Counter ramHits;
    private final Counter ramMisses;
    private final Counter nvmeHits;
    private final Counter nvmeMisses;
    private final Counter storeReads;
    private final Counter prefetchIssued;
    private final Counter prefetchUsed;
    private final Counter prefetchWasted;

    public VolumeMetrics(MeterRegistry registry, String volume) {
        readOps = Counter.builder("shardgate.volume.ops").tag("volume", volume).tag("op", "read").register(registry);
        writeOps = Counter.builder("shardgate.volume.ops").tag("volume", volume).tag("op", "write").register(registry);
        readBytes = Counter.builder("shardgate.volume.bytes").baseUnit("bytes").tag("volume", volume).tag("op", "read")
                .register(registry);
        writeBytes = Counter.builder("shardgate.volume.bytes").baseUnit("bytes").tag("volume", volume)
                .tag("op", "write").register(registry);
        errors = Counter.builder("shardgate.volume.errors").tag("volume", volume).register(registry);
        readLatency = Timer.builder("shardgate.volume.latency").tag("volume", volume).tag("op", "read")
                .publishPercentileHistogram().register(registry);
        writeLatency = Timer.builder("shardgate.volume.latency").tag("volume", volume).tag("op", "write")
                .publishPercentileHistogram().register(registry);
        ramHits = tierCounter(registry, "shardgate.tier.hits", "blocks read from a tier", volume, "ram");
        ramMisses = tierCounter(registry, "shardgate.tier.misses", "reads that missed a tier", volume, "ram");
        nvmeHits = tierCounter(registry, "shardgate.tier.hits", "blocks read from a tier", volume, "nvme");
        nvmeMisses = tierCounter(registry, "shardgate.tier.misses", "reads that missed a tier", volume, "nvme");
        prefetchIssued = prefetchCounter(registry, volume, "issued");
        prefetchUsed = prefetchCounter(registry, volume, "used");
        prefetchWasted = prefetchCounter(registry, volume, "wasted");
        storeReads = Counter.builder("shardgate.store.reads").description("reads that went to the durable store")
                .tag("volume", volume).register(registry);
    }

    private static Counter tierCounter(MeterRegistry registry, String name, String description, String volume,
                                       String tier) {
        return Counter.builder(name).description(description).tag("volume", volume).tag("tier", tier)
                .register(registry);
    }

    private static Counter prefetchCounter(MeterRegistry registry, String volume, String outcome) {
        return Counter.builder("shardgate.prefetch.blocks").description("4 KiB blocks prefetched into the tiers, by"
                + " outcome").tag("volume", volume).tag("outcome", outcome).register(registry);
    }

    void prefetched(long blocks, boolean issued, boolean used) {
        (issued ? prefetchIssued : used ? prefetchUsed : prefetchWasted).increment(blocks);
    }

    long prefetchIssued() {
        return (long) prefetchIssued.count();
    }

    long prefetchUsed() {
        return (long) prefetchUsed.count();
    }

    void tierHit(boolean ram, int blocks) {
        (ram ? ramHits : nvmeHits).increment(blocks);
    }

    void tierMiss(boolean ram) {
        (ram ? ramMisses : nvmeMisses).increment();
    }

    /** Blocks read from the RAM tier ({@code ram}) or the NVMe tier. */
    long tierHits(boolean ram) {
        return (long) (ram ? ramHits : nvmeHits).count();
    }

    void storeRead() {
        storeReads.increment();
    }

    long storeReads() {
        return (long) storeReads.count();
    }

    void read(long bytes, long nanos) {
        readOps.increment();
        readBytes.increment(bytes);
        readLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    void write(long bytes, long nanos) {
        writeOps.increment();
        writeBytes.increment(bytes);
        writeLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    void error() {
        errors.increment();
    }

    long readOps() {
        return (long) readOps.count();
    }

    long writeOps() {
        return (long) writeOps.count();
    }

    long readBytes() {
        return (long) readBytes.count();
    }

    long writeBytes() {
        return (long) writeBytes.count();
    }
}
