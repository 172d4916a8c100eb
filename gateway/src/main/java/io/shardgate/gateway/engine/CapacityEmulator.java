package io.shardgate.gateway.engine;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * EMULATION, for benchmarks on one machine: caps this server's owner-side I/O at its advertised IOPS and bandwidth,
 * so that several servers sharing a few cores behave like real servers of fixed capacity. Two token buckets, kept as
 * virtual clocks (the generic cell rate algorithm): each request moves each bucket's clock by its cost (one
 * operation; its bytes), and waits until both clocks are within the burst tolerance of now. Requests wait on a
 * Vert.x timer, never on a thread. Thread-safe. Off unless {@code serve --emulate-capacity}; real servers are limited
 * by their hardware instead.
 */
public final class CapacityEmulator {
    /** Requests may run this far ahead of the steady rate (a burst of 5 ms of capacity). */
    private static final long BURST_NANOS = 5_000_000;
    private final Vertx vertx;
    private final double nanosPerOp;
    private final double nanosPerByte;
    private double opsClock;
    private double bytesClock;

    /**
     * @param iops          operations per second this server may serve
     * @param bandwidthMBps megabytes (10^6 bytes) per second
     */
    public CapacityEmulator(Vertx vertx, long iops, double bandwidthMBps) {
        if (iops <= 0 || bandwidthMBps <= 0) {
            throw new IllegalArgumentException("emulated capacity needs iops > 0 and bandwidth > 0");
        }
        this.vertx = vertx;
        this.nanosPerOp = 1e9 / iops;
        this.nanosPerByte = 1e9 / (bandwidthMBps * 1e6);
    }

    /** How long a request of {@code bytes} must wait, in nanoseconds, having taken its place in both buckets. */
    synchronized long reserve(long bytes) {
        double now = System.nanoTime();
        opsClock = Math.max(opsClock, now) + nanosPerOp;
        bytesClock = Math.max(bytesClock, now) + bytes * nanosPerByte;
        return (long) Math.max(0, Math.max(opsClock, bytesClock) - now - BURST_NANOS);
    }

    /** Null when the request may run now, else a future completing when it may. */
    Future<Void> admit(long bytes) {
        long wait = reserve(bytes);
        if (wait <= 0) {
            return null;
        }
        Promise<Void> p = Promise.promise();
        vertx.setTimer(Math.max(1, wait / 1_000_000), id -> p.complete());
        return p.future();
    }
}
