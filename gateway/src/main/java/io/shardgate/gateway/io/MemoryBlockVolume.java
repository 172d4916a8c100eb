package io.shardgate.gateway.io;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A complete in-memory volume keeping the {@link BlockVolume} contract (writes "durable" once in memory).
 * For front-end tests and benchmarks that must not depend on the router, and for a scratch volume.
 * Up to 2 GiB; thread-safe; completes every call at once on the caller's thread.
 */
public final class MemoryBlockVolume implements BlockVolume {
    private final String name;
    private final int blockSize;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private byte[] data;

    public MemoryBlockVolume(String name, int sizeBytes, int blockSize) {
        if (sizeBytes <= 0) {
            throw new IllegalArgumentException("size must be > 0");
        }
        this.name = name;
        this.blockSize = blockSize;
        this.data = new byte[sizeBytes];
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long sizeBytes() {
        return data.length;
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    /** Grows the volume (new bytes read as zeroes). */
    public void extend(int newSize) {
        lock.writeLock().lock();
        try {
            if (newSize < data.length) {
                throw new IllegalArgumentException("cannot shrink");
            }
            data = java.util.Arrays.copyOf(data, newSize);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private VolumeIoException checkRange(long offset, long length) {
        return VolumeIoException.outOfRange(name, offset, length, data.length);
    }

    @Override
    public Future<Buffer> read(long offset, int length) {
        lock.readLock().lock();
        try {
            VolumeIoException e = checkRange(offset, length);
            if (e != null) {
                return Future.failedFuture(e);
            }
            return Future.succeededFuture(Buffer.buffer(length).appendBytes(data, (int) offset, length));
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public Future<Void> write(long offset, Buffer src, boolean fua) {
        lock.readLock().lock(); // writers to disjoint ranges may run together; the array itself is not replaced
        try {
            VolumeIoException e = checkRange(offset, src.length());
            if (e != null) {
                return Future.failedFuture(e);
            }
            src.getBytes(0, src.length(), data, (int) offset);
            return Future.succeededFuture();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public Future<Void> flush() {
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> trim(long offset, long length) {
        return writeZeroes(offset, length, false);
    }

    @Override
    public Future<Void> writeZeroes(long offset, long length, boolean fua) {
        lock.readLock().lock();
        try {
            VolumeIoException e = checkRange(offset, length);
            if (e != null) {
                return Future.failedFuture(e);
            }
            java.util.Arrays.fill(data, (int) offset, (int) (offset + length), (byte) 0);
            return Future.succeededFuture();
        } finally {
            lock.readLock().unlock();
        }
    }
}
