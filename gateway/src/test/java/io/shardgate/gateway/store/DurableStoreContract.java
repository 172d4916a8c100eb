package io.shardgate.gateway.store;

import org.junit.jupiter.api.DynamicTest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link DurableStore} contract, written once and run against every implementation (memory, local directory,
 * RADOS): {@code @TestFactory Stream<DynamicTest> contract() { return DurableStoreContract.tests(factory); }}.
 */
public final class DurableStoreContract {
    private DurableStoreContract() {
    }

    /** Makes a fresh, empty store; {@code reopen} gives a new store over the same data (or null if not durable). */
    public interface Factory {
        DurableStore create() throws Exception;

        /** A new instance over the data of {@code closed}, or null when the store does not outlive its instance. */
        default DurableStore reopen(DurableStore closed) throws Exception {
            return null;
        }
    }

    @FunctionalInterface
    interface Body {
        void run(DurableStore s) throws Exception;
    }

    public static Stream<DynamicTest> tests(String name, Factory factory) {
        List<DynamicTest> t = new ArrayList<>();
        add(t, name, factory, "unwritten ranges read as zeroes", DurableStoreContract::zeroes);
        add(t, name, factory, "partial writes at chunk offsets and overwrites", DurableStoreContract::partialWrites);
        add(t, name, factory, "a write ending at the chunk end and a whole chunk", DurableStoreContract::chunkEnds);
        add(t, name, factory, "bad ranges throw and change nothing", DurableStoreContract::badRanges);
        add(t, name, factory, "discard of part and of a whole chunk", DurableStoreContract::discard);
        add(t, name, factory, "delete volume removes its chunks only", DurableStoreContract::deleteVolume);
        add(t, name, factory, "a chunk exists once written, per volume", DurableStoreContract::exists);
        add(t, name, factory, "metadata put, get, replace, list, delete", DurableStoreContract::metadata);
        add(t, name, factory, "concurrent writes to different chunks", DurableStoreContract::concurrent);
        add(t, name, factory, "buffer positions are left unchanged", DurableStoreContract::positions);
        t.add(DynamicTest.dynamicTest(name + ": data survives reopening", () -> {
            DurableStore s = factory.create();
            byte[] data = pattern(5000, 9);
            s.write("vol", 2, 100, ByteBuffer.wrap(data));
            s.putMeta("maps/vol", "v1".getBytes(StandardCharsets.UTF_8));
            s.close();
            DurableStore again = factory.reopen(s);
            if (again == null) {
                return; // not a durable implementation (memory)
            }
            try (again) {
                assertArrayEquals(data, read(again, "vol", 2, 100, 5000));
                assertEquals("v1", new String(again.getMeta("maps/vol").orElseThrow(), StandardCharsets.UTF_8));
            }
        }));
        return t.stream();
    }

    private static void add(List<DynamicTest> t, String name, Factory f, String what, Body body) {
        t.add(DynamicTest.dynamicTest(name + ": " + what, () -> {
            try (DurableStore s = f.create()) {
                body.run(s);
            }
        }));
    }

