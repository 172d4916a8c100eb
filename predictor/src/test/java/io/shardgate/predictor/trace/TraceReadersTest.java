package io.shardgate.predictor.trace;

import io.shardgate.predictor.SharedTraces;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TraceReadersTest {

    record Counts(long requests, long reads, long writes, String format, AccessRecord first) {
    }

    static Counts count(Path file) throws IOException {
        long n = 0;
        long reads = 0;
        AccessRecord first = null;
        try (TraceReader r = TraceReaders.open(file)) {
            for (AccessRecord a = r.next(); a != null; a = r.next()) {
                if (first == null) {
                    first = a;
                }
                n++;
                reads += a.write() ? 0 : 1;
            }
            return new Counts(n, reads, n - reads, r.format(), first);
        }
    }

    @ParameterizedTest
    @CsvSource({
            "cloudPhysicsIO.csv, 113872, 46974, cloudphysics-csv",
            "P3.lis.zst, 238578, 238578, arc-lis",
            "OLTP.lis.zst, 914145, 914145, arc-lis",
            "msr-cambridge1-sample.csv, 1000, -1, msr-csv",
            "systor17-traces-sample.csv.gz, 999, -1, systor-csv",
            "cloud_storage-sample.bz2, 50000, -1, tencent-csv"})
    void theSharedTracesAreDetectedAndReadWhole(String name, long requests, long reads, String format)
            throws IOException {
        Counts c = count(SharedTraces.file(name));
        assertEquals(format, c.format());
        assertEquals(requests, c.requests(), "requests in " + name + " (traces/README.md)");
        if (reads >= 0) {
            assertEquals(reads, c.reads(), "reads in " + name);
        }
    }

    @Test
    void unitsAreConvertedToBytes() throws IOException {
        // cloudPhysicsIO.csv line 2: 1,5633898,2a,512,42932745 -> write of 512 bytes at sector 42932745
        AccessRecord cp = count(SharedTraces.file("cloudPhysicsIO.csv")).first();
        assertEquals(42932745L * 512, cp.offset());
        assertEquals(512, cp.length());
        assertTrue(cp.write());
        assertEquals(0, cp.timeNanos(), "times are relative to the first request");
        // P3 counts in 512-byte units
        AccessRecord p3 = count(SharedTraces.file("P3.lis.zst")).first();
        assertEquals(0, p3.offset() % 512);
        assertEquals(0, p3.length() % 512);
        assertEquals(-1, p3.timeNanos(), ".lis traces have no time");
        // Tencent: 1538323200,4247200,128,1,1058 -> write, 128 sectors at sector 4247200, volume 1058
        AccessRecord t = count(SharedTraces.file("cloud_storage-sample.bz2")).first();
        assertEquals(4247200L * 512, t.offset());
        assertEquals(128 * 512, t.length());
        assertTrue(t.write());
        assertEquals(1058, t.volume());
    }

    @Test
    void aBadLineIsReportedWithItsFileAndLineNumber(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("bad.csv");
        Files.writeString(f, "version,time,op,size,lbn\n1,1,28,512,100\n1,2,28,abc,100\n");
        try (TraceReader r = TraceReaders.open(f)) {
            r.next();
            TraceFormatException e = assertThrows(TraceFormatException.class, r::next);
            assertTrue(e.getMessage().startsWith(f + ":3: size is not a whole number"), e.getMessage());
        }
    }

    @Test
    void aFileOfNoKnownFormatGetsAClearError(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("notes.txt");
        Files.writeString(f, "hello, this is not a trace\n");
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> TraceReaders.open(f));
        assertTrue(e.getMessage().contains("unknown trace format"), e.getMessage());
        assertThrows(java.io.FileNotFoundException.class, () -> TraceReaders.open(dir.resolve("missing")));
    }

    @Test
    void compressedVariantsReadTheSame(@TempDir Path dir) throws IOException {
        String text = "10 8 0 0\n18 8 0 1\n500 16 0 2\n";
        Path plain = Files.writeString(dir.resolve("t.lis"), text);
        Path gz = dir.resolve("t.lis.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
            o.write(text.getBytes(StandardCharsets.US_ASCII));
        }
        Path xz = dir.resolve("t.lis.xz");
        try (OutputStream o = new org.tukaani.xz.XZOutputStream(Files.newOutputStream(xz),
                new org.tukaani.xz.LZMA2Options())) {
            o.write(text.getBytes(StandardCharsets.US_ASCII));
        }
        Path bz = dir.resolve("t.lis.bz2");
        try (OutputStream o = new org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream(
                Files.newOutputStream(bz))) {
            o.write(text.getBytes(StandardCharsets.US_ASCII));
        }
        Path zst = dir.resolve("t.lis.zst");
        try (OutputStream o = new com.github.luben.zstd.ZstdOutputStream(Files.newOutputStream(zst))) {
            o.write(text.getBytes(StandardCharsets.US_ASCII));
        }
        for (Path p : new Path[] {plain, gz, xz, bz, zst}) {
            Counts c = count(p);
            assertEquals(3, c.requests(), p.toString());
            assertEquals(10 * 512, c.first().offset());
        }
    }

    @Test
    void lirs2RawBlockNumbersAreLittleEndian(@TempDir Path dir) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(1).putInt(0x01020304).putInt(-1);
        Path f = Files.write(dir.resolve("w01.bin"), b.array());
        try (TraceReader r = TraceReaders.open(f)) {
            assertEquals("lirs2-raw", r.format());
            assertEquals(4096, r.next().offset());
            assertEquals(0x01020304L << 12, r.next().offset());
            assertEquals(0xffffffffL << 12, r.next().offset(), "uint32, not int32");
            assertNull(r.next());
        }
        Files.write(dir.resolve("odd.bin"), new byte[] {1, 2, 3, (byte) 0xff, 9});
        try (TraceReader r = TraceReaders.open(dir.resolve("odd.bin"), TraceFormat.LIRS2_RAW)) {
            r.next();
            assertThrows(TraceFormatException.class, r::next, "a truncated record is an error");
        }
    }

    @Test
    void theGatewayFormatRoundTripsAndRotates(@TempDir Path dir) throws IOException {
        try (GatewayTraceWriter w = new GatewayTraceWriter(dir, "vol1", 24 + 32 * 100, 3)) {
            for (int i = 0; i < 250; i++) {
                w.recordAt(i * 1000L, 7, i * 4096L, 4096 * (1 + i % 3), i % 2 == 0);
            }
            w.flush();
            assertEquals(3, w.files().size(), "rotated every 100 records, 3 files kept");
        }
        var files = new GatewayTraceWriter(dir, "vol1", 24 + 32 * 100, 3).files();
        Path last = files.get(files.size() - 2); // the newest complete file before the writer reopened
        try (TraceReader r = TraceReaders.open(last)) {
            assertEquals("gateway", r.format());
            AccessRecord a = r.next();
            assertEquals(7, a.volume());
            assertEquals(0, a.offset() % 4096);
            long n = 1;
            while (r.next() != null) {
                n++;
            }
            assertEquals(50, n, "records 200..249 in the third file");
        }
    }
}
