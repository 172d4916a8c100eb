package io.shardgate.predictor.trace;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A 5-million-request trace is read by a JVM with a 48 MB heap: readers stream. */
class StreamingMemoryTest {

    /** Child-JVM entry: prints the request count of a trace. */
    public static final class CountMain {
        public static void main(String[] args) throws IOException {
            long n = 0;
            try (TraceReader r = TraceReaders.open(Path.of(args[0]))) {
                while (r.next() != null) {
                    n++;
                }
            }
            System.out.println(n);
        }
    }

    @Test
    void fiveMillionRequestsInA48MegabyteHeap(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("big.lis");
        try (BufferedWriter w = Files.newBufferedWriter(f)) {
            for (int i = 0; i < 5_000_000; i++) {
                w.write(Long.toString((i * 7919L) % 10_000_000));
                w.write(" 8 0 ");
                w.write(Integer.toString(i));
                w.write('\n');
            }
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(List.of(java.toString(), "-Xmx48m", "-cp", System.getProperty("java.class.path"),
                CountMain.class.getName(), f.toString())).redirectErrorStream(true).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "counting took over 2 minutes");
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertEquals(0, p.exitValue(), out);
        assertEquals("5000000", out);
    }
}
