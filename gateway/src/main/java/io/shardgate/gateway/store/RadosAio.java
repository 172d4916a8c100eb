package io.shardgate.gateway.store;

import com.sun.jna.Callback;
import com.sun.jna.CallbackThreadInitializer;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * librados' asynchronous read and write, bound directly through JNA (rados-java has no asynchronous read). One
 * static completion callback serves every request; each request's native buffer and future are kept in a table
 * until librados calls back, so nothing the C side holds can be collected early. On Ceph 16 the completion of a
 * write means it is durable.
 */
final class RadosAio {

    /**
     * The few librados calls used here, bound by JNA direct mapping: a native method call costs about as much as a
     * JNI call, where interface mapping pays for a proxy, reflection and argument boxing on every request.
     */
    static final class LibRados {
        static {
            Native.register("rados");
        }

        private LibRados() {
        }

        static native int rados_aio_create_completion(Pointer arg, Done complete, Pointer safe, Pointer completion);

        static native int rados_aio_read(Pointer io, String oid, Pointer completion, Pointer buf, long len, long off);

        static native int rados_aio_write(Pointer io, String oid, Pointer completion, Pointer buf, long len, long off);

        static native int rados_aio_get_return_value(Pointer completion);

        static native void rados_aio_release(Pointer completion);
    }

    /** librados' {@code rados_callback_t}. */
    interface Done extends Callback {
        void invoke(Pointer completion, Pointer arg);
    }

    /** A request in flight: its native buffer, where read bytes go, and its future. */
    private record InFlight(Memory buffer, byte[] dst, int dstOffset, int length, boolean read,
                            CompletableFuture<Void> done, String what) {
    }

    private static final Map<Long, InFlight> IN_FLIGHT = new ConcurrentHashMap<>();
    private static final AtomicLong IDS = new AtomicLong();
    private static final int ENOENT = -2;
    private static final Done DONE = RadosAio::completed; // static: never collected while librados may call it

    static {
        // librados calls back on its own threads: keep them attached to the JVM instead of attaching and detaching
        // on every completion (the default, and most of the cost of a callback)
        Native.setCallbackThreadInitializer(DONE, new CallbackThreadInitializer(true, false, "rados-aio-completion"));
    }

    private RadosAio() {
    }

    private static void completed(Pointer completion, Pointer arg) {
        int ret = LibRados.rados_aio_get_return_value(completion);
        LibRados.rados_aio_release(completion);
        InFlight f = IN_FLIGHT.remove(Pointer.nativeValue(arg));
        if (f == null) {
            return;
        }
        if (f.read() && (ret >= 0 || ret == ENOENT)) {
            int n = Math.max(0, ret);
            f.buffer().read(0, f.dst(), f.dstOffset(), n);
            java.util.Arrays.fill(f.dst(), f.dstOffset() + n, f.dstOffset() + f.length(), (byte) 0);
            f.done().complete(null);
        } else if (!f.read() && ret >= 0) {
            f.done().complete(null);
        } else {
            f.done().completeExceptionally(new IOException("RADOS " + f.what() + " failed with error " + ret));
        }
    }

    static CompletableFuture<Void> read(Pointer io, String oid, long offset, byte[] dst, int dstOffset, int length) {
        Memory buf = new Memory(Math.max(1, length));
        return submit(io, oid, offset, buf, new InFlight(buf, dst, dstOffset, length, true, new CompletableFuture<>(),
                "read of " + oid), true);
    }

    static CompletableFuture<Void> write(Pointer io, String oid, long offset, byte[] src, int srcOffset, int length) {
        Memory buf = new Memory(Math.max(1, length));
        buf.write(0, src, srcOffset, length);
        return submit(io, oid, offset, buf, new InFlight(buf, null, 0, length, false, new CompletableFuture<>(),
                "write of " + oid), false);
    }

    private static CompletableFuture<Void> submit(Pointer io, String oid, long offset, Memory buf, InFlight f,
                                                  boolean read) {
        long id = IDS.incrementAndGet();
        IN_FLIGHT.put(id, f);
        Memory completionRef = new Memory(Native.POINTER_SIZE);
        int r = LibRados.rados_aio_create_completion(new Pointer(id), DONE, null, completionRef);
        if (r < 0) {
            IN_FLIGHT.remove(id);
            f.done().completeExceptionally(new IOException("rados_aio_create_completion failed with error " + r));
            return f.done();
        }
        Pointer completion = completionRef.getPointer(0);
        r = read ? LibRados.rados_aio_read(io, oid, completion, buf, f.length(), offset)
                : LibRados.rados_aio_write(io, oid, completion, buf, f.length(), offset);
        if (r < 0) {
            IN_FLIGHT.remove(id);
            LibRados.rados_aio_release(completion);
            f.done().completeExceptionally(new IOException("RADOS " + f.what() + " was refused with error " + r));
        }
        return f.done();
    }
}
