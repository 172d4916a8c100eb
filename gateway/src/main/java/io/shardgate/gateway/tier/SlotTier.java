package io.shardgate.gateway.tier;

import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * A tier of 4 KiB blocks in fixed slots, bounded by bytes: the index and eviction shared by the RAM and NVMe tiers,
 * which differ only in where slot bytes live ({@link SlotStorage}). The space is cut into segments (by key hash),
 * each with its own lock, its own slots, an open-addressing index (linear probing, backward-shift deletion) and a
 * CLOCK hand for eviction. Index work allocates nothing.
 */
public class SlotTier implements CacheTier {

    /** Where one segment's slot bytes live. Called under the segment's lock; exactly one block per call. */
    interface SlotStorage extends AutoCloseable {
        /** Copies slot {@code slot} into {@code dst} at its position, advancing it by a block. */
        void read(int slot, ByteBuffer dst);

        /** Copies a block from {@code src} (from its position, which stays unchanged) into slot {@code slot}. */
        void write(int slot, ByteBuffer src);

        @Override
        void close();
    }

    /** Makes the storage of segment {@code index} with {@code slots} slots. */
    @FunctionalInterface
    interface StorageFactory {
        SlotStorage create(int index, int slots);
    }
    private static final int BLOCK = 4096;
    private static final int EMPTY = 0;

    private final Segment[] segments;
    private final long capacityBytes;

    /**
     * @param capacityBytes bytes of block memory (rounded down to whole blocks per segment; at least one per segment)
     * @param segmentCount  independent locks (a power of two)
     */
    SlotTier(long capacityBytes, int segmentCount, StorageFactory storage) {
        if (Integer.bitCount(segmentCount) != 1) {
            throw new IllegalArgumentException("segment count must be a power of two, was " + segmentCount);
        }
        int perSegment = slotsPerSegment(capacityBytes, segmentCount);
        segments = new Segment[segmentCount];
        for (int i = 0; i < segmentCount; i++) {
            segments[i] = new Segment(perSegment, storage.create(i, perSegment));
        }
        this.capacityBytes = (long) perSegment * segmentCount * BLOCK;
    }

    private static long mix(long volumeKey, long block) {
        long h = (volumeKey * 0x9E3779B97F4A7C15L) ^ (block * 0xC2B2AE3D27D4EB4FL);
        return h ^ (h >>> 31);
    }

    private Segment segment(long hash) {
        return segments[(int) (hash >>> 58) & (segments.length - 1)];
    }

    @Override
    public int blockSize() {
        return BLOCK;
    }

    @Override
    public boolean read(long volumeKey, long block, ByteBuffer dst) {
        long h = mix(volumeKey, block);
        return segment(h).read(volumeKey, block, (int) h, dst);
    }

    @Override
    public boolean contains(long volumeKey, long block) {
        long h = mix(volumeKey, block);
        return segment(h).contains(volumeKey, block, (int) h);
    }

    @Override
    public void write(long volumeKey, long block, ByteBuffer src) {
        long h = mix(volumeKey, block);
        segment(h).put(volumeKey, block, (int) h, src, null);
    }

    @Override
    public boolean fillIf(long volumeKey, long block, ByteBuffer src, BooleanSupplier stillCurrent) {
        long h = mix(volumeKey, block);
        return segment(h).put(volumeKey, block, (int) h, src, stillCurrent);
    }

    @Override
    public void invalidate(long volumeKey, long block) {
        long h = mix(volumeKey, block);
        segment(h).remove(volumeKey, block, (int) h);
    }

    @Override
    public void invalidateVolume(long volumeKey) {
        for (Segment s : segments) {
            s.removeVolume(volumeKey);
        }
    }

    @Override
    public long capacityBytes() {
        return capacityBytes;
    }

    @Override
    public long usedBytes() {
        long n = 0;
        for (Segment s : segments) {
            n += s.used();
        }
        return n * BLOCK;
    }

