package io.shardgate.gateway.engine;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shardgate.core.plan.SpreadingPlanner;
import io.shardgate.core.spec.PerformanceSpec;
import io.shardgate.core.spec.WorkloadType;
import io.shardgate.core.topology.Server;
import io.shardgate.core.topology.ServerCapacity;
import io.shardgate.gateway.io.BlockVolume;
import io.shardgate.gateway.store.DurableStore;
import io.shardgate.gateway.tier.RamTier;
import io.shardgate.gateway.volume.CreateVolumeRequest;
import io.shardgate.gateway.volume.VolumeException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DynamicTest;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Snapshots, clones and reverts of the single-node volume manager over a real durable store, with a RAM tier in
 * front (so stale cached blocks would show). Run by every store's suite: {@code SnapshotContract.tests(name, f)}.
 * The store's chunk size must be 64 KiB, so that the volumes span several chunks.
 */
public final class SnapshotContract {
    private static final int CHUNK = 64 << 10;
    private static final long SIZE = 8L * CHUNK;

    /** Makes an empty store with 64 KiB chunks, and opens it again over the same data. */
    public interface Stores {
        DurableStore create() throws Exception;

        DurableStore reopen(DurableStore closed) throws Exception;
    }

    private SnapshotContract() {
    }

    /** A running manager over one store. */
    private static final class Rig implements AutoCloseable {
        final Vertx vertx = Vertx.vertx();
        final WorkerExecutor pool = vertx.createSharedWorkerExecutor("snap-" + System.nanoTime(), 8);
        final DurableStore store;
        final RamTier ram = new RamTier(8 << 20, 4);
        final LocalVolumeManager manager;

        Rig(DurableStore store) throws Exception {
            this.store = store;
            Owner owner = new Owner("gw", store, pool, new SimpleMeterRegistry(), ram, null);
            manager = LocalVolumeManager.open(new Server("gw", "r", "sp", new ServerCapacity(100_000, 1000, 0, 0)),
                    owner, new SpreadingPlanner(), new LoadMonitor(owner, vertx, 1000));
        }

        void create(String name, CreateVolumeRequest.Source source) throws Exception {
            await(manager.create(new CreateVolumeRequest(name, PerformanceSpec.of(SIZE, 100, 10, 0,
                    WorkloadType.GENERAL), null, source)));
        }

        BlockVolume volume(String name) {
            return manager.open(name);
        }

        void write(String volume, long offset, byte[] data) throws Exception {
            await(volume(volume).write(offset, Buffer.buffer(data), false));
        }

        byte[] read(String volume, long offset, int length) throws Exception {
            return await(volume(volume).read(offset, length)).getBytes();
        }

        @Override
        public void close() throws Exception {
            pool.close();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            ram.close();
        }
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static VolumeException.Kind failure(Future<?> f) throws Exception {
        Throwable e = f.toCompletionStage().toCompletableFuture().handle((ok, err) -> err).get(30, TimeUnit.SECONDS);
        return assertInstanceOf(VolumeException.class, e, "expected a refusal").kind();
    }

