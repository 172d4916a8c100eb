package io.shardgate.core.plan;

/**
 * Why one spine could not take a spec: which resource fell short and by how much.
 *
 * @param spine     the spine
 * @param resource  {@code iops}, {@code bandwidthMBps}, {@code servers}, {@code latencyUs}, ...
 * @param required  what the spec needs (in the resource's unit)
 * @param available what the spine could give
 */
public record Shortfall(String spine, String resource, double required, double available) {
    public double missing() {
        return Math.max(0, required - available);
    }
}
