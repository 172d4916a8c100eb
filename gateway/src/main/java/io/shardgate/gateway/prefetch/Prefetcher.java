package io.shardgate.gateway.prefetch;

import io.shardgate.core.spec.WorkloadType;
import io.shardgate.gateway.engine.AccessListener;
import io.shardgate.gateway.engine.LocalVolume;
import io.shardgate.predictor.policy.PrefetchPolicy;
import io.shardgate.predictor.trace.AccessRecord;
import io.shardgate.predictor.trace.GatewayTraceWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * The owner's prefetcher and access recorder. The I/O path hands every completed request to it through a lock-free
 * ring ({@link #accessed}: a few stores, no allocation); one background thread then, per volume:
 * <ul>
 *   <li>records the access to a rotating trace file ({@code <trace dir>/<volume>/<volume>-<n>.sgtrace}, the
 *       gateway format the predictor's readers read), when recording is on;</li>
 *   <li>feeds it to the volume's prefetch policy ({@link PolicyChooser}: by the volume's workload type, looked up
 *       again every {@value #WORKLOAD_RECHECK_SECONDS} s so a retype takes effect), counts each request the policy
 *       predicts against its chunk (the predicted heat published with the shard load, {@link LocalVolume#predicted}),
 *       and loads the blocks the policy names into the tiers with
 *       {@link LocalVolume#prefetch} (which skips cached ranges and never overwrites newer data), most critical
 *       first, within a budget: at most {@code maxInFlight} prefetch reads at once and {@code maxBytesPerSec} of
 *       backend reads per second;</li>
 *   <li>counts outcomes: a prefetched block read from the RAM tier before anything else touched it is <em>used</em>;
 *       one that a demand read had to fetch again, a write overwrote, or that aged out of the tracking window is
 *       <em>wasted</em>.</li>
 * </ul>
 * Nothing here runs on an event loop, and nothing blocks the I/O path.
 */
public final class Prefetcher implements AccessListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Prefetcher.class);
    private static final int BLOCK = 4096;
    /** Consecutive blocks merged into one prefetch read, at most. */
    private static final int MAX_RUN_BLOCKS = 32;
    /** Prefetched blocks remembered per volume for the used/wasted counts. */
    private static final int TRACKED_BLOCKS = 1 << 16;
    static final int WORKLOAD_RECHECK_SECONDS = 30;
    /**
     * How long the worker sleeps when the ring is empty: long enough that under load it wakes for batches of
     * hundreds of accesses (each wake-up costs a context switch competing with the event loops: most of what
     * recording costs), short enough, while some volume has a policy that prefetches, that prefetches still lead the
     * reads they serve. The ring holds 64 Ki accesses, 0.3 s at 200,000 IOPS.
     */
    private static final long PARK_WHILE_PREFETCHING_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long PARK_WHILE_RECORDING_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** The longest sleep of an idle worker: the delay the first access after a quiet spell may wait to be seen. */
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final AccessRing ring = new AccessRing(1 << 16);
    private final PolicyChooser policies;
    private final Function<String, WorkloadType> workloads;
    private final Path traceDir;
    private final int maxInFlight;
    private final long maxBytesPerSec;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<LocalVolume, VolumeState> volumes = new IdentityHashMap<>();
    private final Thread worker;
    private volatile boolean running = true;
    /** Whether some volume's policy prefetches (worker thread only). */
    private boolean prefetching;
    private long windowStart = System.nanoTime();
    private long windowBytes;

    /** What the prefetcher keeps per volume (worker thread only). */
    private final class VolumeState {
        PrefetchPolicy policy;
        WorkloadType workload;
        long workloadCheckedAt;
        final GatewayTraceWriter trace;
        final long traceStart = System.nanoTime();
        final LinkedHashMap<Long, Boolean> prefetched = new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
                if (size() > TRACKED_BLOCKS) {
                    wasted++;
                    return true;
                }
                return false;
            }
        };
        final long[] run = new long[2]; // first block, count
        long lastPredicted = -2;
        long wasted;

        VolumeState(GatewayTraceWriter trace) {
            this.trace = trace;
        }
    }

    /**
     * @param policies       chooses a fresh policy per volume ({@code none}: no prefetching)
     * @param workloads      a volume's workload type by name (may block: called on the prefetcher's thread only; an
     *                       exception means unknown for now, {@code general} is used)
     * @param traceDir       where access traces go, or null for no recording
     * @param maxInFlight    prefetch reads in flight at once, at most
     * @param maxBytesPerSec backend bytes per second prefetching may read
     */
    public Prefetcher(PolicyChooser policies, Function<String, WorkloadType> workloads, Path traceDir,
                      int maxInFlight, long maxBytesPerSec) {
        this.policies = policies;
        this.workloads = workloads;
        this.traceDir = traceDir;
        this.maxInFlight = maxInFlight;
        this.maxBytesPerSec = maxBytesPerSec;
        this.worker = new Thread(this::run, "prefetcher");
        worker.setDaemon(true);
        worker.start();
    }

    @Override
    public void accessed(LocalVolume volume, long offset, long length, boolean write, boolean ramHit,
                         long completedAt) {
        ring.offer(volume, offset, length, write, ramHit, completedAt);
    }

    private void run() {
        AccessRing.Access a = new AccessRing.Access();
        long lastFlush = System.nanoTime();
        long park = 0;
        while (running) {
            boolean any = drain(a);
            if (System.nanoTime() - lastFlush > TimeUnit.SECONDS.toNanos(1)) {
                flushTraces();
                lastFlush = System.nanoTime();
            }
            if (any) {
                park = 0;
            } else { // idle: sleep longer each time the ring is still empty, so an idle server costs nothing
                long base = prefetching ? PARK_WHILE_PREFETCHING_NANOS : PARK_WHILE_RECORDING_NANOS;
                park = park == 0 ? base : Math.min(MAX_PARK_NANOS, park * 2);
                LockSupport.parkNanos(park);
            }
        }
        drain(a); // what arrived before close() is recorded too
        flushTraces();
    }

    private boolean drain(AccessRing.Access a) {
        boolean any = false;
        while (ring.poll(a)) {
            any = true;
            try {
                handle(a);
            } catch (RuntimeException | IOException e) {
                LOG.warn("prefetcher: access of {} skipped: {}", a.volume.name(), e.toString());
            }
        }
        return any;
    }

    /** The volume's state, its policy chosen again when its workload type was last looked up long ago. */
    private VolumeState state(LocalVolume v, long now) throws IOException {
        VolumeState s = volumes.get(v);
        if (s == null) {
            GatewayTraceWriter w = traceDir == null ? null
                    : new GatewayTraceWriter(traceDir.resolve(v.name()), v.name(), 64L << 20, 4);
            s = new VolumeState(w);
            volumes.put(v, s);
        }
        if (s.workload == null || now - s.workloadCheckedAt > TimeUnit.SECONDS.toNanos(WORKLOAD_RECHECK_SECONDS)) {
            s.workloadCheckedAt = now;
            WorkloadType w = workloadOf(v);
            if (w != s.workload) {
                PrefetchPolicy p = policies.create(w);
                s.policy = p.name().equals("none") ? null : p;
                prefetching |= s.policy != null;
                s.lastPredicted = -2;
                LOG.info("volume {} ({} workload): prefetch policy {}", v.name(),
                        w.name().toLowerCase(java.util.Locale.ROOT), policies.describe(w));
                s.workload = w;
            }
        }
        return s;
    }

    private WorkloadType workloadOf(LocalVolume v) {
        try {
            WorkloadType w = workloads.apply(v.name());
            return w == null ? WorkloadType.GENERAL : w;
        } catch (RuntimeException e) {
            LOG.debug("workload of {} unknown for now: {}", v.name(), e.toString());
            return WorkloadType.GENERAL;
        }
    }

    private void handle(AccessRing.Access a) throws IOException {
        VolumeState s = state(a.volume, a.nanos);
        if (s.trace != null) {
            s.trace.recordAt(a.nanos - s.traceStart, 0, a.offset, (int) Math.min(Integer.MAX_VALUE, a.length),
                    a.write);
        }
        long first = a.offset / BLOCK;
        long last = (a.offset + Math.max(1, a.length) - 1) / BLOCK;
        int used = 0;
        for (long b = first; b <= last && !s.prefetched.isEmpty(); b++) {
            if (s.prefetched.remove(b) != null) {
                if (!a.write && a.ramHit) {
                    used++;
                } else {
                    s.wasted++; // fetched again by the demand read, or overwritten
                }
            }
        }
        if (used > 0) {
            a.volume.prefetchUsed(used);
        }
        if (s.wasted > 0) {
            a.volume.prefetchWasted(s.wasted);
            s.wasted = 0;
        }
        if (s.policy == null || a.write) {
            return;
        }
        LocalVolume v = a.volume;
        long volumeBlocks = v.sizeBytes() / BLOCK;
        s.run[1] = 0;
        s.policy.onAccess(new AccessRecord(a.nanos, 0, a.offset, (int) Math.min(Integer.MAX_VALUE, a.length),
                false), block -> {
            if (block < 0 || block >= volumeBlocks) {
                return;
            }
            if (block != s.lastPredicted + 1) {
                v.predicted(block * BLOCK); // a new predicted request: its heat counts whether or not it is loaded
            }
            s.lastPredicted = block;
            if (s.prefetched.containsKey(block)) {
                return;
            }
            if (s.run[1] > 0 && block == s.run[0] + s.run[1] && s.run[1] < MAX_RUN_BLOCKS) {
                s.run[1]++;
                return;
            }
            issue(v, s);
            s.run[0] = block;
            s.run[1] = 1;
        });
        issue(v, s);
    }

    /** Loads the pending run of blocks, if the budget allows (else it is dropped: prefetching is best effort). */
    private void issue(LocalVolume v, VolumeState s) {
        long count = s.run[1];
        if (count == 0) {
            return;
        }
        s.run[1] = 0;
        long bytes = count * BLOCK;
        long now = System.nanoTime();
        if (now - windowStart > 1_000_000_000L) {
            windowStart = now;
            windowBytes = 0;
        }
        if (inFlight.get() >= maxInFlight || windowBytes + bytes > maxBytesPerSec) {
            return;
        }
        windowBytes += bytes;
        for (long b = s.run[0]; b < s.run[0] + count; b++) {
            s.prefetched.put(b, Boolean.TRUE);
        }
        inFlight.incrementAndGet();
        v.prefetch(s.run[0] * BLOCK, (int) bytes).onComplete(ar -> inFlight.decrementAndGet());
    }

    private void flushTraces() {
        for (VolumeState s : volumes.values()) {
            if (s.trace != null) {
                try {
                    s.trace.flush();
                } catch (IOException e) {
                    LOG.warn("prefetcher: could not write an access trace: {}", e.toString());
                }
            }
        }
    }

    /** Accesses lost because the worker fell a whole ring behind (an estimate, read from any thread). */
    public long lostAccesses() {
        return ring.lost();
    }

    @Override
    public void close() {
        running = false;
        try {
            worker.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (VolumeState s : volumes.values()) {
            if (s.trace != null) {
                try {
                    s.trace.close();
                } catch (IOException e) {
                    LOG.warn("prefetcher: could not close an access trace: {}", e.toString());
                }
            }
        }
    }
}
