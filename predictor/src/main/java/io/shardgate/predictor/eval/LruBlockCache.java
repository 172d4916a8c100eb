package io.shardgate.predictor.eval;

import java.util.Arrays;

/**
 * An LRU cache of block numbers with a fixed capacity, O(1) per operation and no allocation after construction:
 * an open-addressing index (linear probing, backward-shift deletion) into slots linked in recency order.
 * Each slot remembers whether it was filled by a prefetch and not yet used by a demand access.
 * Not thread-safe.
 */
public final class LruBlockCache {
    private static final int NONE = -1;

    private final int capacity;
    private final long[] blockOf;
    private final int[] prev;
    private final int[] next;
    private final boolean[] prefetchedUnused;
    private final int[] index; // slot + 1, 0 = empty
    private final int mask;
    private int head = NONE; // most recent
    private int tail = NONE; // least recent
    private int size;
    private long evictedUnusedPrefetches;
    private long lastEvicted = Long.MIN_VALUE;

    public LruBlockCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1 block");
        }
        this.capacity = capacity;
        blockOf = new long[capacity];
        prev = new int[capacity];
        next = new int[capacity];
        prefetchedUnused = new boolean[capacity];
        int cap = Integer.highestOneBit(capacity * 2 - 1) << 1;
        index = new int[Math.max(cap, 4)];
        mask = index.length - 1;
    }

    public int capacity() {
        return capacity;
    }

    public int size() {
        return size;
    }

    /** Outcome of a demand access. */
    public enum Outcome { MISS, HIT, HIT_ON_PREFETCH }

    /** A demand access: a hit moves the block to the front; a miss inserts it (evicting the least recent). */
    public Outcome access(long block) {
        int s = find(block);
        if (s != NONE) {
            moveToFront(s);
            if (prefetchedUnused[s]) {
                prefetchedUnused[s] = false;
                return Outcome.HIT_ON_PREFETCH;
            }
            return Outcome.HIT;
        }
        insert(block, false);
        return Outcome.MISS;
    }

    /** Inserts a prefetched block at the front; returns false (and does nothing) when it is already cached. */
    public boolean prefetch(long block) {
        if (find(block) != NONE) {
            return false;
        }
        insert(block, true);
        return true;
    }

    public boolean contains(long block) {
        return find(block) != NONE;
    }

    /** Removes a block (a second tier promoting it elsewhere); returns whether it was there. */
    public boolean remove(long block) {
        int s = find(block);
        if (s == NONE) {
            return false;
        }
        unlink(s);
        removeFromIndex(block);
        // move the last used slot into the hole to keep slots dense
        int last = size - 1;
        if (s != last) {
            relocate(last, s);
        }
        size--;
        return true;
    }

    /** Prefetched blocks evicted before any demand access used them. */
    public long evictedUnusedPrefetches() {
        return evictedUnusedPrefetches;
    }

    /** The block evicted by the last insertion, or {@code Long.MIN_VALUE}; for a victim tier. */
    public long lastEvicted() {
        return lastEvicted;
    }

    private void insert(long block, boolean prefetched) {
        lastEvicted = Long.MIN_VALUE;
        int s;
        if (size == capacity) {
            s = tail;
            if (prefetchedUnused[s]) {
                evictedUnusedPrefetches++;
            }
            lastEvicted = blockOf[s];
            unlink(s);
            removeFromIndex(blockOf[s]);
        } else {
            s = size++;
        }
        blockOf[s] = block;
        prefetchedUnused[s] = prefetched;
        addToIndex(block, s);
        linkFront(s);
    }

    private void relocate(int from, int to) {
        blockOf[to] = blockOf[from];
        prefetchedUnused[to] = prefetchedUnused[from];
        prev[to] = prev[from];
        next[to] = next[from];
        if (prev[to] != NONE) {
            next[prev[to]] = to;
        } else {
            head = to;
        }
        if (next[to] != NONE) {
            prev[next[to]] = to;
        } else {
            tail = to;
        }
        for (int i = slot(blockOf[to]); ; i = (i + 1) & mask) {
            if (index[i] == from + 1) {
                index[i] = to + 1;
                return;
            }
        }
    }

    private int slot(long block) {
        long h = block * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    private int find(long block) {
        for (int i = slot(block); ; i = (i + 1) & mask) {
            int v = index[i];
            if (v == 0) {
                return NONE;
            }
            if (blockOf[v - 1] == block) {
                return v - 1;
            }
        }
    }

    private void addToIndex(long block, int s) {
        int i = slot(block);
        while (index[i] != 0) {
            i = (i + 1) & mask;
        }
        index[i] = s + 1;
    }

    private void removeFromIndex(long block) {
        int i = slot(block);
        while (blockOf[index[i] - 1] != block) {
            i = (i + 1) & mask;
        }
        // backward-shift deletion keeps every probe chain unbroken
        int hole = i;
        for (int j = (hole + 1) & mask; index[j] != 0; j = (j + 1) & mask) {
            int home = slot(blockOf[index[j] - 1]);
            boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                index[hole] = index[j];
                hole = j;
            }
        }
        index[hole] = 0;
    }

    private void linkFront(int s) {
        prev[s] = NONE;
        next[s] = head;
        if (head != NONE) {
            prev[head] = s;
        }
        head = s;
        if (tail == NONE) {
            tail = s;
        }
    }

    private void unlink(int s) {
        if (prev[s] != NONE) {
            next[prev[s]] = next[s];
        } else {
            head = next[s];
        }
        if (next[s] != NONE) {
            prev[next[s]] = prev[s];
        } else {
            tail = prev[s];
        }
    }

    private void moveToFront(int s) {
        if (head != s) {
            unlink(s);
            linkFront(s);
        }
    }

    /** Blocks from most to least recent (for tests). */
    long[] blocksByRecency() {
        long[] out = new long[size];
        int n = 0;
        for (int s = head; s != NONE; s = next[s]) {
            out[n++] = blockOf[s];
        }
        return Arrays.copyOf(out, n);
    }
}
