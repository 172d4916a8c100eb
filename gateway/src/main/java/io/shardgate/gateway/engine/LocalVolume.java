package io.shardgate.gateway.engine;

import io.shardgate.core.map.ShardMap;
import io.shardgate.core.reshard.ShardLoad;
import io.shardgate.gateway.io.BlockVolume;
import io.shardgate.gateway.io.VolumeIoException;
import io.shardgate.gateway.store.AsyncChunkIo;
import io.shardgate.gateway.store.DurableStore;
import io.shardgate.gateway.tier.CacheTier;
import io.shardgate.gateway.volume.VolumeStats;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;

/**
 * A volume whose every shard this server owns: requests are split at chunk boundaries and each piece goes to the
 * durable store on the bounded {@code store-io} worker pool (never on the event loop). Writes are durable when
 * their future completes (write-through), so {@link #flush} has nothing left to do. Every request checks that this
 * server owns the shards it touches at the current map version (rule 2), before any tier is looked at.
 *
 * <p>Tiers: a block-aligned read whose blocks are all in the RAM tier completes on the caller's event loop without
 * touching the store. Otherwise, with an NVMe tier, the blocks are looked up there on the worker pool (file I/O);
 * an NVMe hit refills the RAM tier. Reads that reach the store fill both tiers with their whole blocks (the NVMe
 * fill runs on the worker pool after the reply). Writes invalidate both tiers (write-invalidate keeps a tier from
 * ever holding a block newer or older than the store). A fill must never put back data older than a write that
 * overtook the read (rule 4): every write marks its blocks' stripes with a fresh sequence number before it
 * invalidates them, at its start and again when the store has it, and a fill stores a block only if no mark on its
 * stripe is newer than the read's start, checked atomically with the tier's invalidation.
 *
 * <p>Invalidating an NVMe block only touches its in-memory index, under the segment lock that an NVMe slot read or
 * write (one 4 KiB pread/pwrite) may hold: the event loop can wait that long, never for the store.
 */
public final class LocalVolume implements BlockVolume {
    private final String name;
    private final Supplier<ShardMap> map;
    private final String localServer;
    private final DurableStore store;
    private final WorkerExecutor pool;
    private final VolumeMetrics metrics;
    private final CacheTier ram;
    private final CacheTier nvme;
    private final long volumeKey;
    private final ChunkLoad load;
    private final Owner owner;
    private final WriteGate gate = new WriteGate();
    private volatile LayeredChunks chunks;
    /** Non-null while this server takes over shards and their previous owners have not drained yet. */
    private volatile Future<Void> handover;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLongArray stripeMarks = new AtomicLongArray(STRIPES);
    private static final int STRIPES = 4096;
    private static final int BLOCK = 4096;
    /** Ranges larger than this invalidate the whole volume's tier blocks rather than block by block. */
    private static final long INVALIDATE_ALL_ABOVE = 64L << 20;

    /**
     * Use {@link Owner#open}.
     *
     * @param map       the current shard map (read on every request; changes with extend and re-sharding)
     * @param volumeKey this volume's key in the tiers (unique per live volume)
     */
    LocalVolume(String name, Supplier<ShardMap> map, Layers layers, Owner owner, VolumeMetrics metrics,
                long volumeKey) {
        this.name = name;
        this.map = map;
        this.owner = owner;
        this.localServer = owner.serverId();
        this.store = owner.store();
        this.pool = owner.pool();
        this.metrics = metrics;
        this.ram = owner.ram();
        this.nvme = owner.nvme();
        this.volumeKey = volumeKey;
        this.load = new ChunkLoad(map.get());
        this.chunks = new LayeredChunks(store, layers);
    }

    private static int stripe(long block) {
        return (int) (block ^ (block >>> 12)) & (STRIPES - 1);
    }

