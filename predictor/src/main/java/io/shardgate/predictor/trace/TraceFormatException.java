package io.shardgate.predictor.trace;

import java.io.IOException;

/** A trace line or file that does not match its format; the message names the file and line. */
public final class TraceFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public TraceFormatException(String message) {
        super(message);
    }
}
