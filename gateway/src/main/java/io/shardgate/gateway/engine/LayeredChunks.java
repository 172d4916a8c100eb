package io.shardgate.gateway.engine;

import io.shardgate.gateway.store.DurableStore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Chunk I/O of one volume through its {@link Layers}, on the owner (blocking: call from the worker pool). With one
 * layer it is a plain pass-through to the store. With parents:
 * <ul>
 *   <li>a read takes each chunk from the newest layer that has it (zeroes when none has); where a chunk lives is
 *       probed once ({@link DurableStore#exists}) and remembered, which is safe because only the top layer changes
 *       and only through this object;</li>
 *   <li>the first write to a chunk the top layer lacks copies the whole chunk up from where it lives, merged with the
 *       write, under a per-chunk lock so two first writes cannot both copy; later writes go straight to the top;</li>
 *   <li>discards write zeroes to the top: freeing the top's bytes would let the parent's older data show through.</li>
 * </ul>
 * One instance per chain: switching layers (snapshot, revert) makes a new one. Thread-safe.
 */
final class LayeredChunks {
    private static final int NOWHERE = -1;
    private static final int TOP = 0;
    private final DurableStore store;
    private final Layers layers;
    private final ConcurrentHashMap<Long, Integer> located = new ConcurrentHashMap<>();
    private final Object[] copyUpLocks = new Object[64];

    LayeredChunks(DurableStore store, Layers layers) {
        this.store = store;
        this.layers = layers;
        for (int i = 0; i < copyUpLocks.length; i++) {
            copyUpLocks[i] = new Object();
        }
    }

    Layers layers() {
        return layers;
    }

    /** The layer name plain (single-layer) I/O goes to, or null when the chain has parents. */
    String plainTop() {
        return layers.hasParents() ? null : layers.top();
    }

    /** Index in the chain of the newest layer holding the chunk, or {@link #NOWHERE}. */
    private int locate(long chunk) throws IOException {
        Integer known = located.get(chunk);
        if (known != null) {
            return known;
        }
        int found = NOWHERE;
        for (int i = 0; i < layers.chain().size() && found == NOWHERE; i++) {
            if (store.exists(layers.chain().get(i), chunk)) {
                found = i;
            }
        }
        Integer raced = located.putIfAbsent(chunk, found); // a copy-up that finished meanwhile wins
        return raced == null ? found : raced;
    }

    void read(long chunk, int offset, ByteBuffer dst) throws IOException {
        if (!layers.hasParents()) {
            store.read(layers.top(), chunk, offset, dst);
            return;
        }
        int at = locate(chunk);
        if (at == NOWHERE) {
            for (int i = dst.position(); i < dst.limit(); i++) {
                dst.put(i, (byte) 0);
            }
            return;
        }
        store.read(layers.chain().get(at), chunk, offset, dst);
    }

    void write(long chunk, int offset, ByteBuffer src) throws IOException {
        Integer known = located.get(chunk);
        if (!layers.hasParents() || (known != null && known == TOP)) {
            store.write(layers.top(), chunk, offset, src);
            return;
        }
        synchronized (copyUpLocks[(int) (chunk & (copyUpLocks.length - 1))]) {
            int at = locate(chunk);
            int chunkSize = store.chunkSize();
            if (at == TOP || (offset == 0 && src.remaining() == chunkSize)) {
                store.write(layers.top(), chunk, offset, src);
            } else {
                byte[] whole = new byte[chunkSize];
                if (at != NOWHERE) {
                    store.read(layers.chain().get(at), chunk, 0, ByteBuffer.wrap(whole));
                }
                src.get(src.position(), whole, offset, src.remaining());
                store.write(layers.top(), chunk, 0, ByteBuffer.wrap(whole));
            }
            located.put(chunk, TOP);
        }
    }

    void discard(long chunk, int offset, int length) throws IOException {
        if (!layers.hasParents()) {
            store.discard(layers.top(), chunk, offset, length);
            return;
        }
        write(chunk, offset, ByteBuffer.wrap(new byte[length]));
    }
}
