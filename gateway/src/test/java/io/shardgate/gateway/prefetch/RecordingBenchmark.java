package io.shardgate.gateway.prefetch;

import io.shardgate.predictor.trace.GatewayTraceWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * JMH: what recording one access costs. {@code offer} is the I/O thread's share (the hand-off into the ring);
 * {@code offerPollRecord} is the whole work of one access on one thread: the hand-off, the recorder taking it out, and
 * the 32-byte record written to the rotating trace file (file writes amortised over 64 KiB buffers). Compare with the
 * gateway's CPU time per hit-path operation ({@code tests/bench/recording-cost.sh}). Run with
 * {@code tests/bench/recording-jmh.sh}; results go to the JSON file named by the first argument.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RecordingBenchmark {
    private AccessRing ring;
    private final AccessRing.Access access = new AccessRing.Access();
    private GatewayTraceWriter trace;
    private Path dir;
    private long n;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        ring = new AccessRing(1 << 16);
        dir = Files.createTempDirectory("recording-bench");
        trace = new GatewayTraceWriter(dir, "bench", 64L << 20, 2);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        trace.close();
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    @Benchmark
    public void offer() {
        n++;
        ring.offer(null, (n & 0xffff) << 12, 4096, false, true, n);
    }

    @Benchmark
    public boolean offerPollRecord() throws IOException {
        n++;
        ring.offer(null, (n & 0xffff) << 12, 4096, false, true, n);
        boolean got = ring.poll(access);
        trace.recordAt(access.nanos, 0, access.offset, (int) access.length, access.write);
        return got;
    }

    public static void main(String[] args) throws Exception {
        String out = args.length > 0 ? args[0] : "recording-jmh.json";
        new Runner(new OptionsBuilder().include(RecordingBenchmark.class.getSimpleName()).forks(1)
                .warmupIterations(3).warmupTime(TimeValue.seconds(1)).measurementIterations(5)
                .measurementTime(TimeValue.seconds(1)).resultFormat(ResultFormatType.JSON).result(out).build()).run();
    }
}
