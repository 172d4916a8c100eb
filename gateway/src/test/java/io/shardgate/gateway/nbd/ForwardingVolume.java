package io.shardgate.gateway.nbd;

import io.shardgate.gateway.io.BlockVolume;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/** A volume passing every call to another; test decorators override only what they change. */
abstract class ForwardingVolume implements BlockVolume {
    protected final BlockVolume inner;

    ForwardingVolume(BlockVolume inner) {
        this.inner = inner;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public long sizeBytes() {
        return inner.sizeBytes();
    }

    @Override
    public int blockSize() {
        return inner.blockSize();
    }

    @Override
    public Future<Buffer> read(long offset, int length) {
        return inner.read(offset, length);
    }

    @Override
    public Future<Void> write(long offset, Buffer data, boolean fua) {
        return inner.write(offset, data, fua);
    }

    @Override
    public Future<Void> flush() {
        return inner.flush();
    }

    @Override
    public Future<Void> trim(long offset, long length) {
        return inner.trim(offset, length);
    }

    @Override
    public Future<Void> writeZeroes(long offset, long length, boolean fua) {
        return inner.writeZeroes(offset, length, fua);
    }
}
