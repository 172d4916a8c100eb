package io.shardgate.gateway.engine;

import io.shardgate.core.reshard.ShardLoad;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** Picks one volume's shard loads out of servers' load reports. */
public final class ShardLoads {
    private ShardLoads() {
    }

    /**
     * The loads of {@code volume}'s shards measured at {@code mapVersion} (older ones describe shards that no longer
     * exist), in shard order.
     */
    public static List<ShardLoad> ofVolume(String volume, long mapVersion, Collection<LoadReport> reports) {
        return reports.stream().flatMap(r -> r.shards().stream())
                .filter(l -> l.volume().equals(volume) && l.mapVersion() == mapVersion)
                .sorted(Comparator.comparingInt(ShardLoad::shardIndex)).toList();
    }
}
