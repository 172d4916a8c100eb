package io.shardgate.gateway.tier;

import java.nio.ByteBuffer;

/**
 * A cache tier in front of the durable store (RAM, NVMe file), holding fixed-size blocks.
 *
 * <p>Contract, for every implementation, checked by one contract suite:
 * <ul>
 *   <li>Thread-safe. {@link #read} and {@link #write} of the RAM tier are cheap enough to call on an event
 *       loop; the NVMe tier does file I/O and is called from a worker pool.</li>
 *   <li>A block is identified by {@code (volumeKey, block)}: {@code volumeKey} is the volume's numeric key
 *       (no strings on the I/O path), {@code block} the byte offset divided by {@link #blockSize()}.</li>
 *   <li>{@link #read} copies the whole block into {@code dst} (which has at least {@code blockSize()} bytes
 *       remaining, position advanced by the copy) and returns true, or returns false and leaves {@code dst}
 *       unchanged. The tier never hands out its own memory.</li>
 *   <li>{@link #write} copies exactly {@code blockSize()} bytes from {@code src}; it may evict other blocks.
 *       A tier is a cache: it may drop any block at any time, but never returns bytes other than the last ones
 *       written for that block (or none).</li>
 *   <li>Whoever fills the tier decides freshness: a prefetch must not {@link #write} over a block written by a
 *       newer client write (the owner guards this, see architecture rule 4).</li>
 * </ul>
 */
public interface CacheTier extends AutoCloseable {

    /** Block size in bytes (4096). */
    int blockSize();

    boolean read(long volumeKey, long block, ByteBuffer dst);

    /** Whether the block is in the tier now (it may be evicted a moment later); reads no bytes. */
    boolean contains(long volumeKey, long block);

    /** Whether the {@code count} blocks from {@code firstBlock} are all in the tier now. */
    default boolean contains(long volumeKey, long firstBlock, long count) {
        for (long b = firstBlock; b < firstBlock + count; b++) {
            if (!contains(volumeKey, b)) {
                return false;
            }
        }
        return true;
    }

    void write(long volumeKey, long block, ByteBuffer src);

    void invalidate(long volumeKey, long block);

    /**
     * Fills a block read from the durable store, unless {@code stillCurrent} says a write overtook the read: the
     * check and the store happen atomically with respect to {@link #invalidate} of the same block, so a writer that
     * marks its write before invalidating can never be overwritten by an older fill (architecture rule 4).
     *
     * @return whether the block was stored
     */
    boolean fillIf(long volumeKey, long block, ByteBuffer src, java.util.function.BooleanSupplier stillCurrent);

    /** Drops every block of the volume. */
    void invalidateVolume(long volumeKey);

    long capacityBytes();

    long usedBytes();

    @Override
    void close();
}
