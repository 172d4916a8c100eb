package io.shardgate.core.sim;

import io.shardgate.core.plan.PlanRequest;
import io.shardgate.core.plan.PlanResult;
import io.shardgate.core.plan.ShardPlanner;
import io.shardgate.core.spec.PerformanceSpec;
import io.shardgate.core.spec.WorkloadType;
import io.shardgate.core.topology.Server;
import io.shardgate.core.topology.ServerCapacity;
import io.shardgate.core.topology.Topology;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.ObjIntConsumer;

/**
 * Places a stream of volume requests, with departures, on a generated cloud, once per planner, and measures
 * acceptance, utilisation spread, spine locality and planning time. Requests and the cloud come from the seed
 * alone, so planners are compared on exactly the same load.
 */
public final class PlacementSimulator {
    private static final int CHUNK = 4 << 20;
    private static final long GIB = 1L << 30;

    private final SimulationConfig config;
    private final Topology cloud;
    private final List<Request> requests;

    /** One generated request: the spec, where the client sits, and after how many later arrivals it leaves. */
    record Request(PerformanceSpec spec, String clientSpine, int lifetime) {
    }

    public PlacementSimulator(SimulationConfig config) {
        this.config = config;
        SplittableRandom rng = new SplittableRandom(config.seed());
        this.cloud = generateCloud(rng);
        this.requests = generateRequests(rng);
    }

    public Topology cloud() {
        return cloud;
    }

    /** Total IOPS the cluster can plan (capacity less the planner's headroom is not applied here). */
    public long totalIops() {
        return cloud.servers().stream().mapToLong(s -> s.capacity().iops()).sum();
    }

    private Topology generateCloud(SplittableRandom rng) {
        List<Server> servers = new ArrayList<>(config.servers());
        for (int i = 0; i < config.servers(); i++) {
            int spine = i % config.spines();
            int region = spine % config.regions();
            double r = rng.nextDouble();
            // mixed generations: small, medium and large servers
            long iops = r < 0.4 ? 40_000 : r < 0.8 ? 80_000 : 160_000;
            double bw = iops / 32.0; // 40k IOPS ~ 1250 MB/s of network
            servers.add(new Server(String.format("r%d-s%03d-n%04d", region, spine, i), "region-" + region,
                    String.format("spine-%03d", spine), new ServerCapacity(iops, bw, iops * 1_000_000L,
                    iops * 20_000_000L)));
        }
        return Topology.of(servers);
    }

    private List<Request> generateRequests(SplittableRandom rng) {
        List<PerformanceSpec> specs = new ArrayList<>(config.requests());
        double sumIops = 0;
        for (int i = 0; i < config.requests(); i++) {
            PerformanceSpec s = randomSpec(rng);
            specs.add(s);
            sumIops += s.iops();
        }
        double meanIops = sumIops / config.requests();
        // Little's law: live volumes = mean lifetime; offered IOPS = lifetime * mean IOPS = load * capacity.
        double meanLifetime = config.load() * totalIops() / meanIops;
        List<String> spines = cloud.spines();
        List<Request> out = new ArrayList<>(config.requests());
        for (PerformanceSpec s : specs) {
            String clientSpine = rng.nextDouble() < config.clientSpineRate()
                    ? spines.get(rng.nextInt(spines.size())) : null;
            if (rng.nextDouble() < config.fallbackRate()) {
                s = new PerformanceSpec(s.sizeBytes(), s.iops(), s.throughputMBps(), s.latencyUs(), s.workload(),
                        List.of(PerformanceSpec.of(s.sizeBytes(), s.iops() / 2, s.throughputMBps() / 2,
                                s.latencyUs() * 2, s.workload())));
            }
            int lifetime = (int) Math.max(1, Math.round(-meanLifetime * Math.log(1 - rng.nextDouble())));
            out.add(new Request(s, clientSpine, lifetime));
        }
        return out;
    }

