package io.shardgate.core.sim;

/**
 * What one planner achieved in a simulation.
 *
 * @param planner           planner name
 * @param requests          requests planned
 * @param accepted          requests accepted (with their spec or a fallback)
 * @param acceptedWithFallback accepted on a fallback spec
 * @param acceptanceRate    accepted / requests
 * @param acceptedIops      sum of accepted IOPS
 * @param utilMean          mean over servers of reserved IOPS / IOPS capacity, at the end
 * @param utilMax           the largest server utilisation
 * @param utilP99           99th percentile of server utilisation
 * @param spreadMaxOverMean utilMax / utilMean
 * @param spreadP99OverMean utilP99 / utilMean
 * @param spineLocalRate    share of accepted volumes whose shards all live in one spine (must be 1)
 * @param clientSpineRate   share of requests naming a spine that were placed there
 * @param meanServersPerVolume servers per accepted volume
 * @param planP50Us         median planning time, microseconds
 * @param planP99Us         99th percentile planning time, microseconds
 */
public record PlannerFigures(String planner, int requests, int accepted, int acceptedWithFallback,
                             double acceptanceRate, double acceptedIops, double utilMean, double utilMax,
                             double utilP99, double spreadMaxOverMean, double spreadP99OverMean,
                             double spineLocalRate, double clientSpineRate, double meanServersPerVolume,
                             double planP50Us, double planP99Us) {
}
