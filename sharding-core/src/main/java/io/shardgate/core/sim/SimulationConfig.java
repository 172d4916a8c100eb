package io.shardgate.core.sim;

/**
 * A placement simulation: a generated cloud and a stream of volume requests with departures.
 *
 * @param seed            RNG seed: the same config gives the same figures (but for timings)
 * @param regions         regions (spines are spread over them)
 * @param spines          spines in all
 * @param servers         servers in all, spread evenly over the spines
 * @param requests        volume requests
 * @param load            offered IOPS in steady state over the cluster's plannable IOPS (e.g. 1.2: 20% too much)
 * @param clientSpineRate share of requests naming the client's spine
 * @param fallbackRate    share of requests carrying a fallback spec (half the IOPS and throughput)
 */
public record SimulationConfig(long seed, int regions, int spines, int servers, int requests, double load,
                               double clientSpineRate, double fallbackRate) {

    public static final SimulationConfig DEFAULT = new SimulationConfig(42, 1, 50, 2000, 100_000, 1.2, 0.3, 0.2);

    public SimulationConfig {
        if (regions < 1 || spines < regions || servers < spines || requests < 1 || !(load > 0)
                || clientSpineRate < 0 || clientSpineRate > 1 || fallbackRate < 0 || fallbackRate > 1) {
            throw new IllegalArgumentException("need regions >= 1, spines >= regions, servers >= spines, requests >= 1,"
                    + " load > 0, rates in [0, 1]");
        }
    }
}
