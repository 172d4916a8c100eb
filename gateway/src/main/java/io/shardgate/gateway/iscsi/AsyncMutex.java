package io.shardgate.gateway.iscsi;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * Runs asynchronous actions one at a time, in arrival order, without blocking any thread: the next action starts
 * when the previous one's future completes. Used to make COMPARE AND WRITE atomic against other COMPARE AND WRITEs
 * of the same volume, from any connection. Thread-safe.
 */
final class AsyncMutex {
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    private boolean busy;

    <T> Future<T> run(Supplier<Future<T>> action) {
        Promise<T> done = Promise.promise();
        Runnable start = () -> {
            Future<T> f;
            try {
                f = action.get();
            } catch (RuntimeException e) {
                f = Future.failedFuture(e);
            }
            f.onComplete(ar -> {
                next();
                done.handle(ar);
            });
        };
        boolean now;
        synchronized (this) {
            now = !busy;
            if (now) {
                busy = true;
            } else {
                waiting.add(start);
            }
        }
        if (now) {
            start.run();
        }
        return done.future();
    }

    private void next() {
        Runnable r;
        synchronized (this) {
            r = waiting.poll();
            if (r == null) {
                busy = false;
            }
        }
        if (r != null) {
            r.run();
        }
    }
}
