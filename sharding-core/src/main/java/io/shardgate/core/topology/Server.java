package io.shardgate.core.topology;

import java.util.Objects;

/**
 * One gateway process: a cluster member in one spine of one region.
 *
 * @param id       unique server id (stable across restarts)
 * @param region   region name
 * @param spine    spine name, unique within the region
 * @param capacity what the server advertises
 */
public record Server(String id, String region, String spine, ServerCapacity capacity) {
    public Server {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(spine, "spine");
        Objects.requireNonNull(capacity, "capacity");
        if (id.isBlank()) {
            throw new IllegalArgumentException("server id must not be blank");
        }
    }
}
