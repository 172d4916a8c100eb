package io.shardgate.gateway.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * Where data lives durably: fixed-size chunks per volume ({@code <volume>.<chunk index>} objects in RADOS,
 * files in the local directory store), plus small metadata objects (volume records, shard maps).
 *
 * <p>Contract, for every implementation (memory, local directory, RADOS), checked by one contract suite:
 * <ul>
 *   <li>All methods block and are thread-safe. Callers run them on a named, bounded worker pool, never on an
 *       event loop (architecture rule 6).</li>
 *   <li>{@link #write} returns only when the bytes are durable: a crash after it returns loses nothing.</li>
 *   <li>Bytes never written (or discarded) read as zeroes; reading a chunk that does not exist is not an error.</li>
 *   <li>A chunk range is {@code [offset, offset + length)} with {@code 0 <= offset} and
 *       {@code offset + length <= chunkSize()}; anything else throws {@link IllegalArgumentException} and changes
 *       nothing.</li>
 *   <li>The store does not keep the caller's buffers: {@code src} is read during the call, {@code dst} is filled
 *       from its position to its limit during the call. Buffer positions are left unchanged.</li>
 *   <li>{@link #putMeta} replaces a metadata value atomically: readers see the old or the new value, whole.</li>
 * </ul>
 */
public interface DurableStore extends AutoCloseable {

    /** Chunk size in bytes: a power of two (4 MiB by default, as RBD). */
    int chunkSize();

    /** Fills {@code dst} (position to limit) with the chunk's bytes starting at {@code offset}. */
    void read(String volume, long chunk, int offset, ByteBuffer dst) throws IOException;

    /**
     * Whether the chunk exists: it was written (or partly discarded) since the volume was created and not removed
     * whole. Layered volumes read through to a parent layer where the top layer has no chunk.
     */
    boolean exists(String volume, long chunk) throws IOException;

    /** Writes {@code src} (position to limit) into the chunk at {@code offset}; durable on return. */
    void write(String volume, long chunk, int offset, ByteBuffer src) throws IOException;

    /** Makes {@code [offset, offset + length)} of the chunk read as zeroes, freeing space where it can. */
    void discard(String volume, long chunk, int offset, int length) throws IOException;

    /** Removes every chunk of the volume. Idempotent. */
    void deleteVolume(String volume) throws IOException;

    void putMeta(String key, byte[] value) throws IOException;

    Optional<byte[]> getMeta(String key) throws IOException;

    /** Keys starting with {@code prefix}, sorted. */
    List<String> listMeta(String prefix) throws IOException;

    /** Idempotent. */
    void deleteMeta(String key) throws IOException;

    /**
     * The store's byte capacity, or empty when it has no meaningful bound (memory). Blocking (a RADOS call or a file
     * system query): call it on a worker thread.
     */
    default Optional<StoreCapacity> capacity() throws IOException {
        return Optional.empty();
    }

    @Override
    void close() throws IOException;
}
