package io.shardgate.gateway.server;

import io.shardgate.gateway.iscsi.IscsiAuth;
import io.shardgate.gateway.iscsi.IscsiServerOptions;
import io.shardgate.gateway.iscsi.MemoryIscsiAuth;
import io.shardgate.gateway.store.DurableStore;
import io.shardgate.gateway.volume.FrontEnd;
import io.shardgate.gateway.volume.VolumeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a hypervisor needs to attach a volume, and who may: the connection details of the NBD and iSCSI front ends,
 * and per-volume CHAP credentials for iSCSI. A volume gets credentials the first time it is exported over iSCSI;
 * from then on every login to its target must present them. Each export names the initiator (the host); revoking
 * the last one rotates the secret, so the host that detached cannot log in again (sessions already open are not
 * cut). Records are persisted in the store's metadata ({@code exports/<volume>}) and shared between servers through
 * {@code shared} (the cluster's {@code sg-exports} map, or a plain map on a single node); {@link #apply} puts a
 * record into this server's iSCSI target. Blocking: call from a worker thread.
 */
public final class Exports {
    private static final String PREFIX = "exports/";
    private static final SecureRandom RANDOM = new SecureRandom();
    private final DurableStore store;
    private final Map<String, byte[]> shared;
    private final MemoryIscsiAuth auth;
    private final Supplier<List<FrontEnd>> frontEnds;

    /**
     * @param shared    the records every server sees (a Hazelcast map in a cluster)
     * @param frontEnds the live servers' front ends, this server first
     */
    public Exports(DurableStore store, Map<String, byte[]> shared, MemoryIscsiAuth auth,
                   Supplier<List<FrontEnd>> frontEnds) throws IOException {
        this.store = store;
        this.shared = shared;
        this.auth = auth;
        this.frontEnds = frontEnds;
        for (String key : store.listMeta(PREFIX)) {
            String volume = key.substring(PREFIX.length());
            byte[] bytes = store.getMeta(key).orElse(null);
            if (bytes != null) {
                shared.putIfAbsent(volume, bytes);
            }
        }
        shared.forEach(this::apply);
    }

    /** Puts a record (or its removal, {@code bytes == null}) into this server's iSCSI target. */
    public void apply(String volume, byte[] bytes) {
        if (bytes == null) {
            auth.setVolume(volume, null);
            return;
        }
        JsonObject r = new JsonObject(new String(bytes, StandardCharsets.UTF_8));
        auth.setVolume(volume, IscsiAuth.Credentials.oneWay(r.getString("user"), r.getString("secret")));
    }

    private void put(String volume, JsonObject record) throws IOException {
        byte[] bytes = record.encode().getBytes(StandardCharsets.UTF_8);
        store.putMeta(PREFIX + volume, bytes); // durable first
        shared.put(volume, bytes);
        apply(volume, bytes);
    }

    private JsonObject record(String volume) {
        byte[] bytes = shared.get(volume);
        return bytes == null ? null : new JsonObject(new String(bytes, StandardCharsets.UTF_8));
    }

    private static String secret() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b); // 24 characters: RFC 7143 wants at least 96 bits
    }

    /**
     * Lets {@code initiator} attach {@code volume} over {@code protocol} and says how.
     *
     * @param protocol  {@code iscsi} or {@code nbd}
     * @param initiator the host's iSCSI initiator name (or any host name for NBD)
     * @return the connection details; for iSCSI with the CHAP user and secret
     */
    public synchronized JsonObject grant(String volume, String protocol, String initiator) throws IOException {
        List<FrontEnd> servers = frontEnds.get();
        return switch (protocol) {
            case "nbd" -> new JsonObject().put("protocol", "nbd").put("exportName", volume).put("endpoints",
                    new JsonArray(servers.stream().map(f -> f.host() + ":" + f.nbdPort()).toList()));
            case "iscsi" -> {
                List<String> portals = new ArrayList<>();
                servers.stream().filter(f -> f.iscsiPort() > 0).forEach(f -> portals.add(f.host() + ":"
                        + f.iscsiPort()));
                if (portals.isEmpty()) {
                    throw new VolumeException(VolumeException.Kind.CONFLICT, "no server runs the iSCSI front end"
                            + " (serve --iscsi-port)");
                }
                JsonObject r = record(volume);
                if (r == null) {
                    r = new JsonObject().put("user", "sg-" + secret().substring(0, 12)).put("secret", secret())
                            .put("initiators", new JsonArray());
                }
                JsonArray initiators = r.getJsonArray("initiators");
                if (!initiators.contains(initiator)) {
                    initiators.add(initiator);
                }
                put(volume, r);
                yield new JsonObject().put("protocol", "iscsi")
                        .put("targetIqn", IscsiServerOptions.DEFAULT_IQN_PREFIX + volume).put("lun", 0)
                        .put("portals", new JsonArray(portals)).put("authMethod", "CHAP")
                        .put("username", r.getString("user")).put("password", r.getString("secret"));
            }
            default -> throw new VolumeException(VolumeException.Kind.INVALID, "protocol must be iscsi or nbd, was "
                    + protocol);
        };
    }

    /** Takes {@code initiator}'s access away; when it was the last, the secret is rotated. */
    public synchronized void revoke(String volume, String initiator) throws IOException {
        JsonObject r = record(volume);
        if (r == null) {
            return; // never exported over iSCSI: nothing to take back
        }
        JsonArray initiators = r.getJsonArray("initiators");
        initiators.remove(initiator);
        if (initiators.isEmpty()) {
            r.put("secret", secret());
        }
        put(volume, r);
    }

    /** Forgets a deleted volume's record, so a new volume of the name starts open again. */
    public synchronized void forget(String volume) throws IOException {
        store.deleteMeta(PREFIX + volume);
        shared.remove(volume);
        apply(volume, null);
    }
}
