package io.shardgate.gateway.engine;

/**
 * Hears every request a {@link LocalVolume} completes as owner (for access recording and prefetching). Called on the
 * I/O path, from event loops and worker threads: it must be cheap, must not block, and must not throw (hand the
 * access off to a queue and return).
 */
@FunctionalInterface
public interface AccessListener {
    AccessListener NONE = (volume, offset, length, write, ramHit, completedAt) -> { };

    /**
     * @param volume the owner-side volume
     * @param offset byte offset of the request
     * @param length its length in bytes
     * @param write  a write (or trim); else a read
     * @param ramHit a read served whole from the RAM tier
     * @param completedAt when it completed, {@link System#nanoTime()} (passed on so the listener need not read the
     *                    clock again)
     */
    void accessed(LocalVolume volume, long offset, long length, boolean write, boolean ramHit, long completedAt);
}