    /** Marks the blocks of a range as written at a fresh sequence number, then drops them from the tier. */
    private void markAndInvalidate(long offset, long length) {
        if ((ram == null && nvme == null) || length <= 0) {
            return;
        }
        long mark = sequence.incrementAndGet();
        long first = offset / BLOCK;
        long last = (offset + length - 1) / BLOCK;
        if (length > INVALIDATE_ALL_ABOVE) {
            for (int i = 0; i < STRIPES; i++) {
                stripeMarks.accumulateAndGet(i, mark, Math::max);
            }
            dropCachedBlocks();
            return;
        }
        for (long b = first; b <= last; b++) {
            stripeMarks.accumulateAndGet(stripe(b), mark, Math::max);
            if (ram != null) {
                ram.invalidate(volumeKey, b);
            }
            if (nvme != null) {
                nvme.invalidate(volumeKey, b);
            }
        }
    }

    private static boolean blockAligned(long offset, int length) {
        return offset % BLOCK == 0 && length % BLOCK == 0 && length > 0;
    }

    /**
     * Serves a read from one tier alone when every block it touches is there (unaligned reads too: the blocks are
     * read whole and the range cut out), or returns null when any block is missing.
     */
    private Buffer readFromTier(CacheTier tier, long offset, int length) {
        long first = offset / BLOCK;
        long last = (offset + length - 1) / BLOCK;
        byte[] blocks = new byte[(int) ((last - first + 1) * BLOCK)];
        ByteBuffer dst = ByteBuffer.wrap(blocks);
        for (long b = first; b <= last; b++) {
            if (!tier.read(volumeKey, b, dst)) {
                metrics.tierMiss(tier == ram);
                return null;
            }
        }
        metrics.tierHit(tier == ram, (int) (last - first + 1));
        int skip = (int) (offset - first * BLOCK);
        return skip == 0 && length == blocks.length ? Buffer.buffer(blocks)
                : Buffer.buffer(java.util.Arrays.copyOfRange(blocks, skip, skip + length));
    }

