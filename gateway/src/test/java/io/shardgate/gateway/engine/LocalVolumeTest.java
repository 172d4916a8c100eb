package io.shardgate.gateway.engine;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shardgate.core.map.Shard;
import io.shardgate.core.map.ShardMap;
import io.shardgate.gateway.io.VolumeIoException;
import io.shardgate.gateway.store.MemoryStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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
    }

    private LocalVolume volume(String owner) {
        return volume(owner, null);
    }

    private LocalVolume volume(String owner, io.shardgate.gateway.tier.CacheTier ram) {
        return new LocalVolume("v", () -> map, owner, store, pool, new VolumeMetrics(new SimpleMeterRegistry(), "v"),
                ram, 1);
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "RAM tier: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void randomWritesAndReadsMatchAReference(boolean withRam) throws Exception {
        LocalVolume v = volume("me", withRam ? new io.shardgate.gateway.tier.RamTier(4 << 20, 4) : null);
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
    @Test
    void fillsNeverLeaveTheTierOlderThanTheStore() throws Exception {
        io.shardgate.gateway.tier.RamTier ram = new io.shardgate.gateway.tier.RamTier(4 << 20, 4);
        LocalVolume v = volume("me", ram);
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
            assertArrayEquals(truth, await(v.read(0, blocks * 4096)).getBytes(), "round " + round + " (from RAM)");
        }
        assertTrue(ram.usedBytes() > 0, "the tier was used");
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
