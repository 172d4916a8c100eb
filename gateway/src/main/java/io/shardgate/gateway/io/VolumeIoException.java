package io.shardgate.gateway.io;

/** A request-level I/O failure, with a kind the front ends map to protocol errors (NBD errno, SCSI sense). */
public class VolumeIoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, independent of the front end's protocol. */
    public enum Kind {
        /** Offset or length outside the volume. */
        OUT_OF_RANGE,
        /** Bad arguments (misaligned, negative length, too large). */
        INVALID,
        /** The durable store failed; the data may not be written. */
        IO_ERROR,
        /** No space left in the durable store. */
        NO_SPACE,
        /** The volume is read-only or gone. */
        NOT_PERMITTED
    }

    private final Kind kind;

    public VolumeIoException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public VolumeIoException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /**
     * The error for a request outside {@code [0, size)} of a volume, or null when the range is inside (overflow of
     * {@code offset + length} counts as outside). The one range check every {@link BlockVolume} uses.
     */
    public static VolumeIoException outOfRange(String volume, long offset, long length, long size) {
        if (offset >= 0 && length >= 0 && offset + length >= 0 && offset + length <= size) {
            return null;
        }
        return new VolumeIoException(Kind.OUT_OF_RANGE, "range [" + offset + ", " + (offset + length)
                + ") outside volume " + volume + " of " + size + " bytes");
    }

    public Kind kind() {
        return kind;
    }
}
