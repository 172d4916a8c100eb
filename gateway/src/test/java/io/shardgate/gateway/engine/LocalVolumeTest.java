package io.shardgate.gateway.engine;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shardgate.core.map.Shard;
import io.shardgate.core.map.ShardMap;
import io.shardgate.gateway.io.VolumeIoException;
import io.shardgate.core.reshard.ShardLoad;
import io.shardgate.gateway.store.MemoryStore;
import io.shardgate.gateway.tier.CacheTier;
import io.shardgate.gateway.tier.NvmeFileTier;
import io.shardgate.gateway.tier.RamTier;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Random I/O across chunk and shard boundaries, checked against a reference byte array. */
class LocalVolumeTest {
    private static final int CHUNK = 64 << 10;
    private static final int SIZE = 16 * CHUNK;

    private Vertx vertx;
    private WorkerExecutor pool;
    private MemoryStore store;
    private ShardMap map;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        pool = vertx.createSharedWorkerExecutor("store-io-test", 4);
        store = new MemoryStore(CHUNK);
        map = ShardMap.of("v", "sp", 1, SIZE, CHUNK, List.of(new Shard(0, 5L * CHUNK, "me"),
                new Shard(5L * CHUNK, 11L * CHUNK, "me")));
    }

    @AfterEach
    void tearDown() {
        vertx.close();
        tiers.forEach(CacheTier::close);
    }

    /** Which cache tiers sit in front of the store. */
    enum Tiers {
        NONE, RAM, NVME, RAM_AND_NVME;

        boolean ram() {
            return this == RAM || this == RAM_AND_NVME;
        }

        boolean nvme() {
            return this == NVME || this == RAM_AND_NVME;
        }
    }

    @TempDir
    Path tmp;
    private final List<CacheTier> tiers = new ArrayList<>();

    private LocalVolume volume(String owner) {
        return volume(owner, Tiers.NONE);
    }

    private LocalVolume volume(String owner, Tiers t) {
        try {
            CacheTier ram = t.ram() ? new RamTier(4 << 20, 4) : null;
            CacheTier nvme = t.nvme() ? NvmeFileTier.create(tmp.resolve("nvme-" + tiers.size()), 4 << 20, 4) : null;
            for (CacheTier c : new CacheTier[] {ram, nvme}) {
                if (c != null) {
                    tiers.add(c);
                }
            }
            return new Owner(owner, store, pool, new SimpleMeterRegistry(), ram, nvme).open("v", () -> map, Layers.of("v"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @ParameterizedTest(name = "tiers: {0}")
    @EnumSource(Tiers.class)
    void randomWritesAndReadsMatchAReference(Tiers t) throws Exception {
        LocalVolume v = volume("me", t);
        byte[] reference = new byte[SIZE];
        Random r = new Random(11);
        for (int round = 0; round < 20; round++) {
            List<Future<Void>> writes = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                // disjoint ranges within a round, so the reference is exact even though writes run concurrently
                int slot = SIZE / 8;
                int len = 1 + r.nextInt(slot - 1);
                int off = i * slot + r.nextInt(slot - len + 1);
                byte[] data = new byte[len];
                r.nextBytes(data);
                System.arraycopy(data, 0, reference, off, len);
                writes.add(v.write(off, Buffer.buffer(data), false));
            }
            await(Future.all(writes));
            if (round % 5 == 4) {
                int off = r.nextInt(SIZE - 3 * CHUNK);
                await(v.trim(off, 3 * CHUNK));
                java.util.Arrays.fill(reference, off, off + 3 * CHUNK, (byte) 0);
            }
            int off = r.nextInt(SIZE / 2);
            int len = 1 + r.nextInt(SIZE / 2);
            byte[] got = await(v.read(off, len)).getBytes();
            assertArrayEquals(java.util.Arrays.copyOfRange(reference, off, off + len), got, "round " + round);
        }
        assertArrayEquals(reference, await(v.read(0, SIZE)).getBytes());
    }

    /**
     * Reads that fill the tier race with writes to the same blocks; after every round the volume (served from the
     * tier where it can) must read exactly what the store holds: a stale fill would show as a difference.
     */
    @ParameterizedTest(name = "tiers: {0}")
    @EnumSource(value = Tiers.class, names = {"RAM", "NVME", "RAM_AND_NVME"})
    void fillsNeverLeaveTheTierOlderThanTheStore(Tiers t) throws Exception {
        LocalVolume v = volume("me", t);
        Random r = new Random(17);
        int blocks = 8;
        for (int round = 0; round < 150; round++) {
            List<Future<?>> ops = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                long off = (long) r.nextInt(blocks) * 4096;
                if (r.nextBoolean()) {
                    byte[] data = new byte[4096];
                    r.nextBytes(data);
                    ops.add(v.write(off, Buffer.buffer(data), false));
                } else {
                    ops.add(v.read(off, 4096 * (1 + r.nextInt(2))));
                }
            }
            await(Future.join(new ArrayList<>(ops.stream().map(f -> (Future<?>) f).toList())));
            byte[] truth = new byte[blocks * 4096];
            store.read("v", 0, 0, java.nio.ByteBuffer.wrap(truth));
            assertArrayEquals(truth, await(v.read(0, blocks * 4096)).getBytes(), "round " + round);
            // a second read is a tier hit now: it must agree as well
            assertArrayEquals(truth, await(v.read(0, blocks * 4096)).getBytes(), "round " + round + " (from a tier)");
        }
        for (CacheTier c : tiers) {
            assertTrue(c.usedBytes() > 0, "the tier was used: " + c);
        }
    }

    @Test
    void aSecondReadIsServedByTheNvmeTierAndRefillsRam() throws Exception {
        LocalVolume v = volume("me", Tiers.RAM_AND_NVME);
        byte[] data = new byte[8192];
        new Random(3).nextBytes(data);
        await(v.write(4096, Buffer.buffer(data), false));
        assertArrayEquals(data, await(v.read(4096, 8192)).getBytes()); // from the store: fills both tiers
        CacheTier nvme = tiers.get(1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (nvme.usedBytes() < 8192 && System.nanoTime() < deadline) {
            Thread.sleep(5); // the NVMe fill runs on the worker pool after the reply
        }
        tiers.get(0).invalidateVolume(1); // RAM loses the blocks, NVMe keeps them
        assertArrayEquals(data, await(v.read(4096, 8192)).getBytes());
        assertEquals(2, v.stats().nvmeHits(), "both blocks came from the NVMe tier");
        assertEquals(1, v.stats().misses(), "only the first read reached the store");
        assertArrayEquals(data, await(v.read(4096, 8192)).getBytes());
        assertEquals(2, v.stats().ramHits(), "the NVMe hit refilled the RAM tier");
    }

    @Test
    void prefetchFillsTheTierAndTheListenerHearsEveryRequest() throws Exception {
        RamTier ram = new RamTier(4 << 20, 4);
        tiers.add(ram);
        Owner owner = new Owner("me", store, pool, new SimpleMeterRegistry(), ram, null);
        List<String> heard = java.util.Collections.synchronizedList(new ArrayList<>());
        owner.listenTo((vol, off, len, write, ramHit, nanos) -> heard.add((write ? "w" : "r") + off + "+" + len
                + (ramHit ? " hit" : "")));
        LocalVolume v = owner.open("v", () -> map, Layers.of("v"));
        byte[] data = new byte[8192];
        new Random(8).nextBytes(data);
        await(v.write(CHUNK, Buffer.buffer(data), false));
        assertTrue(await(v.prefetch(CHUNK, 8192)), "read from the store");
        assertEquals(false, await(v.prefetch(CHUNK, 8192)), "already cached");
        assertArrayEquals(data, await(v.read(CHUNK, 8192)).getBytes());
        assertEquals(2, v.stats().ramHits(), "the prefetched blocks served the read");
        assertEquals(List.of("w" + CHUNK + "+8192", "r" + CHUNK + "+8192 hit"), heard, "prefetches are not accesses");
        Throwable e = v.prefetch(1, 4096).toCompletionStage().toCompletableFuture().handle((ok, err) -> err).get();
        assertInstanceOf(IllegalArgumentException.class, e);
    }

    @Test
    void anUnalignedReadOfCachedBlocksIsServedFromRam() throws Exception {
        LocalVolume v = volume("me", Tiers.RAM);
        byte[] data = new byte[8192];
        new Random(4).nextBytes(data);
        await(v.write(0, Buffer.buffer(data), false));
        await(v.read(0, 8192)); // caches both blocks
        long before = v.stats().ramHits();
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 100, 5100), await(v.read(100, 5000)).getBytes());
        assertEquals(before + 2, v.stats().ramHits(), "both blocks came from RAM");
        assertEquals(1, v.stats().misses(), "only the first read reached the store");
    }

    @Test
    void cachedBlocksOfAShardThatMovedAwayAreNotServed() throws Exception {
        LocalVolume v = volume("me", Tiers.RAM_AND_NVME);
        await(v.write(0, Buffer.buffer(new byte[4096]), false));
        await(v.read(0, 4096)); // now cached
        map = map.move(0, "another-server");
        Throwable e = v.read(0, 4096).toCompletionStage().toCompletableFuture().handle((ok, err) -> err).get();
        assertEquals(VolumeIoException.Kind.NOT_PERMITTED, assertInstanceOf(VolumeIoException.class, e).kind());
    }

    @Test
    void loadIsSampledPerOwnedShardAndChunk() throws Exception {
        map = ShardMap.of("v", "sp", 1, SIZE, CHUNK, List.of(new Shard(0, 5L * CHUNK, "me"),
                new Shard(5L * CHUNK, 6L * CHUNK, "other"), new Shard(11L * CHUNK, 5L * CHUNK, "me")));
        LocalVolume v = volume("me");
        v.sampleLoad(System.nanoTime());
        for (int i = 0; i < 6; i++) {
            await(v.write(2L * CHUNK + i * 4096, Buffer.buffer(new byte[4096]), false));
        }
        await(v.read(12L * CHUNK, 4096));
        List<ShardLoad> loads = v.sampleLoad(System.nanoTime());
        assertEquals(List.of(0, 2), loads.stream().map(ShardLoad::shardIndex).toList(), "only owned shards");
        ShardLoad first = loads.get(0);
        assertArrayEquals(new long[] {0, 0, 6, 0, 0}, first.chunkOps());
        assertTrue(first.opsPerSec() > 0 && first.bytesPerSec() >= first.opsPerSec() * 4096 * 0.99);
        assertTrue(first.latencyUs() > 0, "latency " + first.latencyUs());
        assertArrayEquals(new long[] {0, 1, 0, 0, 0}, loads.get(1).chunkOps());
        assertEquals(0, v.sampleLoad(System.nanoTime()).get(0).opsPerSec(), "counts are since the previous sample");
    }

    @Test
    void outOfRangeRequestsFailAndChangeNothing() throws Exception {
        LocalVolume v = volume("me");
        await(v.write(0, Buffer.buffer(new byte[] {1, 2, 3}), false));
        for (Future<?> f : List.of(v.write(SIZE - 1, Buffer.buffer(new byte[2]), false), v.read(-1, 10),
                v.read(SIZE, 1), v.trim(SIZE - 10, 11), v.writeZeroes(Long.MAX_VALUE - 1, 10, false))) {
            Throwable e = f.toCompletionStage().toCompletableFuture().handle((ok, err) -> err).get();
            assertEquals(VolumeIoException.Kind.OUT_OF_RANGE, assertInstanceOf(VolumeIoException.class, e).kind());
        }
        assertArrayEquals(new byte[] {1, 2, 3}, await(v.read(0, 3)).getBytes());
    }

    @Test
    void aServerThatDoesNotOwnTheShardRefusesIt() throws Exception {
        LocalVolume v = volume("someone-else");
        Throwable e = v.read(0, 10).toCompletionStage().toCompletableFuture().handle((ok, err) -> err).get();
        assertEquals(VolumeIoException.Kind.NOT_PERMITTED, assertInstanceOf(VolumeIoException.class, e).kind());
    }
}
