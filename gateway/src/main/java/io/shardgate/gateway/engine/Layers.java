package io.shardgate.gateway.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * The chunk layers a volume reads through, newest first: the first is the volume's writable top layer, the others
 * are frozen layers of its snapshots (or of the snapshot it was cloned from). A chunk is read from the newest layer
 * holding it; a write to a chunk the top layer lacks first copies the whole chunk up (copy-on-write at chunk
 * granularity). A layer is a name in the durable store's chunk namespace: a fresh volume's top layer is the volume's
 * own name (objects {@code <volume>.<chunk>}); later top layers are {@code <volume>@<n>}, which no volume name can
 * collide with ('@' is not allowed in volume names). Immutable.
 */
public record Layers(List<String> chain) {
    public Layers {
        if (chain == null || chain.isEmpty()) {
            throw new IllegalArgumentException("a volume has at least one layer");
        }
        chain = List.copyOf(chain);
    }

    /** A fresh volume: one layer, named after it. */
    public static Layers of(String volume) {
        return new Layers(List.of(volume));
    }

    /** The writable layer. */
    public String top() {
        return chain.get(0);
    }

    public boolean hasParents() {
        return chain.size() > 1;
    }

    /** A new empty top layer over this whole chain (taking a snapshot freezes the current top). */
    public Layers pushed(String newTop) {
        List<String> c = new ArrayList<>(chain.size() + 1);
        c.add(newTop);
        c.addAll(chain);
        return new Layers(c);
    }

    /** A new empty top layer over another chain (a clone of a snapshot, or a revert to one). */
    public static Layers over(String newTop, List<String> base) {
        List<String> c = new ArrayList<>(base.size() + 1);
        c.add(newTop);
        c.addAll(base);
        return new Layers(c);
    }
}
