package io.shardgate.gateway.iscsi;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** CHAP credentials held in memory, per volume and for discovery. Thread-safe; changes apply to the next login. */
public final class MemoryIscsiAuth implements IscsiAuth {
    private final Map<String, Credentials> volumes = new ConcurrentHashMap<>();
    private volatile Credentials discovery;

    /** Requires {@code credentials} for logins to {@code volume}; null removes the requirement. */
    public MemoryIscsiAuth setVolume(String volume, Credentials credentials) {
        if (credentials == null) {
            volumes.remove(volume);
        } else {
            volumes.put(volume, credentials);
        }
        return this;
    }

    /** Requires {@code credentials} for discovery sessions; null opens discovery. */
    public MemoryIscsiAuth setDiscovery(Credentials credentials) {
        this.discovery = credentials;
        return this;
    }

    @Override
    public Credentials forVolume(String volume) {
        return volumes.get(volume);
    }

    @Override
    public Credentials forDiscovery() {
        return discovery;
    }
}