    /** Puts the whole blocks of completed read data into a tier unless a write overtook the read. */
    private void fill(CacheTier tier, long offset, byte[] data, long readStartedAt) {
        long firstFull = (offset + BLOCK - 1) / BLOCK;
        long endFull = (offset + data.length) / BLOCK;
        for (long b = firstFull; b < endFull; b++) {
            int stripe = stripe(b);
            tier.fillIf(volumeKey, b, ByteBuffer.wrap(data, (int) (b * BLOCK - offset), BLOCK),
                    () -> stripeMarks.get(stripe) <= readStartedAt);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long sizeBytes() {
        return map.get().sizeBytes();
    }

    @Override
    public int blockSize() {
        return 4096;
    }

    private ShardMap checkedMap(long offset, long length) {
        ShardMap m = map.get();
        VolumeIoException outside = VolumeIoException.outOfRange(name, offset, length, m.sizeBytes());
        if (outside != null) {
            throw outside;
        }
        if (length > 0) {
            int first = m.shardIndexOf(offset);
            int last = m.shardIndexOf(offset + length - 1);
            for (int i = first; i <= last; i++) {
                if (!m.owner(i).equals(localServer)) {
                    throw new VolumeIoException(VolumeIoException.Kind.NOT_PERMITTED, "shard " + i + " of " + name
                            + " is owned by " + m.owner(i) + " at version " + m.version() + ", not by " + localServer);
                }
            }
        }
        return m;
    }

    /** Starts the I/O of one piece of a request (inside one chunk). */
    private interface PieceStarter {
        Future<Void> start(long chunk, int offsetInChunk, int bufferOffset, int length);
    }

    /** A blocking piece, run on the store's worker pool. */
    private interface BlockingPiece {
        void run(long chunk, int offsetInChunk, int bufferOffset, int length) throws Exception;
    }

    /** An asynchronous piece, on a store with its own asynchronous calls. */
    private interface AsyncPiece {
        CompletionStage<Void> run(AsyncChunkIo chunkIo, long chunk, int offsetInChunk, int bufferOffset, int length);
    }

    /** Checks the range and ownership, splits the request at chunk boundaries, and starts every piece. */
    private Future<Void> split(long offset, long length, PieceStarter starter) {
        ShardMap m;
        try {
            m = checkedMap(offset, length);
        } catch (VolumeIoException e) {
            return Future.failedFuture(e);
        }
        int chunkSize = m.chunkSize();
        List<Future<Void>> pieces = new ArrayList<>(2);
        long pos = offset;
        long end = offset + length;
        try {
            while (pos < end) {
                long chunk = pos / chunkSize;
                int inChunk = (int) (pos % chunkSize);
                int n = (int) Math.min(end - pos, chunkSize - inChunk);
                pieces.add(starter.start(chunk, inChunk, (int) (pos - offset), n));
                pos += n;
            }
        } catch (RuntimeException e) {
            pieces.add(Future.failedFuture(e));
        }
        return Future.all(pieces).<Void>mapEmpty().recover(e -> Future.failedFuture(ioError(e)));
    }

    private Future<Void> forEachPiece(long offset, long length, BlockingPiece action) {
        return split(offset, length, (chunk, inChunk, bufOff, n) -> pool.executeBlocking(() -> {
            action.run(chunk, inChunk, bufOff, n);
            return null;
        }, false));
    }

    /** Like {@link #forEachPiece} on the store's asynchronous calls; completes on the caller's Vert.x context. */
    private Future<Void> forEachPieceAsync(AsyncChunkIo chunkIo, long offset, long length, AsyncPiece action) {
        Context context = Vertx.currentContext();
        return split(offset, length, (chunk, inChunk, bufOff, n) -> {
            CompletionStage<Void> stage = action.run(chunkIo, chunk, inChunk, bufOff, n);
            return context == null ? Future.fromCompletionStage(stage) : Future.fromCompletionStage(stage, context);
        });
    }

    private Throwable ioError(Throwable e) {
        Throwable cause = (e instanceof io.vertx.core.impl.NoStackTraceThrowable || e instanceof CompletionException)
                && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof VolumeIoException) {
            return cause;
        }
        return new VolumeIoException(VolumeIoException.Kind.IO_ERROR, "durable store failed for volume " + name
                + ": " + cause, cause);
    }

    @Override
    public Future<Buffer> read(long offset, int length) {
        Future<Void> h = handover;
        if (h != null) {
            return h.compose(v -> read(offset, length));
        }
        Future<Void> capped = admitted(length);
        if (capped != null) {
            return capped.compose(v -> readAdmitted(offset, length));
        }
        return readAdmitted(offset, length);
    }

    /** Null when the emulated capacity (if any) lets a request of {@code bytes} run now, else when it may. */
    private Future<Void> admitted(long bytes) {
        CapacityEmulator c = owner.capacity();
        return c == null ? null : c.admit(bytes);
    }

    private Future<Buffer> readAdmitted(long offset, int length) {
        long t0 = System.nanoTime();
        try {
            checkedMap(offset, length);
        } catch (VolumeIoException e) {
            metrics.error();
            return Future.failedFuture(e);
        }
        boolean any = length > 0;
        if (ram != null && any) {
            Buffer hit = readFromTier(ram, offset, length);
            if (hit != null) {
                completed(offset, length, t0, false, true);
                return Future.succeededFuture(hit);
            }
        }
        long readStartedAt = sequence.get();
        Future<Buffer> result;
        if (nvme != null && any) {
            result = pool.<Buffer>executeBlocking(() -> readFromTier(nvme, offset, length), false)
                    .compose(hit -> {
                        if (hit == null) {
                            metrics.storeRead();
                            return readFromStore(offset, length, readStartedAt);
                        }
                        if (ram != null) {
                            fill(ram, offset, hit.getBytes(), readStartedAt);
                        }
                        return Future.succeededFuture(hit);
                    });
        } else {
            metrics.storeRead();
            result = readFromStore(offset, length, readStartedAt);
        }
        return result.andThen(ar -> {
            if (ar.succeeded()) {
                completed(offset, length, t0, false, false);
            } else {
                metrics.error();
            }
        });
    }

    private void completed(long offset, long length, long t0, boolean write, boolean ramHit) {
        long now = System.nanoTime();
        long nanos = now - t0;
        owner.listener().accessed(this, offset, length, write, ramHit, now);
        if (write) {
            metrics.write(length, nanos);
        } else {
            metrics.read(length, nanos);
        }
        load.record(offset, length, nanos);
    }

    /** Reads from the durable store and fills the tiers (the NVMe tier on the worker pool, after the reply). */
    private Future<Buffer> readFromStore(long offset, int length, long readStartedAt) {
        byte[] out = new byte[Math.max(0, length)];
        LayeredChunks c = chunks;
        String plain = c.plainTop();
        return (store instanceof AsyncChunkIo async && plain != null
                ? forEachPieceAsync(async, offset, length, (io, chunk, inChunk, bufOff, n) ->
                        io.readAsync(plain, chunk, inChunk, out, bufOff, n))
                : forEachPiece(offset, length, (chunk, inChunk, bufOff, n) ->
                        c.read(chunk, inChunk, ByteBuffer.wrap(out, bufOff, n))))
                .map(done -> {
                    if (ram != null) {
                        fill(ram, offset, out, readStartedAt);
                    }
                    if (nvme != null) {
                        pool.executeBlocking(() -> {
                            fill(nvme, offset, out, readStartedAt);
                            return null;
                        }, false);
                    }
                    return Buffer.buffer(out);
                });
    }

    @Override
    public Future<Void> write(long offset, Buffer data, boolean fua) {
        Future<Void> h = handover;
        if (h != null) {
            return h.compose(v -> write(offset, data, fua));
        }
        Future<Void> capped = admitted(data.length());
        if (capped != null) {
            return capped.compose(v -> gate.admit(() -> writeNow(offset, data)));
        }
        return gate.admit(() -> writeNow(offset, data));
    }

    private Future<Void> writeNow(long offset, Buffer data) {
        long t0 = System.nanoTime();
        int length = data.length();
        markAndInvalidate(offset, length);
        Future<Void> written;
        LayeredChunks c = chunks;
        String plain = c.plainTop();
        if (store instanceof AsyncChunkIo async && plain != null) {
            byte[] bytes = data.getBytes();
            written = forEachPieceAsync(async, offset, length, (io, chunk, inChunk, bufOff, n) ->
                    io.writeAsync(plain, chunk, inChunk, bytes, bufOff, n));
        } else {
            written = forEachPiece(offset, length, (chunk, inChunk, bufOff, n) ->
                    c.write(chunk, inChunk, ByteBuffer.wrap(data.getBytes(bufOff, bufOff + n))));
        }
        return written.onComplete(ar -> {
                    markAndInvalidate(offset, length); // the store has it (or failed): drop any fill that raced
                    if (ar.succeeded()) {
                        completed(offset, length, t0, true, false);
                    } else {
                        metrics.error();
                    }
                });
    }

    @Override
    public Future<Void> flush() {
        return Future.succeededFuture(); // every completed write is already durable
    }

    @Override
    public Future<Void> trim(long offset, long length) {
        Future<Void> h = handover;
        if (h != null) {
            return h.compose(v -> trim(offset, length));
        }
        return gate.admit(() -> {
            markAndInvalidate(offset, length);
            LayeredChunks c = chunks;
            return forEachPiece(offset, length, (chunk, inChunk, bufOff, n) -> c.discard(chunk, inChunk, n))
                    .onComplete(ar -> markAndInvalidate(offset, length));
        });
    }

    /**
     * Loads a block-aligned range into the tiers ahead of demand (prefetching), unless it is all in the RAM tier
     * already. The fill is guarded like a read's: a prefetch never puts back data older than a write that overtook
     * it (rule 4). Refused like any request for a shard this server does not own.
     *
     * @return true if the store was read (false: already cached)
     */
    public Future<Boolean> prefetch(long offset, int length) {
        try {
            checkedMap(offset, length);
        } catch (VolumeIoException e) {
            return Future.failedFuture(e);
        }
        if (!blockAligned(offset, length)) {
            return Future.failedFuture(new IllegalArgumentException("prefetch ranges are whole 4 KiB blocks"));
        }
        if (ram != null && ram.contains(volumeKey, offset / BLOCK, length / BLOCK)) {
            return Future.succeededFuture(false);
        }
        return readFromStore(offset, length, sequence.get()).map(b -> {
            metrics.prefetched(length / BLOCK, true, false);
            return true;
        });
    }

    /**
     * Counts one request the volume's prefetch policy predicts at {@code offset}, whether or not the budget lets it be
     * prefetched: the predicted heat published with the shard's load for the re-shard planner.
     */
    public void predicted(long offset) {
        load.recordPredicted(offset);
    }

    /** Counts prefetched blocks a demand read then found in the RAM tier (the prefetcher's bookkeeping). */
    public void prefetchUsed(long blocks) {
        metrics.prefetched(blocks, false, true);
    }

    /** Counts prefetched blocks that were fetched again, overwritten or aged out before use. */
    public void prefetchWasted(long blocks) {
        metrics.prefetched(blocks, false, false);
    }

    /**
     * Holds every request of this volume until {@code released} completes: this server is taking over shards and
     * must not read or cache their blocks while their previous owners may still have writes in flight. Requests
     * wait (a short pause), they never fail because of it.
     */
    public void holdUntil(Future<Void> released) {
        handover = released;
        released.onComplete(ar -> {
            if (handover == released) {
                handover = null;
            }
        });
    }

    /**
     * This server gave up shards of the volume: lets writes in flight finish (new ones wait, then meet the new map),
     * and drops the volume's cached blocks, which would be stale if the shards ever came back.
     */
    public Future<Void> fenceAndDrain() {
        return gate.change(() -> markAndInvalidate(0, Long.MAX_VALUE / 2));
    }

    /** The layers this volume reads through now. */
    public Layers layers() {
        return chunks.layers();
    }

    /**
     * Switches the volume to new layers with no write straddling the switch: writes in flight finish first, writes
     * arriving meanwhile wait and then go to the new top layer. When the switch changes the volume's content (a
     * revert), the cached blocks are dropped, and fills of reads that started before are refused (stripe marks).
     */
    public Future<Void> switchLayers(Layers next, boolean contentChanges) {
        return gate.change(() -> {
            chunks = new LayeredChunks(store, next);
            if (contentChanges) {
                markAndInvalidate(0, Long.MAX_VALUE / 2);
            }
        });
    }

    @Override
    public Future<Void> writeZeroes(long offset, long length, boolean fua) {
        return trim(offset, length); // discarded ranges read as zeroes, durably
    }

    long volumeKey() {
        return volumeKey;
    }

    /** Frees this volume's blocks in the tiers (the volume is being deleted: see {@link Owner#retire}). */
    void dropCachedBlocks() {
        if (ram != null) {
            ram.invalidateVolume(volumeKey);
        }
        if (nvme != null) {
            nvme.invalidateVolume(volumeKey);
        }
    }

    /** This server's counters for the volume (the pieces it served as owner), since it started. */
    public VolumeStats stats() {
        return new VolumeStats(name, metrics.readOps(), metrics.writeOps(),
                metrics.readBytes(), metrics.writeBytes(), metrics.tierHits(true), metrics.tierHits(false),
                metrics.storeReads(), metrics.prefetchIssued(), metrics.prefetchUsed());
    }

    /** The load of this server's shards of the volume since the previous call (one caller at a time). */
    public List<ShardLoad> sampleLoad(long nowNanos) {
        return load.sample(map.get(), localServer, nowNanos);
    }

    VolumeMetrics metrics() {
        return metrics;
    }
}
