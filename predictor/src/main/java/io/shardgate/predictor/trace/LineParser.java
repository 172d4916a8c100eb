package io.shardgate.predictor.trace;

/** Parses one text line of a trace format; returns null for lines to skip (a header). */
@FunctionalInterface
interface LineParser {
    AccessRecord parse(String line, long lineNumber) throws BadLine;

    /** Thrown by a parser for a malformed line; the reader adds the file and line number. */
    final class BadLine extends Exception {
        private static final long serialVersionUID = 1L;

        BadLine(String message) {
            super(message, null, false, false);
        }
    }
}
