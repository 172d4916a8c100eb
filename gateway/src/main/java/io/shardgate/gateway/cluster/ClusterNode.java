package io.shardgate.gateway.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.shardgate.core.topology.Server;
import io.shardgate.core.topology.ServerCapacity;

import java.util.ArrayList;
import java.util.List;

/**
 * This server's Hazelcast member: joins the cluster over TCP/IP, publishes the server (region, spine, capacity,
 * internal address) as member attributes, and holds the replicated maps of the cluster's state:
 * {@code sg-maps} (volume → shard map) and {@code sg-volumes} (volume → record), each with one synchronous backup,
 * and {@code sg-load} (server → its latest load report, no backup: it is re-published every interval).
 */
public final class ClusterNode implements AutoCloseable {
    static final String MAPS = "sg-maps";
    static final String VOLUMES = "sg-volumes";
    static final String LOAD = "sg-load";
    static final String APPLIED = "sg-applied";
    static final String EXPORTS = "sg-exports";
    static final String FRONT_ENDS = "sg-frontends";

    private final HazelcastInstance hz;

    private ClusterNode(HazelcastInstance hz) {
        this.hz = hz;
    }

    /** Starts the member and joins; blocks until it is part of the cluster. */
    public static ClusterNode start(ClusterOptions options, Server self, int internalPort) {
        Config config = new Config();
        config.setClusterName(options.clusterName());
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        NetworkConfig net = config.getNetworkConfig();
        net.setPort(options.hazelcastPort()).setPortAutoIncrement(false);
        net.getInterfaces().setEnabled(true).addInterface(options.host());
        JoinConfig join = net.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(options.members().isEmpty()
                ? List.of(options.host() + ":" + options.hazelcastPort()) : options.members());
        var attrs = config.getMemberAttributeConfig();
        attrs.setAttribute("serverId", self.id());
        attrs.setAttribute("region", self.region());
        attrs.setAttribute("spine", self.spine());
        attrs.setAttribute("iops", Long.toString(self.capacity().iops()));
        attrs.setAttribute("bandwidthMBps", Double.toString(self.capacity().bandwidthMBps()));
        attrs.setAttribute("ramBytes", Long.toString(self.capacity().ramBytes()));
        attrs.setAttribute("internalHost", options.host());
        attrs.setAttribute("internalPort", Integer.toString(internalPort));
        for (String name : List.of(MAPS, VOLUMES, APPLIED, EXPORTS)) {
            config.addMapConfig(new MapConfig(name).setBackupCount(1).setAsyncBackupCount(0));
        }
        return new ClusterNode(Hazelcast.newHazelcastInstance(config));
    }

    /** The live members as peers, in member order (the oldest first). */
    public List<Peer> peers() {
        List<Peer> out = new ArrayList<>();
        for (Member m : hz.getCluster().getMembers()) {
            String id = m.getAttribute("serverId");
            if (id == null) {
                continue;
            }
            out.add(new Peer(new Server(id, m.getAttribute("region"), m.getAttribute("spine"),
                    new ServerCapacity(Long.parseLong(m.getAttribute("iops")),
                            Double.parseDouble(m.getAttribute("bandwidthMBps")),
                            Long.parseLong(m.getAttribute("ramBytes")), 0)),
                    m.getAttribute("internalHost"), Integer.parseInt(m.getAttribute("internalPort"))));
        }
        return out;
    }

    public IMap<String, byte[]> maps() {
        return hz.getMap(MAPS);
    }

    public IMap<String, byte[]> volumes() {
        return hz.getMap(VOLUMES);
    }

    /** Server id → its latest {@code LoadReport} as JSON; entries expire, so a dead server's load disappears. */
    public IMap<String, byte[]> loads() {
        return hz.getMap(LOAD);
    }

    /** "volume/server" → the newest map version whose layers that server has switched to. */
    public IMap<String, Long> applied() {
        return hz.getMap(APPLIED);
    }

    /** Volume → its export record (CHAP credentials, initiators), persisted in the store too. */
    public IMap<String, byte[]> exports() {
        return hz.getMap(EXPORTS);
    }

    /** Server id → "host nbdPort iscsiPort" of its front ends. */
    public IMap<String, String> frontEnds() {
        return hz.getMap(FRONT_ENDS);
    }

    /** True when this member is the oldest (it loads persisted state into an empty cluster). */
    public boolean isOldest() {
        return hz.getCluster().getMembers().iterator().next().localMember();
    }

    @Override
    public void close() {
        hz.shutdown();
    }
}
