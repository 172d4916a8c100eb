package io.shardgate.gateway.iscsi;

/**
 * A violation of the protocol that loses the framing or the session state (bad header digest, oversized segment,
 * illegal login transition): the connection is closed; no stored data is touched.
 */
final class IscsiProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    IscsiProtocolException(String message) {
        super(message, null, false, false);
    }
}