    /** Segments per tier and blocks per segment, for storages laid out by segment. */
    static int slotsPerSegment(long capacityBytes, int segmentCount) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE / BLOCK, capacityBytes / BLOCK / segmentCount));
    }

    @Override
    public void close() {
        for (Segment s : segments) {
            s.storage.close();
        }
    }

    /** One lock's worth of the tier. */
    private static final class Segment {
        private final ReentrantLock lock = new ReentrantLock();
        private final SlotStorage storage;
        private final long[] volumeOf;
        private final long[] blockOf;
        private final boolean[] referenced;
        private final boolean[] live;
        private final int[] index; // slot + 1, EMPTY = 0
        private final int mask;
        private final int capacity;
        private int used;
        private int hand;

        Segment(int slots, SlotStorage storage) {
            capacity = slots;
            this.storage = storage;
            volumeOf = new long[slots];
            blockOf = new long[slots];
            referenced = new boolean[slots];
            live = new boolean[slots];
            int cap = Integer.highestOneBit(Math.max(2, slots * 2) - 1) << 1;
            index = new int[cap];
            mask = cap - 1;
        }

        private int home(int hash) {
            return (hash ^ (hash >>> 16)) & mask;
        }

        private int find(long volume, long block, int hash) {
            for (int i = home(hash); ; i = (i + 1) & mask) {
                int v = index[i];
                if (v == EMPTY) {
                    return -1;
                }
                int s = v - 1;
                if (blockOf[s] == block && volumeOf[s] == volume) {
                    return i;
                }
            }
        }

        boolean contains(long volume, long block, int hash) {
            lock.lock();
            try {
                return find(volume, block, hash) >= 0;
            } finally {
                lock.unlock();
            }
        }

        boolean read(long volume, long block, int hash, ByteBuffer dst) {
            lock.lock();
            try {
                int i = find(volume, block, hash);
                if (i < 0) {
                    return false;
                }
                int s = index[i] - 1;
                referenced[s] = true;
                storage.read(s, dst);
                return true;
            } finally {
                lock.unlock();
            }
        }

        boolean put(long volume, long block, int hash, ByteBuffer src, BooleanSupplier stillCurrent) {
            lock.lock();
            try {
                if (stillCurrent != null && !stillCurrent.getAsBoolean()) {
                    return false;
                }
                int i = find(volume, block, hash);
                int s;
                if (i >= 0) {
                    s = index[i] - 1;
                } else {
                    s = used < capacity ? freeSlot() : evict();
                    volumeOf[s] = volume;
                    blockOf[s] = block;
                    live[s] = true;
                    int j = home(hash);
                    while (index[j] != EMPTY) {
                        j = (j + 1) & mask;
                    }
                    index[j] = s + 1;
                    used++;
                }
                referenced[s] = true;
                storage.write(s, src);
                return true;
            } finally {
                lock.unlock();
            }
        }

        private int freeSlot() {
            while (live[hand]) {
                hand = (hand + 1) % capacity;
            }
            return hand;
        }

        /** CLOCK: clear reference bits until an unreferenced block comes round, and drop it. */
        private int evict() {
            while (true) {
                int s = hand;
                hand = (hand + 1) % capacity;
                if (!live[s]) {
                    return s;
                }
                if (referenced[s]) {
                    referenced[s] = false;
                } else {
                    removeAt(find(volumeOf[s], blockOf[s], hashOf(s)));
                    return s;
                }
            }
        }

        private int hashOf(int s) {
            return (int) mix(volumeOf[s], blockOf[s]);
        }

        void remove(long volume, long block, int hash) {
            lock.lock();
            try {
                int i = find(volume, block, hash);
                if (i >= 0) {
                    removeAt(i);
                }
            } finally {
                lock.unlock();
            }
        }

        void removeVolume(long volume) {
            lock.lock();
            try {
                for (int s = 0; s < capacity; s++) {
                    if (live[s] && volumeOf[s] == volume) {
                        removeAt(find(volume, blockOf[s], hashOf(s)));
                    }
                }
            } finally {
                lock.unlock();
            }
        }

        private void removeAt(int i) {
            int s = index[i] - 1;
            live[s] = false;
            referenced[s] = false;
            used--;
            int hole = i;
            for (int j = (hole + 1) & mask; index[j] != EMPTY; j = (j + 1) & mask) {
                int h = home(hashOf(index[j] - 1));
                boolean movable = hole <= j ? (h <= hole || h > j) : (h <= hole && h > j);
                if (movable) {
                    index[hole] = index[j];
                    hole = j;
                }
            }
            index[hole] = EMPTY;
        }

        int used() {
            lock.lock();
            try {
                return used;
            } finally {
                lock.unlock();
            }
        }
    }
}
