package io.shardgate.gateway.engine;

import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.shardgate.core.reshard.ShardLoad;
import io.shardgate.gateway.volume.VolumeStats;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/**
 * The load monitor of one server: every interval it samples the per-chunk counters of every volume this server owns
 * shards of (on the worker pool: a sample walks arrays), keeps the result as {@link #latest()}, exports it as
 * Prometheus gauges ({@code shardgate_shard_ops_per_second{volume,shard}}, {@code _bytes_per_second},
 * {@code _queue_depth}, {@code _latency_microseconds}, and {@code shardgate_shard_predicted_ops_per_second}, the
 * heat the prefetch policy predicts) and hands it to a publisher (the cluster's {@code sg-load}
 * map). Thread-safe.
 */
public final class LoadMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LoadMonitor.class);
    private final Owner owner;
    private final Vertx vertx;
    private final long intervalMs;
    private volatile Consumer<LoadReport> publisher = report -> { };
    private final List<ShardGauge> gauges = new ArrayList<>();
    private volatile LoadReport latest;
    private long timer = -1;

    private record ShardGauge(MultiGauge gauge, ToDoubleFunction<ShardLoad> value) {
    }

    /** @param intervalMs how often to sample, at least 100 ms */
    public LoadMonitor(Owner owner, Vertx vertx, long intervalMs) {
        if (intervalMs < 100) {
            throw new IllegalArgumentException("load interval must be at least 100 ms, was " + intervalMs);
        }
        this.owner = owner;
        this.vertx = vertx;
        this.intervalMs = intervalMs;
        this.latest = LoadReport.empty(owner.serverId());
        gauge("shardgate.shard.ops.per.second", "operations per second served by this owner", ShardLoad::opsPerSec);
        gauge("shardgate.shard.bytes.per.second", "bytes per second served by this owner", ShardLoad::bytesPerSec);
        gauge("shardgate.shard.queue.depth", "mean requests in flight", ShardLoad::queueDepth);
        gauge("shardgate.shard.latency.microseconds", "mean owner-side latency", ShardLoad::latencyUs);
        gauge("shardgate.shard.predicted.ops.per.second", "requests per second the prefetch policy predicts (heat)",
                ShardLoad::predictedOpsPerSec);
    }

    private void gauge(String name, String description, ToDoubleFunction<ShardLoad> value) {
        gauges.add(new ShardGauge(MultiGauge.builder(name).description(description).register(owner.registry()),
                value));
    }

    /** Where every report goes from now on (on a worker thread; must not block for long). */
    public void publishTo(Consumer<LoadReport> publisher) {
        this.publisher = publisher;
    }

    public LoadMonitor start() {
        timer = vertx.setPeriodic(intervalMs, id -> owner.pool().executeBlocking(this::sample, false)
                .onFailure(e -> LOG.warn("load sample failed: {}", e.toString())));
        return this;
    }

    /** Samples now: the load since the previous sample. Called by the timer; callable directly (tests). */
    public synchronized LoadReport sample() {
        long now = System.nanoTime();
        List<ShardLoad> shards = new ArrayList<>();
        List<VolumeStats> volumes = new ArrayList<>();
        for (LocalVolume v : owner.volumes()) {
            shards.addAll(v.sampleLoad(now));
            volumes.add(v.stats());
        }
        double ops = shards.stream().mapToDouble(ShardLoad::opsPerSec).sum();
        double bytes = shards.stream().mapToDouble(ShardLoad::bytesPerSec).sum();
        LoadReport report = new LoadReport(owner.serverId(), System.currentTimeMillis(), intervalMs, ops, bytes, shards,
                volumes);
        for (ShardGauge g : gauges) {
            g.gauge().register(shards.stream().map(s -> MultiGauge.Row.of(
                    Tags.of("volume", s.volume(), "shard", Integer.toString(s.shardIndex())),
                    g.value().applyAsDouble(s))).toList(), true);
        }
        latest = report;
        publisher.accept(report);
        return report;
    }

    /** The most recent report (an empty one before the first sample). */
    public LoadReport latest() {
        return latest;
    }

    public long intervalMs() {
        return intervalMs;
    }

    @Override
    public void close() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }
}
