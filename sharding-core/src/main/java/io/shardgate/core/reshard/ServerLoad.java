package io.shardgate.core.reshard;

/**
 * Measured load of one server.
 *
 * @param serverId    server id
 * @param opsPerSec   I/O operations per second it serves
 * @param bytesPerSec bytes per second it serves
 */
public record ServerLoad(String serverId, double opsPerSec, double bytesPerSec) {
}
