package io.shardgate.core.reshard;

import io.shardgate.core.map.ShardMap;

/** One change the re-shard planner proposes for a volume's map; {@link #apply} gives the next version. */
public sealed interface ReshardProposal permits ReshardProposal.Split, ReshardProposal.Move, ReshardProposal.Merge {

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
}
