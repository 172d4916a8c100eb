package io.shardgate.predictor.cli;

import io.shardgate.predictor.trace.AccessRecord;
import io.shardgate.predictor.trace.TraceReader;
import io.shardgate.predictor.trace.TraceReaders;
import io.shardgate.predictor.trace.TraceSlices;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code gateway.jar predict export}: one split of a trace as an fio replay log (iolog version 2), so that a real
 * client can replay it against a real volume ({@code fio --read_iolog=FILE --ioengine=nbd ...}).
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Writes one split of a block trace as an fio iolog (version 2) for replay against a volume.")
public final class ExportCommand implements Callable<Integer> {
    @Option(names = "--trace", required = true, description = "trace file (any format the readers know)")
    Path trace;
    @Option(names = "--split", split = ",", defaultValue = "0.6,0.1,0.3",
            description = "train,validation,test shares, as predict eval (default ${DEFAULT-VALUE})")
    List<Double> split;
    @Option(names = "--part", defaultValue = "test", description = "train, validation or test (default ${DEFAULT-VALUE})")
    String part;
    @Option(names = "--limit", defaultValue = "0", description = "at most this many requests, 0 for all")
    long limit;
    @Option(names = "--max-offset", defaultValue = "0",
            description = "wrap offsets into [0, this) bytes (the volume's size), 0 to keep them")
    long maxOffset;
    @Option(names = "--file-name", defaultValue = "replay", description = "the fio file name the log uses")
    String fileName;
    @Option(names = "--out", required = true, description = "the iolog to write")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (split.size() != 3 || split.stream().anyMatch(d -> d < 0) || split.stream().mapToDouble(d -> d).sum() > 1.0001) {
            System.err.println("export: --split takes three shares >= 0 summing to at most 1");
            return 2;
        }
        int index = switch (part) {
            case "train" -> 0;
            case "validation" -> 1;
            case "test" -> 2;
            default -> -1;
        };
        if (index < 0) {
            System.err.println("export: --part must be train, validation or test, was " + part);
            return 2;
        }
        long total = 0;
        try (TraceReader r = TraceReaders.open(trace)) {
            while (r.next() != null) {
                total++;
            }
        }
        long skip = 0;
        for (int i = 0; i < index; i++) {
            skip += (long) (total * split.get(i));
        }
        long take = (long) (total * split.get(index));
        if (limit > 0) {
            take = Math.min(take, limit);
        }
        long written = 0;
        try (TraceReader r = TraceSlices.limit(TraceSlices.skip(TraceReaders.open(trace), skip), take);
             BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.US_ASCII)) {
            w.write("fio version 2 iolog\n" + fileName + " add\n" + fileName + " open\n");
            for (AccessRecord a; (a = r.next()) != null; written++) {
                long off = a.offset();
                int len = a.length();
                if (maxOffset > 0) {
                    len = (int) Math.min(len, maxOffset);
                    off = off % (maxOffset - len + 1) / 512 * 512;
                }
                w.write(fileName + (a.write() ? " write " : " read ") + off + " " + len + "\n");
            }
            w.write(fileName + " close\n");
        }
        System.err.printf("export: %d of %d requests (%s split) written to %s%n", written, total, part, out);
        return 0;
    }
}
