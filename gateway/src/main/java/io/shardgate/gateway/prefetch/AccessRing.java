package io.shardgate.gateway.prefetch;

import io.shardgate.gateway.engine.LocalVolume;

import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A bounded hand-off of accesses from the I/O path (many producers: event loops, worker threads) to one consumer,
 * with no lock and no allocation: a ring of preallocated slots, each published with its sequence number. When the
 * consumer falls a whole ring behind, the oldest accesses are lost and counted (prefetching is advisory; blocking
 * the I/O path for it would not be).
 */
final class AccessRing {
    private final int mask;
    private final AtomicLong cursor = new AtomicLong();
    private final AtomicLongArray published;
    private final LocalVolume[] volume;
    private final long[] offset;
    private final long[] length;
    private final long[] nanos;
    private final byte[] flags;
    private long next;
    private long lost;

    static final byte WRITE = 1;
    static final byte RAM_HIT = 2;

    /** @param capacity slots, a power of two */
    AccessRing(int capacity) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two, was " + capacity);
        }
        mask = capacity - 1;
        published = new AtomicLongArray(capacity);
        volume = new LocalVolume[capacity];
        offset = new long[capacity];
        length = new long[capacity];
        nanos = new long[capacity];
        flags = new byte[capacity];
        for (int i = 0; i < capacity; i++) {
            published.set(i, -1);
        }
    }

    /** Marks a slot whose fields a producer is writing (a seqlock: readers retry or drop it). */
    private static final long WRITING = -2;

    /** Producer side: any thread. */
    void offer(LocalVolume v, long off, long len, boolean write, boolean ramHit, long atNanos) {
        long seq = cursor.getAndIncrement(); // the one atomic read-modify-write of the hand-off
        int s = (int) (seq & mask);
        published.setOpaque(s, WRITING);
        VarHandle.storeStoreFence(); // the marker is visible before any field changes
        volume[s] = v;
        offset[s] = off;
        length[s] = len;
        nanos[s] = atNanos;
        flags[s] = (byte) ((write ? WRITE : 0) | (ramHit ? RAM_HIT : 0));
        // a release store publishes the fields above: ordered without a full fence (a plain store on x86)
        published.setRelease(s, seq);
    }

    /** What the consumer sees of one access; reused, valid until the next {@link #poll}. */
    static final class Access {
        LocalVolume volume;
        long offset;
        long length;
        long nanos;
        boolean write;
        boolean ramHit;
    }

    /** Consumer side, one thread: fills {@code into} with the next access, or returns false when there is none. */
    boolean poll(Access into) {
        while (true) {
            int s = (int) (next & mask);
            long seq = published.getAcquire(s);
            if (seq < next) {
                return false; // not published yet (or being written)
            }
            if (seq > next) { // the producers lapped us: skip what was overwritten
                long skipTo = Math.max(next + 1, cursor.get() - (mask + 1));
                lost += skipTo - next;
                next = skipTo;
                continue;
            }
            into.volume = volume[s];
            into.offset = offset[s];
            into.length = length[s];
            into.nanos = nanos[s];
            into.write = (flags[s] & WRITE) != 0;
            into.ramHit = (flags[s] & RAM_HIT) != 0;
            VarHandle.loadLoadFence(); // the field reads above happen before the check below
            if (published.getAcquire(s) != next) { // overwritten while we read it
                lost++;
                next++;
                continue;
            }
            next++;
            return true;
        }
    }

    /** Accesses the consumer lost because it fell behind (consumer thread only). */
    long lost() {
        return lost;
    }
}
