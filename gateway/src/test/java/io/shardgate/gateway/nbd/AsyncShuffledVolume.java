package io.shardgate.gateway.nbd;

import io.shardgate.gateway.io.BlockVolume;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Wraps a volume so that every call completes later, on a worker thread that is not a Vert.x thread,
 * after a random pause: replies complete out of order and off the event loop, as with the real router.
 */
final class AsyncShuffledVolume extends ForwardingVolume {
    private final ExecutorService workers;
    private final int maxDelayMicros;

    AsyncShuffledVolume(BlockVolume inner, ExecutorService workers, int maxDelayMicros) {
        super(inner);
        this.workers = workers;
        this.maxDelayMicros = maxDelayMicros;
    }

    private <T> Future<T> later(Supplier<Future<T>> call) {
        Promise<T> promise = Promise.promise();
        workers.execute(() -> {
            int delay = ThreadLocalRandom.current().nextInt(maxDelayMicros + 1);
            if (delay > 0) {
                LockSupport.parkNanos(delay * 1000L);
            }
            call.get().onComplete(promise);
        });
        return promise.future();
    }

    @Override
    public Future<Buffer> read(long offset, int length) {
        return later(() -> super.read(offset, length));
    }

    @Override
    public Future<Void> write(long offset, Buffer data, boolean fua) {
        return later(() -> super.write(offset, data, fua));
    }

    @Override
    public Future<Void> flush() {
        return later(super::flush);
    }

    @Override
    public Future<Void> trim(long offset, long length) {
        return later(() -> super.trim(offset, length));
    }

    @Override
    public Future<Void> writeZeroes(long offset, long length, boolean fua) {
        return later(() -> super.writeZeroes(offset, length, fua));
    }
}
