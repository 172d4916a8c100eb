/** The domain of ShardGate: specs, topology, shard planning and placement, the shard map, re-sharding. Pure Java, no I/O. */
package io.shardgate.core;
