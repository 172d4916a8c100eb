package io.shardgate.gateway.engine;

import io.shardgate.core.map.ShardMap;
import io.shardgate.gateway.io.BlockVolume;
import io.shardgate.gateway.io.VolumeIoException;
import io.shardgate.gateway.store.DurableStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A volume whose every shard this server owns: requests are split at chunk boundaries and each piece goes to the
 * durable store on the bounded {@code store-io} worker pool (never on the event loop). Writes are durable when
 * their future completes (write-through), so {@link #flush} has nothing left to do. Each piece checks that this
 * server owns the piece's shard at the current map version (rule 2).
 */
public final class LocalVolume implements BlockVolume {
    private final String name;
    private final Supplier<ShardMap> map;
    private final String localServer;
    private final DurableStore store;
    private final WorkerExecutor pool;
    private final VolumeMetrics metrics;

    /**
     * @param map          the current shard map (read on every request; changes with extend)
     * @param localServer  this server's id: every piece must belong to a shard it owns
     * @param pool         the bounded worker pool for store calls
     */
    public LocalVolume(String name, Supplier<ShardMap> map, String localServer, DurableStore store,
                       WorkerExecutor pool, VolumeMetrics metrics) {
        this.name = name;
        this.map = map;
        this.localServer = localServer;
        this.store = store;
        this.pool = pool;
        this.metrics = metrics;
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
        if (offset < 0 || length < 0 || offset + length > m.sizeBytes() || offset + length < 0) {
            throw new VolumeIoException(VolumeIoException.Kind.OUT_OF_RANGE, "range [" + offset + ", "
                    + (offset + length) + ") outside volume " + name + " of " + m.sizeBytes() + " bytes");
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

    /** A piece of a request inside one chunk. */
    private interface PieceAction {
        void run(long chunk, int offsetInChunk, int bufferOffset, int length) throws Exception;
    }

    private Future<Void> forEachPiece(long offset, long length, PieceAction action) {
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
        while (pos < end) {
            long chunk = pos / chunkSize;
            int inChunk = (int) (pos % chunkSize);
            int n = (int) Math.min(end - pos, chunkSize - inChunk);
            int bufOff = (int) (pos - offset);
            pieces.add(pool.executeBlocking(() -> {
                action.run(chunk, inChunk, bufOff, n);
                return null;
            }, false));
            pos += n;
        }
        return Future.all(pieces).<Void>mapEmpty().recover(e -> Future.failedFuture(ioError(e)));
    }

    private Throwable ioError(Throwable e) {
        Throwable cause = e instanceof io.vertx.core.impl.NoStackTraceThrowable && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof VolumeIoException) {
            return cause;
        }
        return new VolumeIoException(VolumeIoException.Kind.IO_ERROR, "durable store failed for volume " + name
                + ": " + cause, cause);
    }

    @Override
    public Future<Buffer> read(long offset, int length) {
        long t0 = System.nanoTime();
        byte[] out = new byte[Math.max(0, length)];
        Promise<Buffer> p = Promise.promise();
        forEachPiece(offset, length, (chunk, inChunk, bufOff, n) ->
                store.read(name, chunk, inChunk, ByteBuffer.wrap(out, bufOff, n)))
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        metrics.read(length, System.nanoTime() - t0);
                        p.complete(Buffer.buffer(out));
                    } else {
                        metrics.error();
                        p.fail(ar.cause());
                    }
                });
        return p.future();
    }

    @Override
    public Future<Void> write(long offset, Buffer data, boolean fua) {
        long t0 = System.nanoTime();
        int length = data.length();
        return forEachPiece(offset, length, (chunk, inChunk, bufOff, n) ->
                store.write(name, chunk, inChunk, ByteBuffer.wrap(data.getBytes(bufOff, bufOff + n))))
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        metrics.write(length, System.nanoTime() - t0);
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
        return forEachPiece(offset, length, (chunk, inChunk, bufOff, n) -> store.discard(name, chunk, inChunk, n));
    }

    @Override
    public Future<Void> writeZeroes(long offset, long length, boolean fua) {
        return trim(offset, length); // discarded ranges read as zeroes, durably
    }

    VolumeMetrics metrics() {
        return metrics;
    }
}
