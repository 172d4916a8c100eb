package io.shardgate.predictor.eval;

import io.shardgate.predictor.SharedTraces;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvaluatorTest {

    private static PolicyFigures find(Evaluator.Result r, String policy, double fraction) {
        return r.policies().stream().filter(p -> p.policy().equals(policy) && p.cacheFraction() == fraction)
                .findFirst().orElseThrow();
    }

    /** 100 requests of one block each, block i, i.e. a sequential scan: the split puts 30 in the test part. */
    @Test
    void aSequentialScanByHand(@TempDir Path dir) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            s.append(i * 8).append(" 8 0 ").append(i).append('\n'); // 8 sectors = one 4 KiB block
        }
        Path f = Files.writeString(dir.resolve("scan.lis"), s);
        EvalSettings settings = new EvalSettings(0.6, 0.1, 0.3, List.of(0.1), 0, 5, 100, 1000);
        Evaluator.Result r = new Evaluator(f, null, settings, m -> { }).run(List.of("none", "readahead8"), null);
        assertEquals(30, r.trace().testRequests());
        assertEquals(30, r.trace().testFootprintBlocks());
        PolicyFigures none = find(r, "none", 0.1);
        assertEquals(3, none.cacheBlocks());
        assertEquals(0, none.hits(), "a scan never hits without prefetch");
        assertEquals(1000, none.meanReadLatencyUs());
        PolicyFigures ra = find(r, "readahead8", 0.1);
        // the first request misses and reads 8 ahead into a 3-block cache: only the 3 most recent survive, the
        // next block (the oldest of them) is evicted... so count: block b+1 was prefetched last-but-7 -> evicted.
        // With a 3-block cache, readahead8 inserts b+1..b+8; b+1 is the oldest and is evicted: every access misses.
        assertEquals(0, ra.hits());
        assertTrue(ra.prefetchIssued() > 0);
        assertEquals(0.0, ra.accuracy());
        assertEquals(0.0, ra.coverage());
    }

    @Test
    void prefetchHelpsTheScanWhenTheCacheHoldsTheWindow(@TempDir Path dir) throws IOException {
        Path f = scan(dir);
        EvalSettings settings = new EvalSettings(0.6, 0.1, 0.3, List.of(0.1), 0, 5, 100, 1000);
        Evaluator.Result r = new Evaluator(f, null, settings, m -> { }).run(List.of("readahead8"), null);
        PolicyFigures ra = find(r, "readahead8", 0.1); // 30 blocks of cache, 300 test requests
        assertEquals(299, ra.hits(), "all but the first request hit a block read ahead");
        assertEquals(299, ra.prefetchUsed());
        assertEquals(300 + 7, ra.prefetchIssued(), "8 ahead at the start, then 1 new block per request");
        assertEquals(299.0 / 300, ra.coverage(), 1e-9);
        assertEquals((299 * 5 + 1000) / 300.0, ra.meanReadLatencyUs(), 1e-9);
        assertEquals(5, ra.p99ReadLatencyUs());
    }

    @Test
    void sharesBelowOneReplayOnlyTheValidationSplit(@TempDir Path dir) throws IOException {
        Path f = scan(dir);
        EvalSettings onValidation = new EvalSettings(0.6, 0, 0.1, List.of(0.1), 0, 5, 100, 1000);
        Evaluator.Result r = new Evaluator(f, null, onValidation, m -> { }).run(List.of("none"), null);
        assertEquals(600, r.trace().trainRequests());
        assertEquals(100, r.trace().testRequests(), "requests 600..699, not the 300 after them");
        assertEquals(100, r.trace().testFootprintBlocks());
        assertEquals(100, find(r, "none", 0.1).requests());
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new EvalSettings(0.6, 0.1, 0.4, List.of(0.1), 0, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new EvalSettings(0.6, 0.1, 0, List.of(0.1), 0, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new EvalSettings(0.6, 0.1, 0.3, List.of(0.0), 0, 1, 1, 1));
    }

    @Test
    void theCloudPhysicsTraceGivesConsistentFigures() throws IOException {
        Evaluator.Result r = new Evaluator(SharedTraces.file("cloudPhysicsIO.csv"), null, EvalSettings.DEFAULT,
                m -> { }).run(List.of("none", "readahead32", "markov"), null);
        assertEquals(113_872, r.trace().requests());
        assertEquals(34_162, r.trace().testRequests());
        for (double fraction : List.of(0.01, 0.10)) {
            PolicyFigures none = find(r, "none", fraction);
            PolicyFigures ra = find(r, "readahead32", fraction);
            assertEquals(none.demandBlocks(), ra.demandBlocks(), "the same demand whatever the policy");
            assertTrue(ra.hitRatio() > none.hitRatio(), "readahead helps this mostly sequential trace");
            assertEquals(ra.hits() - none.hits(), none.misses() - ra.misses());
            assertTrue(ra.prefetchUsed() <= ra.prefetchIssued());
        }
        assertTrue(find(r, "none", 0.10).hitRatio() >= find(r, "none", 0.01).hitRatio(), "a bigger cache hits more");
        assertTrue(r.trace().top1Successor() > 0 && r.trace().top1NextDelta() > 0);
    }

    /** A sequential scan of 1,000 requests of 8 units (one 4 KiB block each), in ARC .lis form. */
    private static Path scan(Path dir) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            s.append(i * 8).append(" 8 0 ").append(i).append('\n');
        }
        return Files.writeString(dir.resolve("scan.lis"), s);
    }
}
