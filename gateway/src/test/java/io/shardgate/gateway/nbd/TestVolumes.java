package io.shardgate.gateway.nbd;

import io.shardgate.gateway.io.BlockVolume;
import io.shardgate.gateway.io.VolumeIoException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayDeque;
import java.util.Queue;

/** Volumes with special behaviour for protocol tests. */
final class TestVolumes {
    private TestVolumes() {
    }

    /** Holds every read until {@link #release()}; counts how many are held. Thread-safe. */
    static final class Gated extends ForwardingVolume {
        private final Queue<Runnable> held = new ArrayDeque<>();
        private int maxHeld;

        Gated(BlockVolume inner) {
            super(inner);
        }

        synchronized int held() {
            return held.size();
        }

        synchronized int maxHeld() {
            return maxHeld;
        }

        /** Completes every held read (on the calling thread, which is not an event loop). */
        void release() {
            while (true) {
                Runnable r;
                synchronized (this) {
                    r = held.poll();
                }
                if (r == null) {
                    return;
                }
                r.run();
            }
        }

        @Override
        public synchronized Future<Buffer> read(long offset, int length) {
            Promise<Buffer> p = Promise.promise();
            held.add(() -> inner.read(offset, length).onComplete(p));
            maxHeld = Math.max(maxHeld, held.size());
            return p.future();
        }
    }

    /**
     * A 1 MiB volume whose every call fails with the {@link VolumeIoException.Kind} numbered by the offset's
     * 4 KiB block ({@code offset / 4096 % kinds}), or with a plain exception for the block after the last kind.
     */
    static final class Failing implements BlockVolume {
        private final String name;

        Failing(String name) {
            this.name = name;
        }

        static long offsetOf(VolumeIoException.Kind kind) {
            return kind.ordinal() * 4096L;
        }

        static final long PLAIN_EXCEPTION_OFFSET = VolumeIoException.Kind.values().length * 4096L;

        private <T> Future<T> fail(long offset) {
            int k = (int) (offset / 4096);
            VolumeIoException.Kind[] kinds = VolumeIoException.Kind.values();
            if (k < kinds.length) {
                return Future.failedFuture(new VolumeIoException(kinds[k], "injected " + kinds[k]));
            }
            return Future.failedFuture(new IllegalStateException("injected plain failure"));
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public long sizeBytes() {
            return 1 << 20;
        }

        @Override
        public int blockSize() {
            return 4096;
        }

        @Override
        public Future<Buffer> read(long offset, int length) {
            return fail(offset);
        }

        @Override
        public Future<Void> write(long offset, Buffer data, boolean fua) {
            return fail(offset);
        }

        @Override
        public Future<Void> flush() {
            return fail(0);
        }

        @Override
        public Future<Void> trim(long offset, long length) {
            return fail(offset);
        }

        @Override
        public Future<Void> writeZeroes(long offset, long length, boolean fua) {
            return fail(offset);
        }
    }
}
