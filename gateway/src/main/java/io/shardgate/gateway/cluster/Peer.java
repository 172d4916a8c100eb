package io.shardgate.gateway.cluster;

import io.shardgate.core.topology.Server;

/**
 * A live cluster member: the server it is and where its internal protocol listens.
 *
 * @param server       identity, spine and capacity
 * @param internalHost address of its internal protocol
 * @param internalPort port of its internal protocol
 */
public record Peer(Server server, String internalHost, int internalPort) {
}
