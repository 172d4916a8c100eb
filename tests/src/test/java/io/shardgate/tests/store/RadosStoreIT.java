package io.shardgate.tests.store;

import io.shardgate.gateway.engine.SnapshotContract;
import io.shardgate.gateway.store.DurableStore;
import io.shardgate.gateway.store.DurableStoreContract;
import io.shardgate.gateway.store.RadosStore;
import io.shardgate.tests.fixture.CephCluster;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;

/** The durable-store contract against a real Ceph cluster (memstore OSD on loopback). */
class RadosStoreIT {
    private static final int CHUNK = 64 << 10;

    @TestFactory
    Stream<DynamicTest> rados() {
        return DurableStoreContract.tests("rados", new DurableStoreContract.Factory() {
            @Override
            public DurableStore create() throws Exception {
                // the contract expects an empty store: clear the volumes and keys it uses (a fresh pool per test
                // would cost seconds each)
                RadosStore s = new RadosStore(CephCluster.conf(), CephCluster.CLIENT, CephCluster.POOL, CHUNK);
                for (String v : new String[] {"vol", "a", "b"}) {
                    s.deleteVolume(v);
                }
                for (String k : s.listMeta("")) {
                    s.deleteMeta(k);
                }
                return s;
            }

            @Override
            public DurableStore reopen(DurableStore closed) throws Exception {
                return new RadosStore(CephCluster.conf(), CephCluster.CLIENT, CephCluster.POOL, CHUNK);
            }
        });
    }

    /** Snapshots, clones and reverts with their chunk layers in RADOS: each test gets a pool of its own. */
    @TestFactory
    Stream<DynamicTest> snapshots() {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return SnapshotContract.tests("rados", new SnapshotContract.Stores() {
            private String pool;

            @Override
            public DurableStore create() throws Exception {
                pool = CephCluster.createPool("snapshots-" + ProcessHandle.current().pid() + "-" + n.incrementAndGet());
                return new RadosStore(CephCluster.conf(), CephCluster.CLIENT, pool, CHUNK);
            }

            @Override
            public DurableStore reopen(DurableStore closed) throws Exception {
                return new RadosStore(CephCluster.conf(), CephCluster.CLIENT, pool, CHUNK);
            }
        });
    }

    /** The capacity is the Ceph cluster's own: the test cluster has one memstore OSD of 4 GiB. */
    @Test
    void capacityIsTheClustersAndGrowsUsedWhenWritten() throws Exception {
        try (RadosStore s = new RadosStore(CephCluster.conf(), CephCluster.CLIENT, CephCluster.POOL, CHUNK)) {
            var c = s.capacity().orElseThrow();
            org.junit.jupiter.api.Assertions.assertTrue(c.totalBytes() >= 1L << 30 && c.totalBytes() <= 64L << 30,
                    "one memstore OSD (CEPH_MEMSTORE_BYTES, 4 GiB by default): " + c);
            org.junit.jupiter.api.Assertions.assertTrue(c.availableBytes() > 0 && c.availableBytes() <= c.totalBytes(),
                    c.toString());
        }
    }

    /** The asynchronous calls (librados aio through JNA) agree with the synchronous ones, many in flight at once. */
    @Test
    void asynchronousReadsAndWritesAgreeWithTheSynchronousOnes() throws Exception {
        try (RadosStore s = new RadosStore(CephCluster.conf(), CephCluster.CLIENT, CephCluster.POOL, CHUNK)) {
            s.deleteVolume("aio");
            Random r = new Random(21);
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            byte[][] data = new byte[64][];
            for (int i = 0; i < 64; i++) {
                data[i] = new byte[1000 + r.nextInt(3000)];
                r.nextBytes(data[i]);
                writes.add(s.writeAsync("aio", i, 100, data[i], 0, data[i].length).toCompletableFuture());
            }
            CompletableFuture.allOf(writes.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
            List<CompletableFuture<Void>> reads = new ArrayList<>();
            byte[][] back = new byte[64][];
            for (int i = 0; i < 64; i++) {
                back[i] = new byte[data[i].length + 200];
                java.util.Arrays.fill(back[i], (byte) 0x77);
                reads.add(s.readAsync("aio", i, 0, back[i], 0, back[i].length).toCompletableFuture());
            }
            CompletableFuture.allOf(reads.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
            for (int i = 0; i < 64; i++) {
                byte[] expected = new byte[back[i].length];
                System.arraycopy(data[i], 0, expected, 100, data[i].length);
                assertArrayEquals(expected, back[i], "chunk " + i + ": zeroes around the written bytes");
                ByteBuffer sync = ByteBuffer.allocate(data[i].length);
                s.read("aio", i, 100, sync);
                assertArrayEquals(data[i], sync.array(), "the synchronous read sees the asynchronous write");
            }
            byte[] missing = new byte[500];
            java.util.Arrays.fill(missing, (byte) 1);
            s.readAsync("aio", 999, 0, missing, 0, 500).toCompletableFuture().get(60, TimeUnit.SECONDS);
            assertArrayEquals(new byte[500], missing, "a chunk never written reads as zeroes");
            assertThrows(IllegalArgumentException.class, () -> s.writeAsync("aio", 0, CHUNK - 1, new byte[2], 0, 2));
            s.deleteVolume("aio");
        }
    }
}
