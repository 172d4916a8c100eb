package io.shardgate.gateway.nbd;

/** One decoded transmission request (mutable only while it is being decoded; then read-only). */
final class NbdRequest {
    final int flags;
    final int type;
    final long handle;
    /** Offset as sent: an unsigned 64-bit value, so negative means beyond 2^63. */
    final long offset;
    /** Length as sent, unsigned 32-bit. */
    final long length;
    final long startNanos;

    NbdRequest(int flags, int type, long handle, long offset, long length, long startNanos) {
        this.flags = flags;
        this.type = type;
        this.handle = handle;
        this.offset = offset;
        this.length = length;
        this.startNanos = startNanos;
    }

    NbdMetrics.Op op() {
        return switch (type) {
            case NbdProtocol.CMD_READ -> NbdMetrics.Op.READ;
            case NbdProtocol.CMD_WRITE -> NbdMetrics.Op.WRITE;
            case NbdProtocol.CMD_FLUSH -> NbdMetrics.Op.FLUSH;
            case NbdProtocol.CMD_TRIM -> NbdMetrics.Op.TRIM;
            case NbdProtocol.CMD_WRITE_ZEROES -> NbdMetrics.Op.WRITE_ZEROES;
            default -> NbdMetrics.Op.OTHER;
        };
    }

    boolean writeLike() {
        return type == NbdProtocol.CMD_WRITE || type == NbdProtocol.CMD_TRIM || type == NbdProtocol.CMD_WRITE_ZEROES;
    }
}
