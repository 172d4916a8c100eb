package io.shardgate.core.plan;

import io.shardgate.core.spec.PerformanceSpec;

/**
 * A request to place a new volume.
 *
 * @param volume      volume name
 * @param spec        the spec (with its fallbacks)
 * @param clientSpine spine of the client, preferred when it can meet the spec; {@code null} when unknown
 * @param chunkSize   chunk size in bytes; shard boundaries fall on chunk boundaries
 */
public record PlanRequest(String volume, PerformanceSpec spec, String clientSpine, int chunkSize) {
}
