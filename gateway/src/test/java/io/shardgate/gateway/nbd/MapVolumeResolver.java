package io.shardgate.gateway.nbd;

import io.shardgate.gateway.io.BlockVolume;
import io.shardgate.gateway.io.VolumeResolver;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** A resolver over a fixed set of volumes, for tests and the benchmark server. */
final class MapVolumeResolver implements VolumeResolver {
    private final Map<String, BlockVolume> volumes = new ConcurrentHashMap<>();

    MapVolumeResolver add(BlockVolume volume) {
        volumes.put(volume.name(), volume);
        return this;
    }

    @Override
    public BlockVolume open(String name) {
        return volumes.get(name);
    }

    @Override
    public List<String> names() {
        return List.copyOf(new TreeMap<>(volumes).keySet());
    }
}
