package io.shardgate.gateway.cluster;

import java.util.List;

/**
 * How a server joins its cluster.
 *
 * @param clusterName    Hazelcast cluster name: members of other names are ignored
 * @param host           address Hazelcast and the internal protocol bind
 * @param hazelcastPort  this member's Hazelcast port
 * @param members        {@code host:port} of the Hazelcast members to join (TCP/IP join, no multicast)
 * @param internalPort   port of the internal protocol between servers (0 for any)
 * @param reshardIntervalMs how often the controller (the oldest member) runs the re-shard planner; 0 = never
 *                       (operators can still re-shard through the API)
 */
public record ClusterOptions(String clusterName, String host, int hazelcastPort, List<String> members,
                             int internalPort, long reshardIntervalMs) {
    public ClusterOptions(String clusterName, String host, int hazelcastPort, List<String> members, int internalPort) {
        this(clusterName, host, hazelcastPort, members, internalPort, 0);
    }

    public ClusterOptions {
        if (reshardIntervalMs != 0 && reshardIntervalMs < 100) {
            throw new IllegalArgumentException("--reshard-interval must be 0 (off) or at least 100 ms, was "
                    + reshardIntervalMs);
        }
        if (clusterName == null || clusterName.isBlank()) {
            throw new IllegalArgumentException("--cluster-name is required");
        }
        if (hazelcastPort < 1 || hazelcastPort > 65535) {
            throw new IllegalArgumentException("--hazelcast-port must be 1-65535, was " + hazelcastPort);
        }
        if (internalPort < 0 || internalPort > 65535) {
            throw new IllegalArgumentException("--internal-port must be 0-65535, was " + internalPort);
        }
        members = List.copyOf(members);
        for (String m : members) {
            if (!m.matches("[^:\\s]+:\\d{1,5}")) {
                throw new IllegalArgumentException("--member must be host:port, was '" + m + "'");
            }
        }
    }
}
