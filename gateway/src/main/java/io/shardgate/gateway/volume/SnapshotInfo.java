package io.shardgate.gateway.volume;

/**
 * A snapshot as the management API shows it.
 *
 * @param name        snapshot name, unique per volume
 * @param volume      the volume it was taken of
 * @param sizeBytes   the volume's size when it was taken
 * @param createdAtMs creation time, epoch milliseconds
 */
public record SnapshotInfo(String name, String volume, long sizeBytes, long createdAtMs) {
}
