package io.shardgate.gateway.prefetch;

import io.shardgate.core.spec.WorkloadType;
import io.shardgate.predictor.lstm.LstmPolicy;
import io.shardgate.predictor.lstm.ModelFile;
import io.shardgate.predictor.policy.Policies;
import io.shardgate.predictor.policy.PrefetchPolicy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Which prefetch policy a volume gets. Either one named policy for every volume, or {@value #AUTO}: the model
 * trained for the volume's workload type ({@code predict train --workload}), else the best baseline measured for that
 * type. Immutable and thread-safe; every {@link #create} returns a fresh policy (policies keep per-volume state).
 */
public final class PolicyChooser {
    /** The policy name that chooses per workload type. */
    public static final String AUTO = "auto";

    private final String fixed;
    private final Path fixedModel;
    private final Map<WorkloadType, Path> models;

    private PolicyChooser(String fixed, Path fixedModel, Map<WorkloadType, Path> models) {
        this.fixed = fixed;
        this.fixedModel = fixedModel;
        this.models = models;
    }

    /**
     * @param policy a {@code predict eval --policies} name, or {@value #AUTO}
     * @param models model files from {@code predict train}: for {@code lstm}, exactly one; for {@value #AUTO}, any
     *               number, at most one per workload type (each file records its type)
     * @throws IllegalArgumentException for an unknown policy, a missing model, or two models of one workload type
     * @throws IOException              when a model file cannot be read
     */
    public static PolicyChooser of(String policy, List<Path> models) throws IOException {
        if (!policy.equals(AUTO)) {
            if (models.size() > 1) {
                throw new IllegalArgumentException("--prefetch-policy " + policy + " takes at most one --prefetch-model"
                        + " (use --prefetch-policy auto to give one model per workload type)");
            }
            Path model = models.isEmpty() ? null : models.get(0);
            Policies.create(policy, model); // fails now for a bad name or model, not later for every volume
            return new PolicyChooser(policy, model, Map.of());
        }
        Map<WorkloadType, Path> byType = new EnumMap<>(WorkloadType.class);
        for (Path m : models) {
            WorkloadType type = WorkloadType.parse(ModelFile.read(m).info().workload());
            Path other = byType.put(type, m);
            if (other != null) {
                throw new IllegalArgumentException("two prefetch models for workload " + name(type) + ": " + other
                        + " and " + m);
            }
        }
        return new PolicyChooser(null, null, byType);
    }

    /** A fresh policy for a volume of this workload type. */
    public PrefetchPolicy create(WorkloadType workload) throws IOException {
        if (fixed != null) {
            return Policies.create(fixed, fixedModel);
        }
        Path model = models.get(workload);
        return model != null ? LstmPolicy.load(model) : Policies.create(bestBaseline(workload), null);
    }

    /** What {@link #create} picks for the type, in words for logs. */
    public String describe(WorkloadType workload) {
        if (fixed != null) {
            return fixed + (fixedModel == null ? "" : " (model " + fixedModel + ")");
        }
        Path model = models.get(workload);
        return model != null ? "lstm (model " + model + " for " + name(workload) + ")"
                : bestBaseline(workload) + " (best baseline for " + name(workload) + ")";
    }

    /** Whether any volume may get a policy that prefetches. */
    public boolean prefetches() {
        return fixed == null || !fixed.equals("none");
    }

    /**
     * The baseline to use when no model is trained for a workload type. Database, VDI and general come from the
     * evaluator on the traces of those families ({@code docs/results/eval-{OLTP,P3,cloudPhysicsIO}.txt}): adaptive
     * readahead is within a point of the best on OLTP at a hundredth of readahead32's extra reads, readahead32 is best
     * on P3 and cloudPhysicsIO. Video (long sequential streams) gets the adaptive window too, scientific (strided
     * array sweeps) the stride detector: reasoned, not measured, as no trace of those families is at hand.
     */
    static String bestBaseline(WorkloadType workload) {
        return switch (workload) {
            case DATABASE, VIDEO -> "linux";
            case VDI, GENERAL -> "readahead32";
            case SCIENTIFIC -> "stride";
        };
    }

    private static String name(WorkloadType t) {
        return t.name().toLowerCase(java.util.Locale.ROOT);
    }
}
