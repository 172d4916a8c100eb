package io.shardgate.gateway.engine;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Lets a volume change what writes go to (its layers on a snapshot or revert) with no write straddling the change:
 * {@link #change} closes the gate, waits until every write admitted before is done, runs the change, and opens the
 * gate again; writes arriving meanwhile wait and then run after the change. Without a change in progress admission
 * is two atomic operations. Thread-safe; changes must not overlap (the volume managers serialise them).
 */
final class WriteGate {
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile Promise<Void> closed;
    private volatile Promise<Void> drained;

    /**
     * Runs a write through the gate.
     *
     * @param write starts the write; {@link #change} waits for the future it returns
     */
    <T> Future<T> admit(Supplier<Future<T>> write) {
        while (true) {
            Promise<Void> c = closed;
            if (c != null) {
                return c.future().compose(v -> admit(write));
            }
            inFlight.incrementAndGet();
            if (closed == null) {
                break;
            }
            leave(); // a change began between the two checks: wait for it like the others
        }
        Future<T> f;
        try {
            f = write.get();
        } catch (RuntimeException e) {
            leave();
            throw e;
        }
        return f.andThen(ar -> leave());
    }

    private void leave() {
        if (inFlight.decrementAndGet() == 0) {
            Promise<Void> d = drained;
            if (d != null) {
                d.tryComplete();
            }
        }
    }

    /** Closes the gate, drains the writes in flight, runs {@code change}, and reopens the gate. */
    Future<Void> change(Runnable change) {
        Promise<Void> gate = Promise.promise();
        Promise<Void> d = Promise.promise();
        drained = d;
        closed = gate;
        if (inFlight.get() == 0) {
            d.tryComplete();
        }
        return d.future().map(v -> {
            try {
                change.run();
            } finally {
                drained = null;
                closed = null;
                gate.complete();
            }
            return null;
        });
    }
}
