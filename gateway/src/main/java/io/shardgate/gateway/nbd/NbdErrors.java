package io.shardgate.gateway.nbd;

import io.shardgate.gateway.io.VolumeIoException;

import static io.shardgate.gateway.nbd.NbdProtocol.*;

/** Maps volume failures to NBD error values. */
final class NbdErrors {
    private NbdErrors() {
    }

    /**
     * The NBD error for a failed request: {@link VolumeIoException.Kind} decides; a write-like command
     * outside the volume is ENOSPC (as the protocol asks), other out-of-range commands EINVAL; any other
     * exception is EIO.
     */
    static int errnoOf(Throwable failure, boolean writeLike) {
        if (failure instanceof VolumeIoException e) {
            return switch (e.kind()) {
                case OUT_OF_RANGE -> writeLike ? ENOSPC : EINVAL;
                case INVALID -> EINVAL;
                case IO_ERROR -> EIO;
                case NO_SPACE -> ENOSPC;
                case NOT_PERMITTED -> EPERM;
            };
        }
        return EIO;
    }
}
