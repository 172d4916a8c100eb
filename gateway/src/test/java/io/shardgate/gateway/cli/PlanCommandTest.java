package io.shardgate.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlanCommandTest {

    @Test
    void simulateWritesFiguresForBothPlannersAndIsReproducible(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.json");
        Path b = dir.resolve("b.json");
        String[] common = {"plan", "simulate", "--spines", "5", "--servers", "100", "--requests", "3000", "--seed", "7"};
        assertEquals(0, Main.run(concat(common, "--out", a.toString())));
        assertEquals(0, Main.run(concat(common, "--out", b.toString())));
        ObjectMapper m = new ObjectMapper();
        JsonNode ja = m.readTree(a.toFile());
        JsonNode jb = m.readTree(b.toFile());
        assertEquals("spreading", ja.at("/planners/0/planner").asText());
        assertEquals("first-fit", ja.at("/planners/1/planner").asText());
        for (int i = 0; i < 2; i++) {
            assertEquals(1.0, ja.at("/planners/" + i + "/spineLocalRate").asDouble(), "every volume in one spine");
            assertEquals(ja.at("/planners/" + i + "/accepted"), jb.at("/planners/" + i + "/accepted"),
                    "the same seed gives the same placements");
            assertTrue(ja.at("/planners/" + i + "/accepted").asInt() > 0);
        }
        assertTrue(ja.at("/goals").size() == 4);
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertEquals(2, Main.run("plan", "simulate", "--servers", "3", "--spines", "5"));
        assertEquals(2, Main.run("plan", "simulate", "--no-such-option"));
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
