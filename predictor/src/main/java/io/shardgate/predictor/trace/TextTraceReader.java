package io.shardgate.predictor.trace;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** Streams a text trace line by line through a {@link LineParser}; O(1) memory. */
final class TextTraceReader implements TraceReader {
    private final BufferedReader in;
    private final LineParser parser;
    private final String file;
    private final TraceFormat format;
    private long lineNumber;

    TextTraceReader(InputStream in, LineParser parser, String file, TraceFormat format) {
        this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII), 1 << 16);
        this.parser = parser;
        this.file = file;
        this.format = format;
    }

    @Override
    public AccessRecord next() throws IOException {
        String line;
        while ((line = in.readLine()) != null) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            try {
                AccessRecord r = parser.parse(line, lineNumber);
                if (r != null) {
                    return r;
                }
            } catch (LineParser.BadLine e) {
                throw new TraceFormatException(file + ":" + lineNumber + ": " + e.getMessage() + " (format "
                        + format.id() + "): " + (line.length() > 120 ? line.substring(0, 120) + "..." : line));
            }
        }
        return null;
    }

    @Override
    public String format() {
        return format.id();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
