package io.shardgate.gateway.cluster;

/** An owner refused a piece routed with an old map version; carries the version it is at (STYLE.md 11). */
final class MovedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long currentVersion;

    MovedException(long currentVersion, String owner) {
        super("moved: map version " + currentVersion + ", owner " + owner, null, false, false);
        this.currentVersion = currentVersion;
    }

    long currentVersion() {
        return currentVersion;
    }
}
