/** The ShardGate gateway: a Vert.x server with REST, NBD and iSCSI front ends, tiers, durable stores, cluster. */
package io.shardgate.gateway;
