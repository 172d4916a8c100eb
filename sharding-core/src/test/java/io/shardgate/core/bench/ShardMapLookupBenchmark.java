package io.shardgate.core.bench;

import io.shardgate.core.map.Shard;
import io.shardgate.core.map.ShardMap;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * JMH: the LBA → shard lookup of the I/O path. Run with {@code tests/bench/shardmap-lookup.sh}; results go to the
 * file named by the first argument (JSON).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ShardMapLookupBenchmark {
    @Param({"4", "64", "1024"})
    int shards;

    private ShardMap map;
    private long[] offsets;
    private int next;

    @Setup
    public void setup() {
        int chunk = 4 << 20;
        List<Shard> list = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            list.add(new Shard((long) i * chunk, chunk, "s" + (i % 8)));
        }
        map = ShardMap.of("v", "sp", 1, (long) shards * chunk, chunk, list);
        offsets = new long[4096];
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = r.nextLong(map.sizeBytes());
        }
    }

    @Benchmark
    public int lookup() {
        next = (next + 1) & (offsets.length - 1);
        return map.shardIndexOf(offsets[next]);
    }

    public static void main(String[] args) throws Exception {
        String out = args.length > 0 ? args[0] : "shardmap-lookup.json";
        new Runner(new OptionsBuilder().include(ShardMapLookupBenchmark.class.getSimpleName()).forks(1)
                .warmupIterations(3).warmupTime(TimeValue.seconds(1)).measurementIterations(5)
                .measurementTime(TimeValue.seconds(1)).resultFormat(ResultFormatType.JSON).result(out).build()).run();
    }
}
