package io.shardgate.core.reshard;

import io.shardgate.core.map.ShardMap;

/** One change the re-shard planner proposes for a volume's map; {@link #apply} gives the next version. */
public sealed interface ReshardProposal permits ReshardProposal.Split, ReshardProposal.Move, ReshardProposal.Merge,
        ReshardProposal.Evacuate {

    String volume();

    /** The map version the proposal was made against; applying it to another version is refused. */
    long baseVersion();

    /** Why, for the migration history and logs. */
    String reason();

    ShardMap apply(ShardMap map);

    private static void checkVersion(ShardMap map, long baseVersion) {
        if (map.version() != baseVersion) {
            throw new IllegalStateException("proposal made against version " + baseVersion + " but the map of "
                    + map.volume() + " is at version " + map.version());
        }
    }

    /** Split shard {@code shardIndex} at {@code atOffset}; the upper part goes to {@code newOwner}. */
    record Split(String volume, long baseVersion, int shardIndex, long atOffset, String newOwner, String reason)
            implements ReshardProposal {
        @Override
        public ShardMap apply(ShardMap map) {
            checkVersion(map, baseVersion);
            return map.split(shardIndex, atOffset, newOwner);
        }
    }

    /** Give shard {@code shardIndex} to {@code newOwner}. */
    record Move(String volume, long baseVersion, int shardIndex, String newOwner, String reason)
            implements ReshardProposal {
        @Override
        public ShardMap apply(ShardMap map) {
            checkVersion(map, baseVersion);
            return map.move(shardIndex, newOwner);
        }
    }

    /** Merge shard {@code shardIndex} with its right neighbour (same owner). */
    record Merge(String volume, long baseVersion, int shardIndex, String reason) implements ReshardProposal {
        @Override
        public ShardMap apply(ShardMap map) {
            checkVersion(map, baseVersion);
            return map.merge(shardIndex);
        }
    }

    /**
     * Give every shard of a server that left the cluster to live servers, in one map version: the data is in the
     * shared durable store, so nothing is lost, and one version keeps every owner of the map a live server.
     *
     * @param newOwners shard index → its new owner
     */
    record Evacuate(String volume, long baseVersion, java.util.Map<Integer, String> newOwners, String reason)
            implements ReshardProposal {
        public Evacuate {
            newOwners = java.util.Map.copyOf(newOwners);
            if (newOwners.isEmpty()) {
                throw new IllegalArgumentException("an evacuation moves at least one shard");
            }
        }

        @Override
        public ShardMap apply(ShardMap map) {
            checkVersion(map, baseVersion);
            java.util.List<io.shardgate.core.map.Shard> shards = map.shards();
            newOwners.forEach((i, owner) -> {
                io.shardgate.core.map.Shard s = shards.get(i);
                shards.set(i, new io.shardgate.core.map.Shard(s.startOffset(), s.length(), owner));
            });
            return ShardMap.of(map.volume(), map.spine(), map.version() + 1, map.sizeBytes(), map.chunkSize(), shards);
        }
    }
}
