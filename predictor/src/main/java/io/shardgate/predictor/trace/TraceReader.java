package io.shardgate.predictor.trace;

import java.io.Closeable;
import java.io.IOException;

/**
 * Streams the requests of one trace file in file order. Not thread-safe; one reader per consumer.
 * Readers hold O(1) state: a trace of millions of requests needs no more heap than one line.
 */
public interface TraceReader extends Closeable {

    /**
     * The next request, or {@code null} at the end.
     *
     * @throws TraceFormatException for a bad line, naming the file and line number
     */
    AccessRecord next() throws IOException;

    /** The format's name ({@code cloudphysics-csv}, {@code arc-lis}, ...). */
    String format();
}