    public static Stream<DynamicTest> tests(String name, Stores stores) {
        List<DynamicTest> t = new ArrayList<>();
        t.add(DynamicTest.dynamicTest(name + ": a snapshot copies nothing and keeps the old data", () -> {
            try (Rig rig = new Rig(stores.create())) {
                byte[] before = pattern((int) SIZE, 1);
                rig.create("v", null);
                rig.write("v", 0, before);
                await(rig.manager.createSnapshot("v", "s1"));
                String top = ((LocalVolume) rig.volume("v")).layers().top();
                for (long c = 0; c < SIZE / CHUNK; c++) {
                    assertFalse(rig.store.exists(top, c), "the new top layer starts empty: nothing was copied");
                }
                byte[] patch = pattern(5000, 2);
                rig.write("v", CHUNK - 1000, patch); // straddles two chunks: both copied up, merged
                byte[] now = before.clone();
                System.arraycopy(patch, 0, now, CHUNK - 1000, patch.length);
                assertArrayEquals(now, rig.read("v", 0, (int) SIZE), "the volume reads the new data");
                rig.create("from-s1", new CreateVolumeRequest.Source("v", "s1"));
                assertArrayEquals(before, rig.read("from-s1", 0, (int) SIZE), "the snapshot kept the old data");
                assertEquals(List.of("s1"), await(rig.manager.snapshots("v")).stream().map(s -> s.name()).toList());
            }
        }));
        t.add(DynamicTest.dynamicTest(name + ": clones read through until written, independently", () -> {
            try (Rig rig = new Rig(stores.create())) {
                byte[] base = pattern((int) SIZE, 3);
                rig.create("src", null);
                rig.write("src", 0, base);
                rig.create("clone", new CreateVolumeRequest.Source("src", null)); // of the live volume
                assertArrayEquals(base, rig.read("clone", 0, (int) SIZE));
                byte[] c = pattern(100, 4);
                rig.write("clone", 3 * CHUNK + 10, c);
                byte[] s = pattern(100, 5);
                rig.write("src", 3 * CHUNK + 500, s);
                byte[] cloneView = base.clone();
                System.arraycopy(c, 0, cloneView, 3 * CHUNK + 10, 100);
                byte[] srcView = base.clone();
                System.arraycopy(s, 0, srcView, 3 * CHUNK + 500, 100);
                assertArrayEquals(cloneView, rig.read("clone", 0, (int) SIZE), "the clone sees only its writes");
                assertArrayEquals(srcView, rig.read("src", 0, (int) SIZE), "the source sees only its writes");
                await(rig.volume("clone").trim(0, CHUNK)); // must not uncover the source's data
                assertArrayEquals(new byte[CHUNK], rig.read("clone", 0, CHUNK));
                java.util.Arrays.fill(cloneView, 0, CHUNK, (byte) 0);
                await(rig.manager.delete("src")); // the clone still reads its layers: they stay
                assertArrayEquals(cloneView, rig.read("clone", 0, (int) SIZE), "the clone kept its data");
                rig.create("src", null); // a new volume of the old name must not see the old data
                assertArrayEquals(new byte[(int) SIZE], rig.read("src", 0, (int) SIZE));
                rig.write("src", 0, pattern(4096, 13));
                assertArrayEquals(cloneView, rig.read("clone", 0, (int) SIZE), "nor change the clone");
                await(rig.manager.delete("clone"));
                await(rig.manager.delete("src"));
                assertTrue(await(rig.manager.list()).isEmpty());
            }
        }));
        t.add(DynamicTest.dynamicTest(name + ": revert brings the snapshot back, also in the RAM tier", () -> {
            try (Rig rig = new Rig(stores.create())) {
                byte[] old = pattern((int) SIZE, 6);
                rig.create("v", null);
                rig.write("v", 0, old);
                await(rig.manager.createSnapshot("v", "good"));
                rig.write("v", 4096, pattern(8192, 7));
                rig.read("v", 0, (int) SIZE); // the bad data is in the RAM tier now
                await(rig.manager.revert("v", "good"));
                assertArrayEquals(old, rig.read("v", 0, (int) SIZE));
                rig.write("v", 0, pattern(4096, 8));
                await(rig.manager.revert("v", "good"));
                assertArrayEquals(old, rig.read("v", 0, (int) SIZE), "a snapshot can be reverted to twice");
            }
        }));
        t.add(DynamicTest.dynamicTest(name + ": deleting what clones read loses nothing", () -> {
            try (Rig rig = new Rig(stores.create())) {
                rig.create("v", null);
                rig.write("v", 0, pattern(4096, 9));
                await(rig.manager.createSnapshot("v", "s"));
                rig.create("c", new CreateVolumeRequest.Source("v", "s"));
                assertEquals(VolumeException.Kind.IN_USE, failure(rig.manager.delete("v")), "v has a snapshot");
                await(rig.manager.deleteSnapshot("v", "s")); // c reads its layer: the layer stays
                assertArrayEquals(pattern(4096, 9), rig.read("c", 0, 4096), "the clone still reads the data");
                assertArrayEquals(pattern(4096, 9), rig.read("v", 0, 4096), "the volume still reads its data");
                await(rig.manager.delete("v"));
                assertArrayEquals(pattern(4096, 9), rig.read("c", 0, 4096), "the clone outlives its source");
                assertTrue(rig.store.exists("v", 0), "the source's layer is kept while the clone reads it");
                await(rig.manager.delete("c"));
                assertFalse(rig.store.exists("v", 0), "and removed with the last reader");
                assertEquals(VolumeException.Kind.NOT_FOUND, failure(rig.manager.deleteSnapshot("v", "s")));
                rig.create("w", null);
                assertEquals(VolumeException.Kind.INVALID, failure(rig.manager.createSnapshot("w", "../x")));
            }
        }));
        t.add(DynamicTest.dynamicTest(name + ": no acknowledged write is lost to a snapshot taken under load", () -> {
            try (Rig rig = new Rig(stores.create())) {
                rig.create("v", null);
                byte[] truth = new byte[(int) SIZE];
                Random r = new Random(10);
                for (int round = 0; round < 6; round++) {
                    List<Future<Void>> writes = new ArrayList<>();
                    for (int i = 0; i < 16; i++) {
                        int slot = (int) (SIZE / 16);
                        int len = 1 + r.nextInt(slot - 1);
                        int off = i * slot + r.nextInt(slot - len + 1);
                        byte[] data = pattern(len, round * 100 + i);
                        System.arraycopy(data, 0, truth, off, len);
                        writes.add(rig.volume("v").write(off, Buffer.buffer(data), false));
                    }
                    Future<?> snap = rig.manager.createSnapshot("v", "s" + round);
                    await(Future.all(writes));
                    await(snap);
                    assertArrayEquals(truth, rig.read("v", 0, (int) SIZE), "round " + round);
                }
            }
        }));
        t.add(DynamicTest.dynamicTest(name + ": layers and snapshots survive a restart", () -> {
            DurableStore store = stores.create();
            byte[] a = pattern((int) SIZE, 11);
            byte[] b = pattern(4096, 12);
            try (Rig rig = new Rig(store)) {
                rig.create("v", null);
                rig.write("v", 0, a);
                await(rig.manager.createSnapshot("v", "s"));
                rig.write("v", 0, b);
            }
            store.close();
            try (Rig rig = new Rig(stores.reopen(store))) {
                byte[] now = a.clone();
                System.arraycopy(b, 0, now, 0, 4096);
                assertArrayEquals(now, rig.read("v", 0, (int) SIZE));
                await(rig.manager.revert("v", "s"));
                assertArrayEquals(a, rig.read("v", 0, (int) SIZE));
                rig.store.close();
            }
        }));
        return t.stream();
    }
}
