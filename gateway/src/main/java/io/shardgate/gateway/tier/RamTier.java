package io.shardgate.gateway.tier;

import java.nio.ByteBuffer;

/**
 * The RAM tier: blocks in off-heap memory (one direct slab per segment). Hits copy a block and allocate nothing, so
 * reads are served on an event loop.
 */
public final class RamTier extends SlotTier {

    /**
     * @param capacityBytes bytes of block memory (whole blocks per segment, at least one)
     * @param segmentCount  independent locks, a power of two
     */
    public RamTier(long capacityBytes, int segmentCount) {
        super(capacityBytes, segmentCount, (index, slots) -> new Slab(slots));
    }

    /** Slots in one direct buffer. */
    private static final class Slab implements SlotStorage {
        private final ByteBuffer slab;

        Slab(int slots) {
            slab = ByteBuffer.allocateDirect(slots * 4096);
        }

        @Override
        public void read(int slot, ByteBuffer dst) {
            int p = dst.position();
            dst.put(p, slab, slot * 4096, 4096);
            dst.position(p + 4096);
        }

        @Override
        public void write(int slot, ByteBuffer src) {
            slab.put(slot * 4096, src, src.position(), 4096);
        }

        @Override
        public void close() {
            // released with the tier by the garbage collector
        }
    }
}
