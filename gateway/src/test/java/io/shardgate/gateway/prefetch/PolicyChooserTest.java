package io.shardgate.gateway.prefetch;

import io.shardgate.core.spec.WorkloadType;
import io.shardgate.predictor.cli.TrainCommand;
import io.shardgate.predictor.trace.GatewayTraceWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which policy a volume gets, with a real model trained by {@code predict train} on a trace in the gateway's format. */
class PolicyChooserTest {
    @TempDir
    static Path dir;
    static Path databaseModel;

    /** Trains a small model (workload database) on a recorded trace of two interleaved sequential streams. */
    @BeforeAll
    static void trainModel() throws Exception {
        Path traces = dir.resolve("traces");
        try (GatewayTraceWriter w = new GatewayTraceWriter(traces, "db", 64L << 20, 4)) {
            for (int i = 0; i < 4000; i++) {
                long stream = (i % 2) * (1L << 30);
                w.recordAt(i * 100_000L, 0, stream + (i / 2) * 8192L, 8192, false);
            }
        }
        Path trace;
        try (var files = Files.list(traces)) {
            trace = files.filter(f -> f.toString().endsWith(".sgtrace")).findFirst().orElseThrow();
        }
        databaseModel = dir.resolve("db.zip");
        int rc = new CommandLine(new TrainCommand()).execute("--trace", trace.toString(), "--workload", "database",
                "--out", databaseModel.toString(), "--epochs", "1", "--no-tune", "--hidden", "16");
        assertEquals(0, rc, "predict train");
    }

    @Test
    void autoWithoutModelsGivesEachWorkloadTypeItsBestBaseline() throws Exception {
        PolicyChooser auto = PolicyChooser.of(PolicyChooser.AUTO, List.of());
        assertEquals("linux", auto.create(WorkloadType.DATABASE).name(), "best on OLTP within a point, few reads");
        assertEquals("readahead32", auto.create(WorkloadType.VDI).name(), "best on P3");
        assertEquals("readahead32", auto.create(WorkloadType.GENERAL).name(), "best on cloudPhysicsIO");
        assertEquals("stride", auto.create(WorkloadType.SCIENTIFIC).name());
        assertTrue(auto.describe(WorkloadType.DATABASE).contains("best baseline for database"));
        assertTrue(auto.prefetches());
    }

    @Test
    void autoUsesAModelForItsOwnWorkloadTypeOnly() throws Exception {
        PolicyChooser auto = PolicyChooser.of(PolicyChooser.AUTO, List.of(databaseModel));
        assertEquals("lstm", auto.create(WorkloadType.DATABASE).name());
        assertTrue(auto.describe(WorkloadType.DATABASE).contains(databaseModel.toString()));
        assertEquals("readahead32", auto.create(WorkloadType.GENERAL).name(), "no model for general");
        assertTrue(auto.create(WorkloadType.DATABASE) != auto.create(WorkloadType.DATABASE),
                "a fresh policy per volume: policies keep per-volume state");
    }

    @Test
    void contradictoryOrIncompleteSettingsAreRefusedAtStart() throws Exception {
        var twoOfOneType = assertThrows(IllegalArgumentException.class,
                () -> PolicyChooser.of(PolicyChooser.AUTO, List.of(databaseModel, databaseModel)));
        assertTrue(twoOfOneType.getMessage().contains("two prefetch models for workload database"),
                twoOfOneType.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PolicyChooser.of("lstm", List.of()));
        assertThrows(IllegalArgumentException.class, () -> PolicyChooser.of("readahead64", List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> PolicyChooser.of("lstm", List.of(databaseModel, databaseModel)));
        assertThrows(java.io.IOException.class,
                () -> PolicyChooser.of(PolicyChooser.AUTO, List.of(dir.resolve("missing.zip"))));
        PolicyChooser none = PolicyChooser.of("none", List.of());
        assertFalse(none.prefetches());
        assertEquals("lstm", PolicyChooser.of("lstm", List.of(databaseModel)).create(WorkloadType.GENERAL).name(),
                "a fixed policy applies to every workload type");
    }
}
