package io.shardgate.core.topology;

/**
 * What one server can give, or what is reserved on it.
 *
 * @param iops          I/O operations per second
 * @param bandwidthMBps network bandwidth in MB/s (10^6 bytes per second)
 * @param ramBytes      RAM cache tier bytes
 * @param nvmeBytes     NVMe tier bytes
 */
public record ServerCapacity(long iops, double bandwidthMBps, long ramBytes, long nvmeBytes) {

    public static final ServerCapacity ZERO = new ServerCapacity(0, 0, 0, 0);

    public ServerCapacity {
        if (iops < 0 || !(bandwidthMBps >= 0) || ramBytes < 0 || nvmeBytes < 0) {
            throw new IllegalArgumentException("capacities must be >= 0: " + iops + " iops, "
                    + bandwidthMBps + " MB/s, " + ramBytes + " RAM bytes, " + nvmeBytes + " NVMe bytes");
        }
    }

    public ServerCapacity plus(ServerCapacity o) {
        return new ServerCapacity(iops + o.iops, bandwidthMBps + o.bandwidthMBps, ramBytes + o.ramBytes,
                nvmeBytes + o.nvmeBytes);
    }

    /** Subtraction clamped at zero (a release never makes a reservation negative). */
    public ServerCapacity minus(ServerCapacity o) {
        return new ServerCapacity(Math.max(0, iops - o.iops), Math.max(0, bandwidthMBps - o.bandwidthMBps),
                Math.max(0, ramBytes - o.ramBytes), Math.max(0, nvmeBytes - o.nvmeBytes));
    }
}
