package io.shardgate.gateway.store;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A complete in-memory {@link DurableStore} ("durable" until the process ends): for tests and scratch clusters.
 * Thread-safe; chunks are allocated on first write.
 */
public final class MemoryStore implements DurableStore {
    private final int chunkSize;
    private final Map<String, Map<Long, byte[]>> chunks = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<String, byte[]> meta = new ConcurrentSkipListMap<>();

    public MemoryStore(int chunkSize) {
        if (chunkSize <= 0 || Integer.bitCount(chunkSize) != 1) {
            throw new IllegalArgumentException("chunk size must be a power of two, was " + chunkSize);
        }
        this.chunkSize = chunkSize;
    }

    @Override
    public int chunkSize() {
        return chunkSize;
    }

    @Override
    public void read(String volume, long chunk, int offset, ByteBuffer dst) {
        ChunkRanges.check(chunkSize, volume, chunk, offset, dst.remaining());
        byte[] c = chunks.getOrDefault(volume, Map.of()).get(chunk);
        ByteBuffer d = dst.duplicate();
        if (c == null) {
            while (d.hasRemaining()) {
                d.put((byte) 0);
            }
            return;
        }
        synchronized (c) {
            d.put(c, offset, d.remaining());
        }
    }

    @Override
    public boolean exists(String volume, long chunk) {
        ChunkRanges.check(chunkSize, volume, chunk, 0, 0);
        return chunks.getOrDefault(volume, Map.of()).containsKey(chunk);
    }

    @Override
    public void write(String volume, long chunk, int offset, ByteBuffer src) {
        ChunkRanges.check(chunkSize, volume, chunk, offset, src.remaining());
        byte[] c = chunks.computeIfAbsent(volume, v -> new ConcurrentHashMap<>())
                .computeIfAbsent(chunk, k -> new byte[chunkSize]);
        synchronized (c) {
            src.duplicate().get(c, offset, src.remaining());
        }
    }

    @Override
    public void discard(String volume, long chunk, int offset, int length) {
        ChunkRanges.check(chunkSize, volume, chunk, offset, length);
        Map<Long, byte[]> v = chunks.get(volume);
        byte[] c = v == null ? null : v.get(chunk);
        if (c == null) {
            return;
        }
        if (offset == 0 && length == chunkSize) {
            v.remove(chunk);
            return;
        }
        synchronized (c) {
            java.util.Arrays.fill(c, offset, offset + length, (byte) 0);
        }
    }

    @Override
    public void deleteVolume(String volume) {
        chunks.remove(volume);
    }

    @Override
    public void putMeta(String key, byte[] value) {
        ChunkRanges.checkKey(key);
        meta.put(key, value.clone());
    }

    @Override
    public Optional<byte[]> getMeta(String key) {
        ChunkRanges.checkKey(key);
        return Optional.ofNullable(meta.get(key)).map(byte[]::clone);
    }

    @Override
    public List<String> listMeta(String prefix) {
        List<String> out = new ArrayList<>();
        for (String k : meta.tailMap(prefix, true).keySet()) {
            if (!k.startsWith(prefix)) {
                break;
            }
            out.add(k);
        }
        return out;
    }

    @Override
    public void deleteMeta(String key) {
        ChunkRanges.checkKey(key);
        meta.remove(key);
    }

    @Override
    public void close() {
    }
}
