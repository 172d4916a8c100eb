package io.shardgate.predictor.policy;

import io.shardgate.predictor.lstm.LstmPolicy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The policies by {@code --policies} name. Each call makes a fresh instance with empty state. */
public final class Policies {
    public static final List<String> NAMES = List.of("none", "readahead8", "readahead32", "linux", "rbd", "stride",
            "markov", "lstm");

    private Policies() {
    }

    /**
     * @param model the trained model file, needed by {@code lstm} only
     * @throws IllegalArgumentException for an unknown name, or {@code lstm} without a model
     */
    public static PrefetchPolicy create(String name, Path model) throws IOException {
        return switch (name) {
            case "none" -> new NoPrefetch();
            case "readahead8" -> new Readahead(8);
            case "readahead32" -> new Readahead(32);
            case "linux" -> new LinuxReadahead();
            case "rbd" -> new RbdReadahead();
            case "stride" -> new StridePrefetch();
            case "markov" -> new MarkovPrefetch();
            case "lstm" -> {
                if (model == null) {
                    throw new IllegalArgumentException("policy lstm needs --model FILE (from predict train)");
                }
                yield LstmPolicy.load(model);
            }
            default -> throw new IllegalArgumentException("unknown policy '" + name + "'; known: " + NAMES);
        };
    }

    /** No prefetch ({@code none}): the reference for coverage. */
    static final class NoPrefetch implements PrefetchPolicy {
        @Override
        public String name() {
            return "none";
        }

        @Override
        public void onAccess(io.shardgate.predictor.trace.AccessRecord access, PrefetchSink sink) {
        }
    }
}
