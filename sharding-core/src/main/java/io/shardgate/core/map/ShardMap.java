package io.shardgate.core.map;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The ordered, immutable list of a volume's shards and their owners at one version (epoch).
 *
 * <p>Offsets are in bytes. Every build checks the invariants: the shards cover {@code [0, sizeBytes)}
 * with no gap and no overlap, every boundary falls on a chunk boundary, every shard has one owner.
 * Operations ({@link #split}, {@link #move}, {@link #merge}, {@link #extend}) return the next
 * version; a map is never changed in place, so it may be shared freely between threads.
 *
 * <p>{@link #shardIndexOf(long)} is O(log n) and allocates nothing: it is on the I/O path.
 */
public final class ShardMap {
    private final String volume;
    private final String spine;
    private final long version;
    private final long sizeBytes;
    private final int chunkSize;
    private final long[] starts;
    private final String[] owners;

    private ShardMap(String volume, String spine, long version, long sizeBytes, int chunkSize, long[] starts,
                     String[] owners) {
        this.volume = volume;
        this.spine = spine;
        this.version = version;
        this.sizeBytes = sizeBytes;
        this.chunkSize = chunkSize;
        this.starts = starts;
        this.owners = owners;
        checkInvariants();
    }

    /**
     * Builds a map from its shards, which must be in offset order.
     *
     * @throws IllegalArgumentException when an invariant does not hold, naming it
     */
    public static ShardMap of(String volume, String spine, long version, long sizeBytes, int chunkSize,
                              List<Shard> shards) {
        Objects.requireNonNull(volume, "volume");
        Objects.requireNonNull(spine, "spine");
        long[] starts = new long[shards.size()];
        String[] owners = new String[shards.size()];
        long expected = 0;
        for (int i = 0; i < shards.size(); i++) {
            Shard s = shards.get(i);
            if (s.startOffset() != expected) {
                throw new IllegalArgumentException("shard " + i + " of volume " + volume + " starts at "
                        + s.startOffset() + " but the previous shard ends at " + expected
                        + (s.startOffset() > expected ? " (gap)" : " (overlap)"));
            }
            if (s.length() <= 0) {
                throw new IllegalArgumentException("shard " + i + " of volume " + volume + " is empty");
            }
            starts[i] = s.startOffset();
            owners[i] = s.owner();
            expected = s.endOffset();
        }
        if (expected != sizeBytes) {
            throw new IllegalArgumentException("shards of volume " + volume + " cover " + expected
                    + " bytes but the volume has " + sizeBytes);
        }
        return new ShardMap(volume, spine, version, sizeBytes, chunkSize, starts, owners);
    }

    private void checkInvariants() {
        if (chunkSize <= 0 || Integer.bitCount(chunkSize) != 1) {
            throw new IllegalArgumentException("chunk size must be a power of two, was " + chunkSize);
        }
        if (sizeBytes <= 0) {
            throw new IllegalArgumentException("volume size must be > 0, was " + sizeBytes);
        }
        if (starts.length == 0 || starts[0] != 0) {
            throw new IllegalArgumentException("the first shard must start at offset 0");
        }
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0, was " + version);
        }
        for (int i = 0; i < starts.length; i++) {
            if (starts[i] % chunkSize != 0) {
                throw new IllegalArgumentException("shard " + i + " starts at " + starts[i]
                        + ", not on a chunk boundary of " + chunkSize);
            }
            long end = i + 1 < starts.length ? starts[i + 1] : sizeBytes;
            if (end <= starts[i]) {
                throw new IllegalArgumentException("shard " + i + " is empty or overlaps the next one");
            }
            if (owners[i] == null || owners[i].isBlank()) {
                throw new IllegalArgumentException("shard " + i + " has no owner");
            }
        }
    }

    public String volume() {
        return volume;
    }

    /** The spine every owner of this volume belongs to. */
    public String spine() {
        return spine;
    }

    public long version() {
        return version;
    }

    public long sizeBytes() {
        return sizeBytes;
    }

    public int chunkSize() {
        return chunkSize;
    }

    public int shardCount() {
        return starts.length;
    }

    /** Index of the shard holding byte {@code offset}; O(log n), no allocation. */
    public int shardIndexOf(long offset) {
        if (offset < 0 || offset >= sizeBytes) {
            throw new IndexOutOfBoundsException("offset " + offset + " outside volume " + volume + " of "
                    + sizeBytes + " bytes");
        }
        int i = Arrays.binarySearch(starts, offset);
        return i >= 0 ? i : -i - 2;
    }

    public long shardStart(int index) {
        return starts[index];
    }

    public long shardEnd(int index) {
        return index + 1 < starts.length ? starts[index + 1] : sizeBytes;
    }

    public String owner(int index) {
        return owners[index];
    }

    public Shard shard(int index) {
        return new Shard(starts[index], shardEnd(index) - starts[index], owners[index]);
    }

    public List<Shard> shards() {
        List<Shard> list = new ArrayList<>(starts.length);
        for (int i = 0; i < starts.length; i++) {
            list.add(shard(i));
        }
        return list;
    }

    /** Distinct owners in shard order. */
    public List<String> owners() {
        return Arrays.stream(owners).distinct().toList();
    }

    /**
     * Checks that every owner is a server of this map's spine in {@code topology} (rule 5: a volume's shards live
     * in one spine).
     *
     * @throws IllegalStateException naming the first owner that is unknown or in another spine
     */
    public void checkOwnersIn(io.shardgate.core.topology.Topology topology) {
        for (int i = 0; i < owners.length; i++) {
            var server = topology.server(owners[i]).orElseThrow(() -> new IllegalStateException(
                    "owner of a shard of volume " + volume + " is not in the topology"));
            if (!server.spine().equals(spine)) {
                throw new IllegalStateException("shard " + i + " of volume " + volume + " is owned by "
                        + server.id() + " in spine " + server.spine() + ", not in the volume's spine " + spine);
            }
        }
    }

    /** Splits shard {@code index} at {@code atOffset}; the upper part goes to {@code upperOwner}. */
    public ShardMap split(int index, long atOffset, String upperOwner) {
        if (atOffset <= starts[index] || atOffset >= shardEnd(index)) {
            throw new IllegalArgumentException("split point " + atOffset + " is not inside shard " + index
                    + " [" + starts[index] + ", " + shardEnd(index) + ")");
        }
        List<Shard> list = shards();
        Shard s = list.get(index);
        list.set(index, new Shard(s.startOffset(), atOffset - s.startOffset(), s.owner()));
        list.add(index + 1, new Shard(atOffset, s.endOffset() - atOffset, upperOwner));
        return of(volume, spine, version + 1, sizeBytes, chunkSize, list);
    }

    /** Gives shard {@code index} to {@code newOwner}. */
    public ShardMap move(int index, String newOwner) {
        List<Shard> list = shards();
        Shard s = list.get(index);
        if (s.owner().equals(newOwner)) {
            throw new IllegalArgumentException("shard " + index + " is already owned by " + newOwner);
        }
        list.set(index, new Shard(s.startOffset(), s.length(), newOwner));
        return of(volume, spine, version + 1, sizeBytes, chunkSize, list);
    }

    /** Merges shard {@code index} with shard {@code index + 1}; the merged shard keeps the owner of {@code index}. */
    public ShardMap merge(int index) {
        if (index < 0 || index + 1 >= starts.length) {
            throw new IllegalArgumentException("shard " + index + " has no right neighbour to merge with");
        }
        List<Shard> list = shards();
        Shard a = list.get(index);
        Shard b = list.remove(index + 1);
        list.set(index, new Shard(a.startOffset(), a.length() + b.length(), a.owner()));
        return of(volume, spine, version + 1, sizeBytes, chunkSize, list);
    }

    /** The same shards at the next version: fences every owner at a change that is not about placement. */
    public ShardMap bump() {
        return of(volume, spine, version + 1, sizeBytes, chunkSize, shards());
    }

    /** Grows the volume; the new bytes join the last shard. */
    public ShardMap extend(long newSizeBytes) {
        if (newSizeBytes < sizeBytes) {
            throw new IllegalArgumentException("a volume cannot shrink: " + newSizeBytes + " < " + sizeBytes);
        }
        List<Shard> list = shards();
        Shard last = list.get(list.size() - 1);
        list.set(list.size() - 1, new Shard(last.startOffset(), newSizeBytes - last.startOffset(), last.owner()));
        return of(volume, spine, version + 1, newSizeBytes, chunkSize, list);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ShardMap m && m.version == version && m.sizeBytes == sizeBytes
                && m.chunkSize == chunkSize && m.volume.equals(volume) && m.spine.equals(spine)
                && Arrays.equals(m.starts, starts) && Arrays.equals(m.owners, owners);
    }

    @Override
    public int hashCode() {
        return Objects.hash(volume, version, sizeBytes) * 31 + Arrays.hashCode(starts);
    }

    @Override
    public String toString() {
        return "ShardMap[" + volume + " v" + version + ", " + sizeBytes + " B, " + starts.length + " shards in "
                + spine + "]";
    }
}
