package io.shardgate.gateway.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardgate.gateway.store.DurableStore;
import io.shardgate.gateway.volume.CreateVolumeRequest;
import io.shardgate.gateway.volume.SnapshotInfo;
import io.shardgate.gateway.volume.VolumeException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Snapshot records in the durable store's metadata ({@code snapshots/<volume>/<name>}) and the bookkeeping of chunk
 * layers shared by both volume managers: which layers are still read by some volume or snapshot, and the removal of
 * layers nobody reads any more. Deleting a snapshot or a volume that clones read through removes the record at once
 * and keeps the layers until the last reader is gone: nothing is refused that can be done without data loss. Blocking (store calls); the managers call it
 * from their serialised management operations.
 */
public final class SnapshotCatalog {
    private static final String PREFIX = "snapshots/";
    /** Prefix of the hidden snapshot a clone of a live volume is made from (not a valid user name). */
    private static final String CLONE_SOURCE = "~clone-";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final DurableStore store;

    /**
     * One snapshot.
     *
     * @param layers the volume's layer chain when it was taken, frozen from then on
     * @param hidden made for a clone of the live volume: not listed, removed with the clone
     */
    public record SnapshotRecord(String name, String volume, List<String> layers, long sizeBytes, long createdAtMs,
                                 boolean hidden) {
        public SnapshotInfo info() {
            return new SnapshotInfo(name, volume, sizeBytes, createdAtMs);
        }
    }

    public SnapshotCatalog(DurableStore store) {
        this.store = store;
    }

    /** Checks a user-given snapshot name (the rules of volume names). */
    public static void checkName(String snapshot) {
        if (snapshot == null || !CreateVolumeRequest.NAME.matcher(snapshot).matches()) {
            throw new VolumeException(VolumeException.Kind.INVALID, "snapshot name must be 1-128 characters of"
                    + " [A-Za-z0-9._-] and not start with '.' or '-', was "
                    + (snapshot == null ? "missing" : "'" + snapshot + "'"));
        }
    }

    /** The name of the hidden snapshot a clone named {@code clone} is made from. */
    public static String cloneSourceName(String clone) {
        return CLONE_SOURCE + clone;
    }

    /** The top layer a volume gets at map version {@code version} (after a snapshot or revert). */
    public static String topLayer(String volume, long version) {
        return volume + "@" + version;
    }

    /** Whether the layer holds data written to {@code volume} (rather than to a volume it was cloned from). */
    public static boolean ownedBy(String volume, String layer) {
        return layer.equals(volume) || layer.startsWith(volume + "@");
    }

    private static String key(String volume, String name) {
        return PREFIX + volume + "/" + name;
    }

    public Optional<SnapshotRecord> find(String volume, String name) throws IOException {
        Optional<byte[]> bytes = store.getMeta(key(volume, name));
        return bytes.isEmpty() ? Optional.empty() : Optional.of(JSON.readValue(bytes.get(), SnapshotRecord.class));
    }

    public SnapshotRecord get(String volume, String name) throws IOException {
        return find(volume, name).orElseThrow(() -> new VolumeException(VolumeException.Kind.NOT_FOUND,
                "volume '" + volume + "' has no snapshot named '" + name + "'"));
    }

    /** Every snapshot of the volume, hidden ones included, by name. */
    public List<SnapshotRecord> of(String volume) throws IOException {
        return read(store.listMeta(PREFIX + volume + "/"));
    }

    /** The snapshots a user sees (hidden ones left out), by name. */
    public List<SnapshotInfo> visible(String volume) throws IOException {
        return of(volume).stream().filter(s -> !s.hidden()).map(SnapshotRecord::info).toList();
    }

    /** Deletes a snapshot record and the layers only it read ({@code chains}: every live volume's layers). */
    public void delete(String volume, String name, Map<String, Layers> chains) throws IOException {
        SnapshotRecord snap = get(volume, name);
        remove(snap);
        collect(snap.layers(), chains);
    }

    public List<SnapshotRecord> all() throws IOException {
        return read(store.listMeta(PREFIX));
    }

    private List<SnapshotRecord> read(List<String> keys) throws IOException {
        List<SnapshotRecord> out = new ArrayList<>();
        for (String k : keys) {
            Optional<byte[]> bytes = store.getMeta(k);
            if (bytes.isPresent()) {
                out.add(JSON.readValue(bytes.get(), SnapshotRecord.class));
            }
        }
        return out;
    }

    public void put(SnapshotRecord r) throws IOException {
        store.putMeta(key(r.volume(), r.name()), JSON.writeValueAsBytes(r));
    }

    public void remove(SnapshotRecord r) throws IOException {
        store.deleteMeta(key(r.volume(), r.name()));
    }

    /**
     * Refuses to delete a volume that has snapshots (deleting it would silently delete them). Volumes cloned from it
     * do not stop it: the layers they read stay until nobody reads them ({@link #collect}).
     *
     * @return every layer the volume and its hidden snapshots read, to {@link #collect} once it is gone
     */
    public Set<String> layersOfDeletable(String volume, Layers layers) throws IOException {
        Set<String> all = new HashSet<>(layers.chain());
        for (SnapshotRecord s : of(volume)) {
            if (!s.hidden()) {
                throw new VolumeException(VolumeException.Kind.IN_USE, "volume '" + volume + "' has snapshots ("
                        + s.name() + (of(volume).size() > 1 ? ", ..." : "") + "): delete them first");
            }
            all.addAll(s.layers());
        }
        return all;
    }

    /**
     * The top layer for a new volume: its own name (chunk objects {@code <volume>.<chunk>}), unless layers of an
     * earlier volume of that name are still read by its clones; then a fresh {@code <volume>@c<time>}.
     */
    public String freshTop(String volume, Map<String, Layers> chains) throws IOException {
        Set<String> read = readLayers(chains);
        boolean taken = read.stream().anyMatch(l -> ownedBy(volume, l));
        return taken ? volume + "@c" + System.currentTimeMillis() : volume;
    }

    private Set<String> readLayers(Map<String, Layers> chains) throws IOException {
        Set<String> read = new HashSet<>();
        chains.values().forEach(l -> read.addAll(l.chain()));
        for (SnapshotRecord s : all()) {
            read.addAll(s.layers());
        }
        return read;
    }

    /**
     * Removes the snapshot records a deleted volume leaves behind: its own hidden ones, and the hidden snapshot of the
     * volume it was cloned from, if it was a clone of a live volume.
     *
     * @return the layers those records kept alive
     */
    public Set<String> forgetVolume(String volume) throws IOException {
        Set<String> freed = new HashSet<>();
        List<SnapshotRecord> gone = new ArrayList<>(of(volume));
        for (SnapshotRecord s : all()) {
            if (s.hidden() && s.name().equals(cloneSourceName(volume))) {
                gone.add(s);
            }
        }
        for (SnapshotRecord s : gone) {
            remove(s);
            freed.addAll(s.layers());
        }
        return freed;
    }

    /**
     * Deletes the chunks of every candidate layer that no live volume ({@code chains}) and no snapshot reads.
     */
    public void collect(Collection<String> candidates, Map<String, Layers> chains) throws IOException {
        Set<String> read = readLayers(chains);
        for (String layer : candidates) {
            if (!read.contains(layer)) {
                store.deleteVolume(layer);
            }
        }
    }
}
