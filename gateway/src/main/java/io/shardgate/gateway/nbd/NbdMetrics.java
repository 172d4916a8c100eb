package io.shardgate.gateway.nbd;

/**
 * Hook the NBD server calls once per completed request, so the cluster can count requests, bytes and
 * latency per volume (for Prometheus, the load monitor, ...).
 *
 * <p>Called on the connection's event loop, after the reply is queued: implementations must be
 * thread-safe (several event loops call at once), must not block and should not allocate (no boxing).
 * An exception thrown here is caught and logged, never sent to the client.
 */
@FunctionalInterface
public interface NbdMetrics {

    /** Does nothing. */
    NbdMetrics NONE = (volume, op, bytes, latencyNanos, errno) -> {
    };

    /**
     * One request completed.
     *
     * @param volume       the export (volume) name
     * @param op           the command
     * @param bytes        payload bytes moved (read or written) or ranged (trim, write-zeroes); 0 for flush
     * @param latencyNanos from the request header decoded to the reply queued, in nanoseconds
     * @param errno        0 on success, else the NBD error value sent to the client (e.g. 5 for EIO)
     */
    void onRequest(String volume, Op op, long bytes, long latencyNanos, int errno);

    /** A connection entered transmission on {@code volume}. Default: nothing. */
    default void onConnectionOpened(String volume) {
    }

    /** A connection that was in transmission on {@code volume} closed. Default: nothing. */
    default void onConnectionClosed(String volume) {
    }

    /** NBD commands the metrics distinguish. */
    enum Op {
        READ, WRITE, FLUSH, TRIM, WRITE_ZEROES, OTHER
    }
}
