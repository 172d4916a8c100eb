package io.shardgate.gateway.store;

/**
 * The byte capacity of a durable store, as the store itself reports it.
 *
 * @param totalBytes     raw capacity (for RADOS: the whole cluster's, before replication)
 * @param usedBytes      bytes in use
 * @param availableBytes bytes still free
 */
public record StoreCapacity(long totalBytes, long usedBytes, long availableBytes) {
}
