package io.shardgate.gateway.volume;

import io.shardgate.core.spec.PerformanceSpec;

/**
 * A volume as the management API shows it.
 *
 * @param name         unique volume name (also the NBD export name)
 * @param sizeBytes    current size
 * @param spec         the spec that was met (the requested one or a fallback)
 * @param fallbackUsed 0 when the requested spec was met, else 1 + the index of the fallback used
 * @param spine        the spine holding every shard
 * @param mapVersion   the current shard-map version
 * @param shardCount   number of shards
 * @param createdAtMs  creation time, epoch milliseconds
 */
public record VolumeInfo(String name, long sizeBytes, PerformanceSpec spec, int fallbackUsed, String spine,
                         long mapVersion, int shardCount, long createdAtMs) {
}
