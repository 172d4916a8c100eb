/**
 * Several servers, one volume: Hazelcast membership and the replicated shard maps, the internal protocol between
 * servers, and the router that sends each piece of a request to its shard's owner.
 */
package io.shardgate.gateway.cluster;
