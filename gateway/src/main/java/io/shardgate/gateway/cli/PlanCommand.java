package io.shardgate.gateway.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.shardgate.core.plan.FirstFitPlanner;
import io.shardgate.core.plan.SpreadingPlanner;
import io.shardgate.core.sim.PlacementSimulator;
import io.shardgate.core.sim.PlannerFigures;
import io.shardgate.core.sim.SimulationConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code gateway.jar plan}: shard planning tools. */
@Command(name = "plan", mixinStandardHelpOptions = true, description = "Shard planning tools.",
        subcommands = {PlanCommand.Simulate.class})
public final class PlanCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code plan simulate}: the placement simulator at cloud scale, against the first-fit baseline. */
    @Command(name = "simulate", mixinStandardHelpOptions = true,
            description = {"Places a reproducible stream of volume requests (with departures) on a generated cloud,"
                    + " with the production planner and with a naive first-fit baseline, and reports acceptance,"
                    + " utilisation spread, spine locality and planning time.",
                    "Progress goes to stderr, the table to stdout, JSON to --out."})
    static final class Simulate implements Callable<Integer> {
        @Option(names = "--seed", defaultValue = "42", description = "RNG seed (default ${DEFAULT-VALUE})")
        long seed;
        @Option(names = "--regions", defaultValue = "1", description = "regions (default ${DEFAULT-VALUE})")
        int regions;
        @Option(names = "--spines", defaultValue = "50", description = "spines (default ${DEFAULT-VALUE})")
        int spines;
        @Option(names = "--servers", defaultValue = "2000", description = "servers (default ${DEFAULT-VALUE})")
        int servers;
        @Option(names = "--requests", defaultValue = "100000", description = "volume requests (default ${DEFAULT-VALUE})")
        int requests;
        @Option(names = "--load", defaultValue = "1.2",
                description = "offered IOPS over cluster IOPS in steady state (default ${DEFAULT-VALUE})")
        double load;
        @Option(names = "--client-spine-rate", defaultValue = "0.3",
                description = "share of requests naming the client's spine (default ${DEFAULT-VALUE})")
        double clientSpineRate;
        @Option(names = "--fallback-rate", defaultValue = "0.2",
                description = "share of requests with a fallback spec (default ${DEFAULT-VALUE})")
        double fallbackRate;
        @Option(names = "--out", description = "write the figures as JSON to this file")
        Path out;
        @Option(names = "--json", description = "print JSON instead of the table")
        boolean json;

        @Override
        public Integer call() throws Exception {
            SimulationConfig config;
            try {
                config = new SimulationConfig(seed, regions, spines, servers, requests, load, clientSpineRate,
                        fallbackRate);
            } catch (IllegalArgumentException e) {
                System.err.println("plan simulate: " + e.getMessage());
                return 2;
            }
            System.err.printf(Locale.ROOT, "generating %d servers in %d spines and %d requests (seed %d)%n",
                    servers, spines, requests, seed);
            PlacementSimulator sim = new PlacementSimulator(config);
            PlannerFigures spreading = sim.run("spreading", new SpreadingPlanner(), Simulate::progress);
            PlannerFigures firstFit = sim.run("first-fit", new FirstFitPlanner(), Simulate::progress);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("config", config);
            result.put("planners", List.of(spreading, firstFit));
            result.put("acceptedRatioVsFirstFit", (double) spreading.accepted() / firstFit.accepted());
            result.put("acceptedIopsRatioVsFirstFit", spreading.acceptedIops() / firstFit.acceptedIops());
            result.put("goals", goals(spreading, firstFit));
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            if (out != null) {
                mapper.writeValue(out.toFile(), result);
                System.err.println("wrote " + out);
            }
            if (json) {
                System.out.println(mapper.writeValueAsString(result));
            } else {
                printTable(System.out, List.of(spreading, firstFit), result);
            }
            return 0;
        }

        private static void progress(String planner, int done) {
            System.err.printf(Locale.ROOT, "  %s: %,d requests planned%n", planner, done);
        }

        private static Map<String, Boolean> goals(PlannerFigures s, PlannerFigures f) {
            Map<String, Boolean> g = new LinkedHashMap<>();
            g.put("accepts >= 1.10x first-fit", s.accepted() >= 1.10 * f.accepted());
            g.put("p99 utilisation <= 1.2x mean", s.spreadP99OverMean() <= 1.2);
            g.put("spine-local 100%", s.spineLocalRate() == 1.0);
            g.put("p99 plan time < 1 ms", s.planP99Us() < 1000);
            return g;
        }

        @SuppressWarnings("unchecked")
        private static void printTable(PrintStream o, List<PlannerFigures> rows, Map<String, Object> result) {
            o.printf(Locale.ROOT, "%-10s %9s %9s %8s %8s %8s %9s %9s %7s %8s %9s %9s%n", "planner", "accepted",
                    "rate", "fallback", "util", "max/mean", "p99/mean", "spine-loc", "client", "srv/vol",
                    "p50 us", "p99 us");
            for (PlannerFigures p : rows) {
                o.printf(Locale.ROOT, "%-10s %9d %8.1f%% %8d %7.1f%% %8.2f %9.2f %8.1f%% %6.1f%% %8.2f %9.1f %9.1f%n",
                        p.planner(), p.accepted(), 100 * p.acceptanceRate(), p.acceptedWithFallback(),
                        100 * p.utilMean(), p.spreadMaxOverMean(), p.spreadP99OverMean(), 100 * p.spineLocalRate(),
                        100 * p.clientSpineRate(), p.meanServersPerVolume(), p.planP50Us(), p.planP99Us());
            }
            o.printf(Locale.ROOT, "accepted vs first-fit: %.3fx volumes, %.3fx IOPS%n",
                    (double) result.get("acceptedRatioVsFirstFit"), (double) result.get("acceptedIopsRatioVsFirstFit"));
            ((Map<String, Boolean>) result.get("goals")).forEach((k, v) ->
                    o.printf(Locale.ROOT, "goal %-32s %s%n", k, v ? "met" : "NOT MET"));
        }
    }
}
