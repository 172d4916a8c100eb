package io.shardgate.core.plan;

/**
 * Tuning of {@link SpreadingPlanner}.
 *
 * @param headroom           fraction of each server's IOPS and bandwidth never reserved (0 &lt;= h &lt; 1), so
 *                           a fully planned server still has slack for bursts and migrations
 * @param maxServersPerVolume upper bound on servers one volume spreads over (&gt;= 1)
 * @param shardsPerServer    shards per chosen server, interleaved round-robin so sequential and random I/O both
 *                           spread (&gt;= 1; fewer when the volume has fewer chunks)
 * @param minIopsPerServer   a volume is spread over more servers only while each still gets at least this many
 *                           IOPS: tiny volumes stay on few servers
 */
public record PlannerOptions(double headroom, int maxServersPerVolume, int shardsPerServer, long minIopsPerServer) {

    public static final PlannerOptions DEFAULT = new PlannerOptions(0.10, 8, 4, 250);

    public PlannerOptions {
        if (!(headroom >= 0 && headroom < 1)) {
            throw new IllegalArgumentException("headroom must be in [0, 1), was " + headroom);
        }
        if (maxServersPerVolume < 1 || shardsPerServer < 1 || minIopsPerServer < 0) {
            throw new IllegalArgumentException("maxServersPerVolume and shardsPerServer must be >= 1, "
                    + "minIopsPerServer >= 0");
        }
    }
}
