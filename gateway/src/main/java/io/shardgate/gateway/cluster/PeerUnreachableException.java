package io.shardgate.gateway.cluster;

import io.shardgate.gateway.io.VolumeIoException;

/**
 * A piece could not reach its owner, or the connection was lost before the answer: the owner may have died. The
 * router retries it (the piece is idempotent: a read, or a write of the same bytes at the same place) while the
 * controller gives the dead server's shards to live ones.
 */
final class PeerUnreachableException extends VolumeIoException {
    private static final long serialVersionUID = 1L;

    PeerUnreachableException(String message, Throwable cause) {
        super(VolumeIoException.Kind.IO_ERROR, message, cause);
    }
}
