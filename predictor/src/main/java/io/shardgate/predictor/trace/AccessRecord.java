package io.shardgate.predictor.trace;

/**
 * One block request of a trace or of the gateway's access stream.
 *
 * @param timeNanos nanoseconds since the start of the trace, or -1 when the format has no time
 * @param volume    volume (or disk, LUN) number within the trace; 0 for single-volume traces
 * @param offset    first byte (sector-exact: 512-byte units are multiplied out, never rounded to blocks)
 * @param length    bytes, &gt; 0
 * @param write     true for a write; formats without an op flag give false (read)
 */
public record AccessRecord(long timeNanos, int volume, long offset, int length, boolean write) {

    /** The 4 KiB block holding the first byte. */
    public long firstBlock() {
        return offset >>> 12;
    }

    /** The 4 KiB block holding the last byte. */
    public long lastBlock() {
        return (offset + length - 1) >>> 12;
    }
}
