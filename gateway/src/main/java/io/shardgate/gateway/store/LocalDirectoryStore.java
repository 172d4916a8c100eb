package io.shardgate.gateway.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The embedded default store: a local directory.
 * <ul>
 *   <li>Chunks: one sparse file per chunk, {@code DIR/chunks/<volume>/<chunk index as 16 hex digits>}, created on
 *       first write. A write returns after {@code FileChannel.force(false)} (fdatasync): durable on return.
 *       A new chunk file is made durable in its folder by an fsync of the folder.</li>
 *   <li>Metadata: {@code DIR/meta/<key>} (keys may contain '/'), replaced atomically by writing a temporary
 *       file, fsyncing it, renaming it over the old one and fsyncing the folder.</li>
 * </ul>
 * Thread-safe: open chunk files are cached (one channel per chunk, positional I/O).
 */
public final class LocalDirectoryStore implements DurableStore {
    private final Path chunksDir;
    private final Path metaDir;
    private final int chunkSize;
    private final ConcurrentHashMap<Path, FileChannel> open = new ConcurrentHashMap<>();

    public LocalDirectoryStore(Path dir, int chunkSize) throws IOException {
        if (chunkSize <= 0 || Integer.bitCount(chunkSize) != 1) {
            throw new IllegalArgumentException("chunk size must be a power of two, was " + chunkSize);
        }
        this.chunkSize = chunkSize;
        this.chunksDir = Files.createDirectories(dir.resolve("chunks"));
        this.metaDir = Files.createDirectories(dir.resolve("meta"));
    }

    @Override
    public int chunkSize() {
        return chunkSize;
    }

    private Path chunkPath(String volume, long chunk) {
        return chunksDir.resolve(volume).resolve(String.format("%016x", chunk));
    }

    private FileChannel channel(Path p, boolean create) throws IOException {
        FileChannel ch = open.get(p);
        if (ch != null || !create && !Files.exists(p)) {
            return ch;
        }
        try {
            return open.computeIfAbsent(p, path -> {
                try {
                    boolean existed = Files.exists(path);
                    Files.createDirectories(path.getParent());
                    FileChannel c = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                            StandardOpenOption.WRITE);
                    if (!existed) {
                        fsyncDir(path.getParent());
                    }
                    return c;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    @Override
    public void read(String volume, long chunk, int offset, ByteBuffer dst) throws IOException {
        ChunkRanges.check(chunkSize, volume, chunk, offset, dst.remaining());
        ByteBuffer d = dst.duplicate();
        FileChannel ch = channel(chunkPath(volume, chunk), false);
        long pos = offset;
        if (ch != null) {
            while (d.hasRemaining()) {
                int n = ch.read(d, pos);
                if (n < 0) {
                    break; // past the end of a sparse chunk file: zeroes
                }
                pos += n;
            }
        }
        while (d.hasRemaining()) {
            d.put((byte) 0);
        }
    }

    @Override
    public boolean exists(String volume, long chunk) {
        ChunkRanges.check(chunkSize, volume, chunk, 0, 0);
        return Files.exists(chunkPath(volume, chunk));
    }

    @Override
    public void write(String volume, long chunk, int offset, ByteBuffer src) throws IOException {
        ChunkRanges.check(chunkSize, volume, chunk, offset, src.remaining());
        FileChannel ch = channel(chunkPath(volume, chunk), true);
        ByteBuffer s = src.duplicate();
        long pos = offset;
        while (s.hasRemaining()) {
            pos += ch.write(s, pos);
        }
        ch.force(false);
    }

    @Override
    public void discard(String volume, long chunk, int offset, int length) throws IOException {
        ChunkRanges.check(chunkSize, volume, chunk, offset, length);
        Path p = chunkPath(volume, chunk);
        if (offset == 0 && length == chunkSize) {
            FileChannel ch = open.remove(p);
            if (ch != null) {
                ch.close();
            }
            Files.deleteIfExists(p);
            fsyncDir(p.getParent());
            return;
        }
        FileChannel ch = channel(p, false);
        if (ch == null) {
            return;
        }
        if ((long) offset + length >= ch.size()) {
            ch.truncate(Math.min(ch.size(), offset));
        } else {
            ByteBuffer zeroes = ByteBuffer.allocate(Math.min(length, 1 << 20));
            long pos = offset;
            long end = (long) offset + length;
            while (pos < end) {
                zeroes.clear().limit((int) Math.min(zeroes.capacity(), end - pos));
                pos += ch.write(zeroes, pos);
            }
        }
        ch.force(false);
    }

    @Override
    public void deleteVolume(String volume) throws IOException {
        ChunkRanges.check(chunkSize, volume, 0, 0, 0);
        Path dir = chunksDir.resolve(volume);
        open.keySet().removeIf(p -> {
            if (p.getParent().equals(dir)) {
                try {
                    open.get(p).close();
                } catch (IOException | NullPointerException ignored) {
                    // closing a chunk of a volume being deleted
                }
                return true;
            }
            return false;
        });
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
        fsyncDir(chunksDir);
    }

    private Path metaPath(String key) {
        ChunkRanges.checkKey(key);
        return metaDir.resolve(key);
    }

    @Override
    public void putMeta(String key, byte[] value) throws IOException {
        Path p = metaPath(key);
        Files.createDirectories(p.getParent());
        Path tmp = p.resolveSibling(p.getFileName() + ".tmp-" + Thread.currentThread().getId());
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(value);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the data directory's file system cannot rename atomically: " + metaDir, e);
        }
        fsyncDir(p.getParent());
    }

    @Override
    public Optional<byte[]> getMeta(String key) throws IOException {
        try {
            return Optional.of(Files.readAllBytes(metaPath(key)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public List<String> listMeta(String prefix) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(metaDir)) {
            files.filter(Files::isRegularFile).map(p -> metaDir.relativize(p).toString())
                    .filter(k -> k.startsWith(prefix) && !k.contains(".tmp-")).sorted().forEach(out::add);
        }
        return out;
    }

    @Override
    public void deleteMeta(String key) throws IOException {
        Path p = metaPath(key);
        if (Files.deleteIfExists(p)) {
            fsyncDir(p.getParent());
        }
        try {
            Files.deleteIfExists(p.getParent().equals(metaDir) ? p : p.getParent());
        } catch (DirectoryNotEmptyException ignored) {
            // other keys under the same folder remain
        }
    }

    private static void fsyncDir(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    @Override
    public void close() throws IOException {
        for (FileChannel ch : open.values()) {
            ch.close();
        }
        open.clear();
    }

    /** The capacity of the file system holding the chunks. */
    @Override
    public Optional<StoreCapacity> capacity() throws IOException {
        java.nio.file.FileStore fs = Files.getFileStore(chunksDir);
        long total = fs.getTotalSpace();
        long available = fs.getUsableSpace();
        return Optional.of(new StoreCapacity(total, Math.max(0, total - fs.getUnallocatedSpace()), available));
    }
}
