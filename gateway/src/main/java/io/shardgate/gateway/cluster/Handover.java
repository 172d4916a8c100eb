package io.shardgate.gateway.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.shardgate.core.map.ShardMap;
import io.shardgate.core.reshard.ShardLoad;
import io.shardgate.gateway.engine.LoadReport;
import io.shardgate.gateway.engine.LocalVolume;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The new owner's side of a shard changing hands: which servers gave this one shards in a map change, waiting until
 * they have drained (their acknowledgement in {@code sg-applied}), and warming the tiers with the gained shards'
 * hottest chunks afterwards (from the previous owner's last load report). Warming comes after the switch, not
 * before: blocks cached before the old owner drained could be older than a write it was still finishing.
 */
final class Handover {
    private static final Logger LOG = LoggerFactory.getLogger(Handover.class);
    private static final long ACK_TIMEOUT_MS = 30_000;
    /** At most this many of a gained range's hottest chunks are warmed (64 MiB with 4 MiB chunks). */
    private static final int WARM_CHUNKS = 16;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ClusterNode node;
    private final Vertx vertx;
    private final Function<String, Peer> peers;
    private final Counter warmedBytes;

    Handover(ClusterNode node, Vertx vertx, MeterRegistry registry, Function<String, Peer> peers) {
        this.node = node;
        this.vertx = vertx;
        this.peers = peers;
        this.warmedBytes = Counter.builder("shardgate.migration.warmed").baseUnit("bytes")
                .description("bytes loaded into the tiers of shards this server took over").register(registry);
    }

    /** The servers that owned, in {@code before}, some range {@code self} owns in {@code next}. */
    static Set<String> previousOwnersOfGained(ShardMap before, ShardMap next, String self) {
        Set<String> out = new HashSet<>();
        for (int i = 0; i < next.shardCount(); i++) {
            if (next.owner(i).equals(self)) {
                out.addAll(ownersIn(before, next.shardStart(i), next.shardEnd(i)));
            }
        }
        out.remove(self);
        return out;
    }

    /** Whether {@code self} owns, in {@code before}, some range another server owns in {@code next}. */
    static boolean losesAny(ShardMap before, ShardMap next, String self) {
        for (int i = 0; i < before.shardCount(); i++) {
            if (before.owner(i).equals(self)) {
                Set<String> now = ownersIn(next, before.shardStart(i), before.shardEnd(i));
                now.remove(self);
                if (!now.isEmpty()) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Set<String> ownersIn(ShardMap m, long start, long end) {
        Set<String> out = new HashSet<>();
        long stop = Math.min(end, m.sizeBytes());
        if (start >= stop) {
            return out;
        }
        for (int j = m.shardIndexOf(start); j <= m.shardIndexOf(stop - 1); j++) {
            out.add(m.owner(j));
        }
        return out;
    }

    /**
     * Completes when every server in {@code servers} has acknowledged {@code version} of the volume, or has left the
     * cluster; after 30 s it completes anyway and says so (a server that cannot drain in 30 s is stuck).
     */
    Future<Void> awaitAcks(String volume, long version, Set<String> servers) {
        return vertx.executeBlocking(() -> {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ACK_TIMEOUT_MS);
            Set<String> waiting = new HashSet<>(servers);
            while (!waiting.isEmpty()) {
                waiting.removeIf(s -> peers.apply(s) == null || applied(volume, s) >= version);
                if (waiting.isEmpty()) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    LOG.warn("volume {}: servers {} did not acknowledge map version {} within {} ms; serving anyway",
                            volume, waiting, version, ACK_TIMEOUT_MS);
                    break;
                }
                Thread.sleep(2);
            }
            return null;
        }, false);
    }

    private long applied(String volume, String server) {
        Long v = node.applied().get(volume + "/" + server);
        return v == null ? -1 : v;
    }

    /** Loads the hottest chunks of the ranges {@code self} gained into its tiers, in the background. */
    void warm(LocalVolume local, ShardMap before, ShardMap next, String self) {
        vertx.executeBlocking(() -> {
            List<long[]> hot = hotChunks(local.name(), before, next, self); // {chunk, ops}
            hot.sort(Comparator.comparingLong((long[] c) -> c[1]).reversed());
            int chunkSize = next.chunkSize();
            for (long[] c : hot.subList(0, Math.min(WARM_CHUNKS, hot.size()))) {
                long start = c[0] * chunkSize;
                long end = Math.min(start + chunkSize, next.sizeBytes() / 4096 * 4096);
                if (end <= start) {
                    continue;
                }
                try {
                    boolean read = local.prefetch(start, (int) (end - start)).toCompletionStage().toCompletableFuture()
                            .get(30, TimeUnit.SECONDS);
                    if (read) {
                        warmedBytes.increment(end - start);
                    }
                } catch (Exception e) {
                    LOG.debug("warming chunk {} of {} stopped: {}", c[0], local.name(), e.toString());
                    break; // the map changed again, or the store is unwell: warming is only an optimisation
                }
            }
            return null;
        }, false);
    }

    /** Chunks of the gained ranges with their operation counts in the previous owners' last load reports. */
    private List<long[]> hotChunks(String volume, ShardMap before, ShardMap next, String self) throws Exception {
        List<long[]> out = new ArrayList<>();
        for (String previous : previousOwnersOfGained(before, next, self)) {
            byte[] bytes = node.loads().get(previous);
            if (bytes == null) {
                continue;
            }
            LoadReport report = JSON.readValue(bytes, LoadReport.class);
            for (ShardLoad l : report.shards()) {
                if (!l.volume().equals(volume) || l.mapVersion() != before.version()
                        || l.shardIndex() >= before.shardCount()) {
                    continue;
                }
                long firstChunk = before.shardStart(l.shardIndex()) / before.chunkSize();
                long[] ops = l.chunkOps();
                for (int k = 0; k < ops.length; k++) {
                    long chunk = firstChunk + k;
                    long offset = chunk * before.chunkSize();
                    if (ops[k] > 0 && offset < next.sizeBytes() && next.owner(next.shardIndexOf(offset)).equals(self)) {
                        out.add(new long[] {chunk, ops[k]});
                    }
                }
            }
        }
        return out;
    }
}
