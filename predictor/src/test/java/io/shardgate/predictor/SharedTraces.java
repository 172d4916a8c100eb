package io.shardgate.predictor;

import java.nio.file.Files;
import java.nio.file.Path;

/** The real traces in {@code ../shared/traces} beside the repository (override: -Dshardgate.traces=DIR). */
public final class SharedTraces {
    private SharedTraces() {
    }

    public static Path file(String name) {
        String override = System.getProperty("shardgate.traces");
        Path dir = override != null ? Path.of(override) : findShared();
        Path f = dir.resolve(name);
        if (!Files.isRegularFile(f)) {
            throw new AssertionError("trace " + f + " is missing: the tests read the real traces from ../shared/traces"
                    + " beside the repository (or -Dshardgate.traces=DIR)");
        }
        return f;
    }

    private static Path findShared() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolveSibling("shared").resolve("traces");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return Path.of("../shared/traces");
    }
}
