package io.shardgate.predictor.trace;

import java.io.IOException;

/** Views of a trace by request position: the first {@code n} requests, or all after the first {@code k}. */
public final class TraceSlices {
    private TraceSlices() {
    }

    /** A reader that ends after {@code limit} requests. */
    public static TraceReader limit(TraceReader in, long limit) {
        return new TraceReader() {
            private long served;

            @Override
            public AccessRecord next() throws IOException {
                return served++ < limit ? in.next() : null;
            }

            @Override
            public String format() {
                return in.format();
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }

    /** Skips {@code count} requests of {@code in} and returns it. */
    public static TraceReader skip(TraceReader in, long count) throws IOException {
        for (long i = 0; i < count && in.next() != null; i++) {
            // skipping
        }
        return in;
    }

    /** Counts the requests of a trace. */
    public static long count(java.nio.file.Path file, TraceFormat format) throws IOException {
        long n = 0;
        try (TraceReader r = TraceReaders.open(file, format)) {
            while (r.next() != null) {
                n++;
            }
        }
        return n;
    }
}
