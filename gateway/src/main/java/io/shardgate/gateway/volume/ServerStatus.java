package io.shardgate.gateway.volume;

import io.shardgate.core.topology.Server;
import io.shardgate.core.topology.ServerCapacity;

/**
 * One server as the topology endpoint shows it.
 *
 * @param server        identity, spine and advertised capacity
 * @param reserved      what planned volumes reserve on it
 * @param alive         a live cluster member
 * @param opsPerSec     I/O operations served per second, recent average
 * @param bytesPerSec   bytes served per second, recent average
 * @param ownedShards   shards it owns
 */
public record ServerStatus(Server server, ServerCapacity reserved, boolean alive, double opsPerSec,
                           double bytesPerSec, int ownedShards) {
}
