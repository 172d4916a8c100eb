package io.shardgate.gateway.tier;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@link CacheTier} contract, once for every tier implementation. */
class CacheTierContractTest {

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dir;

    @TestFactory
    Stream<DynamicTest> ramTier() {
        return contract("ram", () -> new RamTier(64 * 4096, 4));
    }

    @TestFactory
    Stream<DynamicTest> nvmeFileTier() {
        int[] n = {0};
        return contract("nvme-file", () -> {
            try {
                return NvmeFileTier.create(dir.resolve("tier-" + n[0]++), 64 * 4096, 4);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** A block whose bytes encode its key, so a torn or foreign block shows. */
    static ByteBuffer block(long volume, long block, int generation) {
        ByteBuffer b = ByteBuffer.allocate(4096);
        for (int i = 0; i < 4096 / 24; i++) {
            b.putLong(volume).putLong(block).putLong(generation);
        }
        return b.clear();
    }

    static void checkBlock(ByteBuffer b, long volume, long block) {
        b.flip();
        long generation = b.getLong(16);
        for (int i = 0; i < 4096 / 24; i++) {
            assertEquals(volume, b.getLong(), "volume key of the block");
            assertEquals(block, b.getLong(), "block number of the block");
            assertEquals(generation, b.getLong(), "one writer's bytes, not torn");
        }
    }

    static Stream<DynamicTest> contract(String name, Supplier<CacheTier> factory) {
        List<DynamicTest> t = new ArrayList<>();
        t.add(DynamicTest.dynamicTest(name + ": read after write, miss leaves dst alone", () -> {
            try (CacheTier tier = factory.get()) {
                tier.write(1, 7, block(1, 7, 0));
                ByteBuffer dst = ByteBuffer.allocate(4096);
                assertTrue(tier.read(1, 7, dst));
                assertEquals(4096, dst.position());
                checkBlock(dst, 1, 7);
                ByteBuffer miss = ByteBuffer.allocate(4096);
                assertFalse(tier.read(2, 7, miss), "another volume's key");
                assertEquals(0, miss.position());
            }
        }));
        t.add(DynamicTest.dynamicTest(name + ": eviction keeps within capacity", () -> {
            try (CacheTier tier = factory.get()) {
                for (int i = 0; i < 1000; i++) {
                    tier.write(3, i, block(3, i, 0));
                    assertTrue(tier.usedBytes() <= tier.capacityBytes());
                }
                assertEquals(tier.capacityBytes(), tier.usedBytes(), "full after many writes");
                int found = 0;
                for (int i = 0; i < 1000; i++) {
                    ByteBuffer dst = ByteBuffer.allocate(4096);
                    if (tier.read(3, i, dst)) {
                        checkBlock(dst, 3, i);
                        found++;
                    }
                }
                assertEquals(tier.capacityBytes() / 4096, found);
            }
        }));
        t.add(DynamicTest.dynamicTest(name + ": invalidate, invalidate volume, fillIf", () -> {
            try (CacheTier tier = factory.get()) {
                for (int i = 0; i < 10; i++) {
                    tier.write(5, i, block(5, i, 0));
                    tier.write(6, i, block(6, i, 0));
                }
                tier.invalidate(5, 3);
                assertFalse(tier.read(5, 3, ByteBuffer.allocate(4096)));
                tier.invalidateVolume(6);
                for (int i = 0; i < 10; i++) {
                    assertFalse(tier.read(6, i, ByteBuffer.allocate(4096)));
                }
                assertTrue(tier.read(5, 4, ByteBuffer.allocate(4096)), "other volume untouched");
                assertFalse(tier.fillIf(5, 3, block(5, 3, 1), () -> false));
                assertFalse(tier.read(5, 3, ByteBuffer.allocate(4096)), "a refused fill stores nothing");
                assertTrue(tier.fillIf(5, 3, block(5, 3, 1), () -> true));
                assertTrue(tier.read(5, 3, ByteBuffer.allocate(4096)));
            }
        }));
        t.add(DynamicTest.dynamicTest(name + ": concurrent readers and writers never see torn or foreign blocks", () -> {
            try (CacheTier tier = factory.get()) {
                ExecutorService pool = Executors.newFixedThreadPool(4);
                try {
                    List<Future<?>> fs = new ArrayList<>();
                    for (int w = 0; w < 4; w++) {
                        int worker = w;
                        fs.add(pool.submit(() -> {
                            ThreadLocalRandom r = ThreadLocalRandom.current();
                            for (int i = 0; i < 20_000; i++) {
                                long vol = r.nextInt(3);
                                long b = r.nextInt(200);
                                switch (r.nextInt(4)) {
                                    case 0 -> tier.write(vol, b, block(vol, b, worker * 100_000 + i));
                                    case 1 -> tier.invalidate(vol, b);
                                    default -> {
                                        ByteBuffer dst = ByteBuffer.allocate(4096);
                                        if (tier.read(vol, b, dst)) {
                                            checkBlock(dst, vol, b);
                                        }
                                    }
                                }
                            }
                            return null;
                        }));
                    }
                    for (Future<?> f : fs) {
                        f.get();
                    }
                } finally {
                    pool.shutdownNow();
                }
            }
        }));
        return t.stream();
    }
}