    private static PerformanceSpec randomSpec(SplittableRandom rng) {
        double r = rng.nextDouble();
        long size = (10 + rng.nextInt(2038)) * GIB;
        if (r < 0.25) {
            long iops = 5_000 + rng.nextInt(35_001);
            return PerformanceSpec.of(size, iops, iops * 16 / 1000.0, 500, WorkloadType.DATABASE);
        } else if (r < 0.55) {
            return PerformanceSpec.of(size, 300 + rng.nextInt(1701), 20 + rng.nextInt(41), 2000, WorkloadType.VDI);
        } else if (r < 0.65) {
            return PerformanceSpec.of(size, 500 + rng.nextInt(1501), 200 + rng.nextInt(601), 5000, WorkloadType.VIDEO);
        } else if (r < 0.75) {
            return PerformanceSpec.of(size, 20_000 + rng.nextInt(100_001), 500 + rng.nextInt(2501), 1000,
                    WorkloadType.SCIENTIFIC);
        }
        return PerformanceSpec.of(size, 1_000 + rng.nextInt(7001), 50 + rng.nextInt(151), 2000, WorkloadType.GENERAL);
    }

    /**
     * Runs one planner over every request.
     *
     * @param progress called with (planner name, requests done) every 10,000 requests
     */
    public PlannerFigures run(String name, ShardPlanner planner, ObjIntConsumer<String> progress) {
        Topology topology = cloud;
        long[] planNanos = new long[requests.size()];
        @SuppressWarnings("unchecked")
        Map<String, ServerCapacity>[] live = new Map[requests.size()];
        PriorityQueue<long[]> departures = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
        int accepted = 0;
        int withFallback = 0;
        int spineLocal = 0;
        int clientAsked = 0;
        int clientHonoured = 0;
        long serversUsed = 0;
        double acceptedIops = 0;
        for (int i = 0; i < requests.size(); i++) {
            while (!departures.isEmpty() && departures.peek()[0] <= i) {
                int leaving = (int) departures.poll()[1];
                topology = topology.release(live[leaving]);
                live[leaving] = null;
            }
            Request r = requests.get(i);
            PlanRequest pr = new PlanRequest("vol-" + i, r.spec(), r.clientSpine(), CHUNK);
            long t0 = System.nanoTime();
            PlanResult result = planner.plan(pr, topology);
            planNanos[i] = System.nanoTime() - t0;
            if (r.clientSpine() != null) {
                clientAsked++;
            }
            if (result instanceof PlanResult.Accepted a) {
                accepted++;
                if (a.fallbackUsed() > 0) {
                    withFallback++;
                }
                if (ownersInOneSpine(a, topology)) {
                    spineLocal++;
                }
                if (r.clientSpine() != null && r.clientSpine().equals(a.map().spine())) {
                    clientHonoured++;
                }
                serversUsed += a.reservations().size();
                acceptedIops += a.specUsed().iops();
                topology = topology.reserve(a.reservations());
                live[i] = a.reservations();
                departures.add(new long[] {(long) i + r.lifetime(), i});
            }
            if ((i + 1) % 10_000 == 0 && progress != null) {
                progress.accept(name, i + 1);
            }
        }
        return figures(name, topology, planNanos, accepted, withFallback, spineLocal, clientAsked, clientHonoured,
                serversUsed, acceptedIops);
    }

    private static boolean ownersInOneSpine(PlanResult.Accepted a, Topology topology) {
        try {
            a.map().checkOwnersIn(topology);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private PlannerFigures figures(String name, Topology end, long[] planNanos, int accepted, int withFallback,
                                   int spineLocal, int clientAsked, int clientHonoured, long serversUsed,
                                   double acceptedIops) {
        List<Server> servers = end.servers();
        double[] util = new double[servers.size()];
        double sum = 0;
        for (int i = 0; i < util.length; i++) {
            Server s = servers.get(i);
            util[i] = (double) end.reserved(s.id()).iops() / s.capacity().iops();
            sum += util[i];
        }
        Arrays.sort(util);
        double mean = sum / util.length;
        double max = util[util.length - 1];
        double p99 = percentile(util, 0.99);
        long[] sorted = planNanos.clone();
        Arrays.sort(sorted);
        int n = requests.size();
        return new PlannerFigures(name, n, accepted, withFallback, (double) accepted / n, acceptedIops, mean, max,
                p99, max / mean, p99 / mean, accepted == 0 ? 1 : (double) spineLocal / accepted,
                clientAsked == 0 ? 1 : (double) clientHonoured / clientAsked,
                accepted == 0 ? 0 : (double) serversUsed / accepted,
                sorted[n / 2] / 1000.0, sorted[Math.min(n - 1, (int) Math.ceil(0.99 * n) - 1)] / 1000.0);
    }

    static double percentile(double[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(q * sorted.length) - 1))];
    }
}
