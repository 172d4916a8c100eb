package io.shardgate.core.reshard;

/**
 * Thresholds of the re-shard planner. Utilisation is a server's ops/s over its IOPS capacity. The gaps between
 * thresholds and the cool-down are the hysteresis that keeps it from oscillating.
 *
 * @param splitShare   split a shard carrying more than this share of its owner's IOPS capacity (e.g. 0.5)
 * @param highWater    a server above this utilisation sheds shards (move), e.g. 0.85
 * @param lowWater     a move target must stay below this utilisation after the move, e.g. 0.6
 * @param coldShare    neighbours on the same owner each below this share of the owner's capacity merge, e.g. 0.02
 * @param coolDownMs   no new proposal for a volume within this time of its last change
 * @param maxShards    never split a volume beyond this many shards
 */
public record ReshardOptions(double splitShare, double highWater, double lowWater, double coldShare,
                             long coolDownMs, int maxShards) {

    public static final ReshardOptions DEFAULT = new ReshardOptions(0.5, 0.85, 0.6, 0.02, 10_000, 256);

    public ReshardOptions {
        if (!(lowWater < highWater) || !(coldShare < splitShare / 2) || coolDownMs < 0 || maxShards < 1) {
            throw new IllegalArgumentException("re-shard thresholds need lowWater < highWater, coldShare < splitShare/2"
                    + " (hysteresis gaps), coolDownMs >= 0, maxShards >= 1");
        }
    }
}