    static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] read(DurableStore s, String volume, long chunk, int offset, int length) throws Exception {
        ByteBuffer dst = ByteBuffer.allocate(length);
        Arrays.fill(dst.array(), (byte) 0x5a); // a store must overwrite every byte, zeroes included
        s.read(volume, chunk, offset, dst);
        return dst.array();
    }

    private static void zeroes(DurableStore s) throws Exception {
        assertArrayEquals(new byte[4096], read(s, "vol", 0, 0, 4096));
        s.write("vol", 1, 8192, ByteBuffer.wrap(pattern(100, 1)));
        assertArrayEquals(new byte[8192], read(s, "vol", 1, 0, 8192), "before the written range");
        assertArrayEquals(new byte[300], read(s, "vol", 1, 8292, 300), "after the written range");
    }

    private static void partialWrites(DurableStore s) throws Exception {
        byte[] a = pattern(10_000, 2);
        byte[] b = pattern(3_000, 3);
        s.write("vol", 0, 512, ByteBuffer.wrap(a));
        s.write("vol", 0, 4000, ByteBuffer.wrap(b));
        byte[] expected = new byte[12_000];
        System.arraycopy(a, 0, expected, 512, a.length);
        System.arraycopy(b, 0, expected, 4000, b.length);
        assertArrayEquals(expected, read(s, "vol", 0, 0, 12_000));
    }

    private static void chunkEnds(DurableStore s) throws Exception {
        int cs = s.chunkSize();
        byte[] tail = pattern(777, 4);
        s.write("vol", 3, cs - 777, ByteBuffer.wrap(tail));
        assertArrayEquals(tail, read(s, "vol", 3, cs - 777, 777));
        byte[] whole = pattern(cs, 5);
        s.write("vol", 4, 0, ByteBuffer.wrap(whole));
        assertArrayEquals(whole, read(s, "vol", 4, 0, cs));
    }

    private static void badRanges(DurableStore s) throws Exception {
        int cs = s.chunkSize();
        byte[] data = pattern(1000, 6);
        s.write("vol", 0, 0, ByteBuffer.wrap(data));
        assertThrows(IllegalArgumentException.class, () -> s.write("vol", 0, cs - 10, ByteBuffer.allocate(11)));
        assertThrows(IllegalArgumentException.class, () -> s.write("vol", 0, -1, ByteBuffer.allocate(1)));
        assertThrows(IllegalArgumentException.class, () -> s.write("vol", -1, 0, ByteBuffer.allocate(1)));
        assertThrows(IllegalArgumentException.class, () -> s.read("vol", 0, cs, ByteBuffer.allocate(1)));
        assertThrows(IllegalArgumentException.class, () -> s.discard("vol", 0, 0, cs + 1));
        assertThrows(IllegalArgumentException.class, () -> s.write("../x", 0, 0, ByteBuffer.allocate(1)));
        assertThrows(IllegalArgumentException.class, () -> s.putMeta("../escape", new byte[1]));
        assertArrayEquals(data, read(s, "vol", 0, 0, 1000), "nothing changed");
    }

    private static void discard(DurableStore s) throws Exception {
        int cs = s.chunkSize();
        byte[] data = pattern(cs, 7);
        s.write("vol", 0, 0, ByteBuffer.wrap(data));
        s.discard("vol", 0, 100, 200);
        byte[] expected = data.clone();
        Arrays.fill(expected, 100, 300, (byte) 0);
        assertArrayEquals(expected, read(s, "vol", 0, 0, cs));
        s.discard("vol", 0, cs - 50, 50);
        Arrays.fill(expected, cs - 50, cs, (byte) 0);
        assertArrayEquals(expected, read(s, "vol", 0, 0, cs), "discard at the end");
        s.discard("vol", 0, 0, cs);
        assertArrayEquals(new byte[cs], read(s, "vol", 0, 0, cs), "whole chunk");
        s.discard("vol", 9, 0, 10); // a chunk that never existed
    }

    private static void deleteVolume(DurableStore s) throws Exception {
        s.write("a", 0, 0, ByteBuffer.wrap(pattern(10, 8)));
        s.write("a", 5, 0, ByteBuffer.wrap(pattern(10, 8)));
        s.write("b", 0, 0, ByteBuffer.wrap(pattern(10, 9)));
        s.deleteVolume("a");
        s.deleteVolume("a");
        assertArrayEquals(new byte[10], read(s, "a", 5, 0, 10));
        assertArrayEquals(pattern(10, 9), read(s, "b", 0, 0, 10), "other volumes untouched");
    }

    private static void exists(DurableStore s) throws Exception {
        assertFalse(s.exists("vol", 3));
        s.write("vol", 3, 4096, ByteBuffer.wrap(pattern(10, 4)));
        assertTrue(s.exists("vol", 3));
        assertFalse(s.exists("vol", 2), "a neighbour");
        assertFalse(s.exists("vol@1", 3), "a layer of the same volume is another namespace");
        s.deleteVolume("vol");
        assertFalse(s.exists("vol", 3), "gone with its volume");
        assertThrows(IllegalArgumentException.class, () -> s.exists("vol", -1));
    }

    private static void metadata(DurableStore s) throws Exception {
        assertTrue(s.getMeta("volumes/x").isEmpty());
        s.putMeta("volumes/x", new byte[] {1});
        s.putMeta("volumes/x", new byte[] {2, 3});
        s.putMeta("volumes/y", new byte[0]);
        s.putMeta("maps/x", new byte[] {4});
        assertArrayEquals(new byte[] {2, 3}, s.getMeta("volumes/x").orElseThrow());
        assertArrayEquals(new byte[0], s.getMeta("volumes/y").orElseThrow());
        assertEquals(List.of("volumes/x", "volumes/y"), s.listMeta("volumes/"));
        s.deleteMeta("volumes/x");
        s.deleteMeta("volumes/x");
        assertEquals(List.of("volumes/y"), s.listMeta("volumes/"));
        assertEquals(List.of("maps/x"), s.listMeta("maps/"));
    }

    private static void concurrent(DurableStore s) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int c = 0; c < 16; c++) {
                long chunk = c;
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < 8; i++) {
                        s.write("vol", chunk, i * 4096, ByteBuffer.wrap(pattern(4096, (int) chunk * 100 + i)));
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
            for (int c = 0; c < 16; c++) {
                for (int i = 0; i < 8; i++) {
                    assertArrayEquals(pattern(4096, c * 100 + i), read(s, "vol", c, i * 4096, 4096));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void positions(DurableStore s) throws Exception {
        ByteBuffer src = ByteBuffer.wrap(pattern(64, 10));
        src.position(8);
        s.write("vol", 0, 0, src);
        assertEquals(8, src.position());
        ByteBuffer dst = ByteBuffer.allocate(64);
        dst.position(8);
        s.read("vol", 0, 0, dst);
        assertEquals(8, dst.position());
        assertArrayEquals(Arrays.copyOfRange(pattern(64, 10), 8, 64), Arrays.copyOfRange(dst.array(), 8, 64));
    }
}
