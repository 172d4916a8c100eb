package io.shardgate.predictor.trace;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Records accesses in the gateway's compact trace format, rotating files by size.
 *
 * <p>Layout (little-endian): a 24-byte header ({@code "SGTRACE1"}, int32 version 1, int32 reserved, int64 start
 * time in epoch nanoseconds), then 32-byte records: int64 nanoseconds since the start, int64 offset, int32
 * length, int32 volume, int8 op (0 read, 1 write), 7 bytes padding. Files are named {@code <prefix>-<n>.sgtrace}.
 *
 * <p>Not thread-safe: one writer per recording thread. {@link #record} copies into a 64 KiB buffer and allocates
 * nothing; the buffer is written (without fsync: a trace is advisory) when full, on {@link #flush} and on close.
 */
public final class GatewayTraceWriter implements AutoCloseable {
    static final byte[] MAGIC = {'S', 'G', 'T', 'R', 'A', 'C', 'E', '1'};
    static final int VERSION = 1;
    static final int HEADER_BYTES = 24;
    static final int RECORD_BYTES = 32;

    private final Path dir;
    private final String prefix;
    private final long maxFileBytes;
    private final int maxFiles;
    private final long startEpochNanos;
    private final long startNanoTime;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(64 << 10).order(ByteOrder.LITTLE_ENDIAN);
    private FileChannel file;
    private long fileBytes;
    private int fileIndex;

    /**
     * @param dir          folder of the trace files (created if missing)
     * @param prefix       file name prefix, e.g. the volume name
     * @param maxFileBytes rotate when a file reaches this size
     * @param maxFiles     keep at most this many files, deleting the oldest
     */
    public GatewayTraceWriter(Path dir, String prefix, long maxFileBytes, int maxFiles) throws IOException {
        if (maxFileBytes < HEADER_BYTES + RECORD_BYTES || maxFiles < 1) {
            throw new IllegalArgumentException("maxFileBytes must hold a record and maxFiles must be >= 1");
        }
        this.dir = Files.createDirectories(dir);
        this.prefix = prefix;
        this.maxFileBytes = maxFileBytes;
        this.maxFiles = maxFiles;
        this.startEpochNanos = System.currentTimeMillis() * 1_000_000L;
        this.startNanoTime = System.nanoTime();
        this.fileIndex = existingIndices().stream().mapToInt(Integer::intValue).max().orElse(0);
        openNext();
    }

    /** Records one access at the current time. */
    public void record(int volume, long offset, int length, boolean write) throws IOException {
        recordAt(System.nanoTime() - startNanoTime, volume, offset, length, write);
    }

    /** Records one access with an explicit time (nanoseconds since this writer started). */
    public void recordAt(long nanosSinceStart, int volume, long offset, int length, boolean write) throws IOException {
        if (fileBytes + buf.position() + RECORD_BYTES > maxFileBytes) {
            flush();
            file.close();
            openNext();
        }
        if (buf.remaining() < RECORD_BYTES) {
            flush();
        }
        buf.putLong(nanosSinceStart).putLong(offset).putInt(length).putInt(volume).put((byte) (write ? 1 : 0))
                .put((byte) 0).putShort((short) 0).putInt(0);
    }

    public void flush() throws IOException {
        buf.flip();
        while (buf.hasRemaining()) {
            fileBytes += file.write(buf);
        }
        buf.clear();
    }

    /** The trace files, oldest first. */
    public List<Path> files() throws IOException {
        List<Path> out = new ArrayList<>();
        for (int i : existingIndices()) {
            out.add(fileOf(i));
        }
        return out;
    }

    private void openNext() throws IOException {
        fileIndex++;
        file = FileChannel.open(fileOf(fileIndex), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        h.put(MAGIC).putInt(VERSION).putInt(0).putLong(startEpochNanos).flip();
        fileBytes = 0;
        while (h.hasRemaining()) {
            fileBytes += file.write(h);
        }
        List<Integer> all = existingIndices();
        for (int i = 0; i < all.size() - maxFiles; i++) {
            Files.deleteIfExists(fileOf(all.get(i)));
        }
    }

    private Path fileOf(int index) {
        return dir.resolve(String.format("%s-%06d.sgtrace", prefix, index));
    }

    private List<Integer> existingIndices() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(prefix + "-") && n.endsWith(".sgtrace"))
                    .map(n -> n.substring(prefix.length() + 1, n.length() - ".sgtrace".length()))
                    .filter(n -> n.chars().allMatch(Character::isDigit) && !n.isEmpty())
                    .map(Integer::parseInt).sorted().toList();
        }
    }

    @Override
    public void close() throws IOException {
        flush();
        file.close();
    }
}
