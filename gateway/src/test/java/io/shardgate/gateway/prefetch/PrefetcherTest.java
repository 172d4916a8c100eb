package io.shardgate.gateway.prefetch;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shardgate.core.map.Shard;
import io.shardgate.core.map.ShardMap;
import io.shardgate.gateway.engine.Layers;
import io.shardgate.gateway.engine.LocalVolume;
import io.shardgate.gateway.engine.Owner;
import io.shardgate.gateway.store.MemoryStore;
import io.shardgate.gateway.tier.RamTier;
import io.shardgate.core.reshard.ShardLoad;
import io.shardgate.core.spec.WorkloadType;
import io.shardgate.predictor.trace.AccessRecord;
import io.shardgate.predictor.trace.TraceReader;
import io.shardgate.predictor.trace.TraceReaders;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The prefetcher on a real owner-side volume (memory store, RAM tier), with a real baseline policy. */
class PrefetcherTest {
    private static final int CHUNK = 64 << 10;
    private static final long SIZE = 64L * CHUNK;
    private final Vertx vertx = Vertx.vertx();
    private final RamTier ram = new RamTier(16 << 20, 4);
    private final MemoryStore store = new MemoryStore(CHUNK);
    @TempDir
    Path dir;

    @AfterEach
    void close() {
        vertx.close();
        ram.close();
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private LocalVolume volume(Owner owner) {
        ShardMap map = ShardMap.of("v", "sp", 1, SIZE, CHUNK, List.of(new Shard(0, SIZE, "me")));
        return owner.open("v", () -> map, Layers.of("v"));
    }

    private static PolicyChooser readahead32() throws java.io.IOException {
        return PolicyChooser.of("readahead32", List.of());
    }

    /** Waits until the prefetcher has caught up: nothing it issued is still in flight and the counts settle. */
    private static void settle() throws InterruptedException {
        Thread.sleep(300);
    }

    @Test
    void sequentialReadsArePrefetchedAndLaterReadsHitTheRamTier() throws Exception {
        Owner owner = new Owner("me", store, vertx.createSharedWorkerExecutor("t", 4), new SimpleMeterRegistry(), ram,
                null);
        byte[] data = new byte[(int) SIZE];
        new Random(1).nextBytes(data);
        store.write("v", 0, 0, java.nio.ByteBuffer.wrap(data, 0, CHUNK)); // written behind the tier's back
        for (int c = 1; c < SIZE / CHUNK; c++) {
            store.write("v", c, 0, java.nio.ByteBuffer.wrap(data, c * CHUNK, CHUNK));
        }
        try (Prefetcher p = new Prefetcher(readahead32(), name -> WorkloadType.GENERAL, dir.resolve("traces"),
                8, 1L << 30)) {
            owner.listenTo(p);
            LocalVolume v = volume(owner);
            for (int i = 0; i < 256; i++) {
                assertArrayEquals(java.util.Arrays.copyOfRange(data, i * 4096, i * 4096 + 4096),
                        await(v.read(i * 4096L, 4096)).getBytes(), "block " + i);
                if (i % 16 == 0) {
                    settle();
                }
            }
            settle();
            assertTrue(v.stats().prefetchIssued() > 0, "prefetches were issued: " + v.stats());
            assertTrue(v.stats().prefetchUsed() > 0, "and demand reads used them: " + v.stats());
            assertTrue(v.stats().ramHits() > 100, "most reads came from RAM: " + v.stats());
            // a write after a prefetch is what reads see
            byte[] fresh = new byte[4096];
            new Random(2).nextBytes(fresh);
            await(v.write(300 * 4096L, Buffer.buffer(fresh), false));
            assertArrayEquals(fresh, await(v.read(300 * 4096L, 4096)).getBytes());
        }
        // every access was recorded, in the gateway's trace format, readable by the predictor's readers
        Path traceFile;
        try (var files = Files.walk(dir.resolve("traces"))) {
            traceFile = files.filter(f -> f.toString().endsWith(".sgtrace")).findFirst().orElseThrow();
        }
        int reads = 0;
        int writes = 0;
        try (TraceReader r = TraceReaders.open(traceFile)) {
            for (AccessRecord a; (a = r.next()) != null; ) {
                if (a.write()) {
                    writes++;
                    assertEquals(300 * 4096L, a.offset());
                } else {
                    assertEquals(4096, a.length());
                    reads++;
                }
            }
        }
        assertEquals(257, reads, "256 reads and the one after the write");
        assertEquals(1, writes);
    }

    @Test
    void theBudgetBoundsPrefetchReads() throws Exception {
        Owner owner = new Owner("me", store, vertx.createSharedWorkerExecutor("t2", 4), new SimpleMeterRegistry(),
                ram, null);
        try (Prefetcher p = new Prefetcher(readahead32(), name -> WorkloadType.GENERAL, null, 1,
                64 * 4096)) {
            owner.listenTo(p);
            LocalVolume v = volume(owner);
            for (int i = 0; i < 512; i++) {
                await(v.read(i * 4096L, 4096));
            }
            settle();
            assertTrue(v.stats().prefetchIssued() <= 64 * 2, "at most 64 blocks per second (the test runs under"
                    + " two seconds), issued " + v.stats().prefetchIssued());
        }
    }

    @Test
    void predictedRequestsArePublishedAsHeatAheadOfTheMeasuredLoad() throws Exception {
        Owner owner = new Owner("me", store, vertx.createSharedWorkerExecutor("t3", 4), new SimpleMeterRegistry(),
                ram, null);
        try (Prefetcher p = new Prefetcher(readahead32(), name -> WorkloadType.GENERAL, null, 8, 1L << 30)) {
            owner.listenTo(p);
            LocalVolume v = volume(owner);
            v.sampleLoad(System.nanoTime()); // start the interval
            for (int i = 0; i < 64; i++) { // chunks 0-3 (16 blocks each), sequentially
                await(v.read(i * 4096L, 4096));
            }
            settle();
            ShardLoad load = v.sampleLoad(System.nanoTime()).get(0);
            long[] predicted = load.predictedChunkOps();
            assertEquals(SIZE / CHUNK, predicted.length);
            assertTrue(load.predictedOpsPerSec() > 0, "readahead predicted requests: " + load);
            assertTrue(predicted[4] + predicted[5] > 0, "heat ahead of the reads (chunks 4-5): "
                    + java.util.Arrays.toString(predicted));
            for (int c = 7; c < predicted.length; c++) {
                assertEquals(0, predicted[c], "readahead32 never looks beyond 32 blocks: chunk " + c);
            }
            assertEquals(0, load.chunkOps()[4], "no demand read reached chunk 4");
            assertTrue(load.heatChunkOps()[4] > 0, "so its heat is the prediction alone");
        }
    }
}
