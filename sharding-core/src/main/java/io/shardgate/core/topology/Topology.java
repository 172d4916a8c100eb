package io.shardgate.core.topology;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable view of the servers (region, spine, capacity) and of what is already reserved on each.
 * {@link #reserve} and {@link #release} return a new topology; the old one stays valid for readers.
 */
public final class Topology {
    private final Map<String, Server> servers;
    private final Map<String, ServerCapacity> reserved;
    private final Map<String, List<Server>> bySpine;

    private Topology(Map<String, Server> servers, Map<String, ServerCapacity> reserved) {
        this.servers = servers;
        this.reserved = reserved;
        Map<String, List<Server>> spines = new LinkedHashMap<>();
        for (Server s : servers.values()) {
            spines.computeIfAbsent(s.spine(), k -> new ArrayList<>()).add(s);
        }
        spines.replaceAll((k, v) -> List.copyOf(v));
        this.bySpine = Collections.unmodifiableMap(spines);
    }

    public static Topology of(List<Server> servers) {
        return of(servers, Map.of());
    }

    /** @throws IllegalArgumentException on duplicate server ids or reservations for unknown servers */
    public static Topology of(List<Server> servers, Map<String, ServerCapacity> reserved) {
        Map<String, Server> byId = new LinkedHashMap<>();
        for (Server s : servers) {
            if (byId.put(s.id(), s) != null) {
                throw new IllegalArgumentException("duplicate server id " + s.id());
            }
        }
        for (String id : reserved.keySet()) {
            if (!byId.containsKey(id)) {
                throw new IllegalArgumentException("reservation for unknown server " + id);
            }
        }
        return new Topology(Collections.unmodifiableMap(byId), Map.copyOf(reserved));
    }

    public List<Server> servers() {
        return List.copyOf(servers.values());
    }

    public Optional<Server> server(String id) {
        return Optional.ofNullable(servers.get(id));
    }

    /** Spine names in first-seen order. */
    public List<String> spines() {
        return List.copyOf(bySpine.keySet());
    }

    /** Servers of one spine (empty for an unknown spine). */
    public List<Server> spine(String spine) {
        return bySpine.getOrDefault(spine, List.of());
    }

    public ServerCapacity reserved(String id) {
        return reserved.getOrDefault(id, ServerCapacity.ZERO);
    }

    /** What is left on a server: capacity minus reservations, never negative. */
    public ServerCapacity free(String id) {
        Server s = servers.get(id);
        if (s == null) {
            throw new IllegalArgumentException("unknown server " + id);
        }
        return s.capacity().minus(reserved(id));
    }

    public Map<String, ServerCapacity> reservations() {
        return reserved;
    }

    /** Adds reservations (per server id). */
    public Topology reserve(Map<String, ServerCapacity> add) {
        Map<String, ServerCapacity> next = new HashMap<>(reserved);
        add.forEach((id, c) -> {
            if (!servers.containsKey(id)) {
                throw new IllegalArgumentException("reservation for unknown server " + id);
            }
            next.merge(id, c, ServerCapacity::plus);
        });
        return new Topology(servers, Map.copyOf(next));
    }

    /** Removes reservations (per server id), clamped at zero. */
    public Topology release(Map<String, ServerCapacity> remove) {
        Map<String, ServerCapacity> next = new HashMap<>(reserved);
        remove.forEach((id, c) -> next.computeIfPresent(id, (k, v) -> v.minus(c)));
        return new Topology(servers, Map.copyOf(next));
    }

    /** This topology with a server added or replaced (its reservations kept). */
    public Topology withServer(Server server) {
        Map<String, Server> next = new LinkedHashMap<>(servers);
        next.put(server.id(), server);
        return new Topology(Collections.unmodifiableMap(next), reserved);
    }

    /** This topology without a server (its reservations dropped). */
    public Topology withoutServer(String id) {
        Map<String, Server> next = new LinkedHashMap<>(servers);
        next.remove(id);
        Map<String, ServerCapacity> res = new HashMap<>(reserved);
        res.remove(id);
        return new Topology(Collections.unmodifiableMap(next), Map.copyOf(res));
    }
}
