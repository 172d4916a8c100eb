package io.shardgate.predictor.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.shardgate.predictor.eval.EvalSettings;
import io.shardgate.predictor.eval.Evaluator;
import io.shardgate.predictor.eval.PolicyFigures;
import io.shardgate.predictor.policy.Policies;
import io.shardgate.predictor.trace.TraceFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code gateway.jar predict eval}: replays a trace's test split with each prefetch policy. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Replays the test split of a block trace through an LRU RAM cache (4 KiB blocks) with an NVMe"
                + " victim tier, once per prefetch policy and cache size, and reports demand hit ratio, prefetch"
                + " accuracy, coverage, extra backend reads, modelled read latency and the policy's own cost.",
                "Formats are detected (cloudphysics-csv, arc-lis, msr-csv, systor-csv, tencent-csv, lirs2-raw,"
                        + " gateway; gz/bz2/xz/zst compressed or plain). Progress goes to stderr."})
public final class EvalCommand implements Callable<Integer> {
    @Option(names = "--trace", required = true, description = "trace file")
    Path trace;
    @Option(names = "--format", description = "trace format, when detection is not wanted")
    String format;
    @Option(names = "--policies", split = ",", defaultValue = "none,readahead8,readahead32,linux,rbd,stride,markov",
            description = "policies (default ${DEFAULT-VALUE}); also lstm with --model")
    List<String> policies;
    @Option(names = "--cache-fraction", split = ",", defaultValue = "0.01,0.10",
            description = "RAM cache sizes as fractions of the test split's distinct blocks (default ${DEFAULT-VALUE})")
    List<Double> cacheFractions;
    @Option(names = "--split", split = ",", defaultValue = "0.6,0.1,0.3",
            description = "train,validation,test shares by request count (default ${DEFAULT-VALUE}); shares summing to"
                    + " less than 1 stop the replay early: 0.6,0,0.1 measures on the validation split")
    List<Double> split;
    @Option(names = "--model", description = "model file for the lstm policy (from predict train)")
    Path model;
    @Option(names = "--nvme-factor", defaultValue = "4", description = "NVMe tier size in RAM cache sizes (default ${DEFAULT-VALUE})")
    double nvmeFactor;
    @Option(names = "--ram-us", defaultValue = "5", description = "modelled RAM hit latency, us (default ${DEFAULT-VALUE})")
    double ramUs;
    @Option(names = "--nvme-us", defaultValue = "100", description = "modelled NVMe hit latency, us (default ${DEFAULT-VALUE})")
    double nvmeUs;
    @Option(names = "--miss-us", defaultValue = "1000", description = "modelled RADOS read latency, us (default ${DEFAULT-VALUE})")
    double missUs;
    @Option(names = "--out", description = "write the results as JSON to this file")
    Path out;
    @Option(names = "--json", description = "print JSON instead of the table")
    boolean json;

    @Override
    public Integer call() throws Exception {
        EvalSettings settings;
        TraceFormat fmt;
        try {
            if (split.size() != 3) {
                throw new IllegalArgumentException("--split takes three shares: train,validation,test");
            }
            for (String p : policies) {
                if (!Policies.NAMES.contains(p)) {
                    throw new IllegalArgumentException("unknown policy '" + p + "'; known: " + Policies.NAMES);
                }
            }
            settings = new EvalSettings(split.get(0), split.get(1), split.get(2), cacheFractions, nvmeFactor, ramUs,
                    nvmeUs, missUs);
            fmt = format == null ? null : TraceFormat.parse(format);
        } catch (IllegalArgumentException e) {
            System.err.println("predict eval: " + e.getMessage());
            return 2;
        }
        if (policies.contains("lstm")) {
            // check the model before the replay starts, not after the baselines ran
            try {
                Policies.create("lstm", model);
            } catch (IllegalArgumentException | java.io.IOException e) {
                System.err.println("predict eval: " + e.getMessage());
                return 2;
            }
        }
        Evaluator.Result result = new Evaluator(trace, fmt, settings, System.err::println).run(policies, model);
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        java.util.Map<String, Object> doc = new java.util.LinkedHashMap<>();
        doc.put("settings", settings);
        doc.put("trace", result.trace());
        doc.put("results", result.policies());
        if (out != null) {
            mapper.writeValue(out.toFile(), doc);
            System.err.println("wrote " + out);
        }
        if (json) {
            System.out.println(mapper.writeValueAsString(doc));
        } else {
            print(System.out, result);
        }
        return 0;
    }

    private static void print(PrintStream o, Evaluator.Result r) {
        var t = r.trace();
        o.printf(Locale.ROOT, "%s (%s): %,d requests; test split %,d requests over %,d blocks of 4 KiB%n", t.trace(),
                t.format(), t.requests(), t.testRequests(), t.testFootprintBlocks());
        o.printf(Locale.ROOT, "top-1 next access on the test split: most frequent gap %.4f, last successor %.4f%n",
                t.top1NextDelta(), t.top1Successor());
        o.printf(Locale.ROOT, "%-6s %-12s %8s %8s %8s %8s %9s %9s %9s %9s%n", "cache", "policy", "hit", "read hit",
                "accuracy", "coverage", "extra/req", "mean us", "p99 us", "cost us");
        for (PolicyFigures p : r.policies()) {
            o.printf(Locale.ROOT, "%5.1f%% %-12s %8.4f %8.4f %8.3f %8.3f %9.2f %9.1f %9.1f %9.2f%n",
                    p.cacheFraction() * 100, p.policy(), p.hitRatio(), p.readHitRatio(), p.accuracy(), p.coverage(),
                    p.extraReadsPerRequest(), p.meanReadLatencyUs(), p.p99ReadLatencyUs(), p.policyUsPerRequest());
        }
        for (PolicyFigures p : r.policies()) {
            if (p.top1NextAccess() >= 0) {
                o.printf(Locale.ROOT, "%5.1f%% %-12s top-1 next access %.4f%n", p.cacheFraction() * 100, p.policy(),
                        p.top1NextAccess());
            }
        }
    }
}
