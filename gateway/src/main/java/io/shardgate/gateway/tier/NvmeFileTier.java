package io.shardgate.gateway.tier;

import com.sun.nio.file.ExtendedOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The NVMe tier: blocks in one preallocated file (on an NVMe device in production), segment {@code i} owning the
 * byte range of its slots. Opened with O_DIRECT where the file system allows it, so the page cache does not hold a
 * second copy; otherwise buffered, said once in the log. Reads and writes are file I/O: call it from a worker
 * pool, never an event loop. Its content is a cache: it is not trusted across restarts (the index lives in memory).
 */
public final class NvmeFileTier extends SlotTier {
    private static final Logger LOG = LoggerFactory.getLogger(NvmeFileTier.class);
    private static final int BLOCK = 4096;

    private NvmeFileTier(long capacityBytes, int segmentCount, FileChannel file, boolean direct) {
        super(capacityBytes, segmentCount, (index, slots) -> new Region(file, (long) index * slots * BLOCK, direct));
    }

    /**
     * Creates (or truncates and preallocates) the tier file.
     *
     * @param file          the tier file
     * @param capacityBytes its size
     * @param segmentCount  independent locks, a power of two
     */
    public static NvmeFileTier create(Path file, long capacityBytes, int segmentCount) throws IOException {
        long size = (long) slotsPerSegment(capacityBytes, segmentCount) * segmentCount * BLOCK;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(0);
            raf.setLength(size);
        }
        FileChannel channel;
        boolean direct;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    ExtendedOpenOption.DIRECT);
            direct = true;
        } catch (IOException | UnsupportedOperationException e) {
            LOG.info("NVMe tier {}: the file system refuses O_DIRECT ({}); using buffered I/O", file, e.getMessage());
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            direct = false;
        }
        return new NvmeFileTier(capacityBytes, segmentCount, channel, direct);
    }

    /** One segment's slots in the file; an aligned bounce buffer for O_DIRECT. */
    private static final class Region implements SlotStorage {
        private final FileChannel file;
        private final long base;
        private final ByteBuffer bounce;

        Region(FileChannel file, long base, boolean direct) {
            this.file = file;
            this.base = base;
            // exactly one block (clear() must not reach past it), aligned for O_DIRECT
            this.bounce = direct ? ByteBuffer.allocateDirect(2 * BLOCK).alignedSlice(BLOCK).slice(0, BLOCK)
                    : ByteBuffer.allocateDirect(BLOCK);
        }

        @Override
        public void read(int slot, ByteBuffer dst) {
            bounce.clear();
            try {
                while (bounce.hasRemaining()) {
                    if (file.read(bounce, base + (long) slot * BLOCK + bounce.position()) < 0) {
                        throw new IOException("NVMe tier file shorter than its slots");
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("NVMe tier read failed", e);
            }
            dst.put(bounce.flip());
        }

        @Override
        public void write(int slot, ByteBuffer src) {
            bounce.clear();
            bounce.put(0, src, src.position(), BLOCK);
            try {
                while (bounce.hasRemaining()) {
                    file.write(bounce, base + (long) slot * BLOCK + bounce.position());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("NVMe tier write failed", e);
            }
        }

        @Override
        public void close() {
            try {
                file.close(); // shared by the segments: closing twice is harmless
            } catch (IOException ignored) {
                // a cache file: nothing to save
            }
        }
    }
}
