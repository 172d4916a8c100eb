package io.shardgate.gateway.server;

import java.nio.file.Path;
import java.util.List;

/**
 * Settings of a single-node gateway, validated at construction; each error names its flag.
 *
 * @param dataDir       where the local-directory store, the admin token and traces live
 * @param host          address the NBD and REST servers bind (127.0.0.1 by default)
 * @param nbdPort       NBD port (10809), 0 for any free port
 * @param restPort      REST port (8080), 0 for any free port
 * @param serverId      this server's id in shard maps
 * @param region        region name
 * @param spine         spine name
 * @param iops          advertised IOPS capacity, what the planner may reserve
 * @param bandwidthMBps advertised network bandwidth, MB/s
 * @param chunkSize     chunk size in bytes (power of two, 64 KiB to 64 MiB)
 * @param storeThreads  size of the bounded {@code store-io} worker pool
 * @param ramTierBytes  off-heap RAM tier size in bytes; 0 for none
 * @param nvmeTier      the NVMe tier's file and size, or null for none
 * @param rados         the Ceph cluster holding the data, or null for the local-directory store under dataDir
 * @param cluster       how to join a cluster of servers sharing the store, or null for a single node
 * @param loadIntervalMs how often the load monitor samples and publishes per-shard load, milliseconds
 * @param emulateCapacity EMULATION for benchmarks on one machine: cap owner-side I/O at {@code iops} and
 *                      {@code bandwidthMBps} with token buckets
 * @param iscsiPort     iSCSI port (3260 with {@code serve}), 0 for any free port, -1 for no iSCSI front end
 * @param prefetch      access recording and prefetching ({@link Prefetch#OFF} for neither)
 * @param keystone      Keystone to validate API tokens against besides the admin secret, or null for none
 */
public record EmbeddedOptions(Path dataDir, String host, int nbdPort, int restPort, String serverId, String region,
                              String spine, long iops, double bandwidthMBps, int chunkSize, int storeThreads,
                              long ramTierBytes, NvmeTier nvmeTier, Rados rados,
                              io.shardgate.gateway.cluster.ClusterOptions cluster, long loadIntervalMs,
                              boolean emulateCapacity, int iscsiPort, Prefetch prefetch,
                              io.shardgate.gateway.rest.KeystoneTokenValidator.Settings keystone) {

    /**
     * Access recording and prefetching on the owners.
     *
     * @param policy         the prefetch policy: {@code auto} (by workload type, see
     *                       {@link io.shardgate.gateway.prefetch.PolicyChooser}), a {@code predict eval --policies}
     *                       name for every volume, {@code none} for none
     * @param models         model files: one for {@code lstm}, any number (one per workload type) for {@code auto}
     * @param recordTraces   record every owner access to rotating trace files under {@code DATA_DIR/traces}
     * @param maxInFlight    prefetch reads in flight at once, at most
     * @param maxMBps        backend megabytes per second prefetching may read
     */
    public record Prefetch(String policy, List<Path> models, boolean recordTraces, int maxInFlight, long maxMBps) {
        /** Neither recording nor prefetching. */
        public static final Prefetch OFF = new Prefetch("none", List.of(), false, 16, 200);

        public Prefetch {
            require(policy != null && !policy.isBlank(), "--prefetch-policy", "is required");
            models = models == null ? List.of() : List.copyOf(models);
            require(maxInFlight >= 1 && maxInFlight <= 1024, "--prefetch-inflight", "must be 1-1024, was "
                    + maxInFlight);
            require(maxMBps >= 1, "--prefetch-mbps", "must be >= 1, was " + maxMBps);
        }

        /** Whether anything is to be done on the owners. */
        public boolean active() {
            return recordTraces || !policy.equals("none");
        }
    }

    /** The settings with API tokens also validated against Keystone. */
    public EmbeddedOptions withKeystone(io.shardgate.gateway.rest.KeystoneTokenValidator.Settings k) {
        return new EmbeddedOptions(dataDir, host, nbdPort, restPort, serverId, region, spine, iops, bandwidthMBps,
                chunkSize, storeThreads, ramTierBytes, nvmeTier, rados, cluster, loadIntervalMs, emulateCapacity,
                iscsiPort, prefetch, k);
    }

    /** The settings with access recording and prefetching as given. */
    public EmbeddedOptions withPrefetch(Prefetch p) {
        return new EmbeddedOptions(dataDir, host, nbdPort, restPort, serverId, region, spine, iops, bandwidthMBps,
                chunkSize, storeThreads, ramTierBytes, nvmeTier, rados, cluster, loadIntervalMs, emulateCapacity,
                iscsiPort, p, keystone);
    }

    /** Without the iSCSI front end. */
    public EmbeddedOptions(Path dataDir, String host, int nbdPort, int restPort, String serverId, String region,
                           String spine, long iops, double bandwidthMBps, int chunkSize, int storeThreads,
                           long ramTierBytes, NvmeTier nvmeTier, Rados rados,
                           io.shardgate.gateway.cluster.ClusterOptions cluster, long loadIntervalMs,
                           boolean emulateCapacity) {
        this(dataDir, host, nbdPort, restPort, serverId, region, spine, iops, bandwidthMBps, chunkSize, storeThreads,
                ramTierBytes, nvmeTier, rados, cluster, loadIntervalMs, emulateCapacity, -1, Prefetch.OFF, null);
    }

    /** The same settings with the iSCSI front end on {@code port} (0: any free port, -1: off). */
    public EmbeddedOptions withIscsiPort(int port) {
        return new EmbeddedOptions(dataDir, host, nbdPort, restPort, serverId, region, spine, iops, bandwidthMBps,
                chunkSize, storeThreads, ramTierBytes, nvmeTier, rados, cluster, loadIntervalMs, emulateCapacity, port,
                prefetch, keystone);
    }

    /**
     * Where the data lives in Ceph.
     *
     * @param conf   ceph.conf
     * @param client cephx client id (without {@code client.})
     * @param pool   RADOS pool
     */
    public record Rados(Path conf, String client, String pool) {
        public Rados {
            require(conf != null, "--ceph-conf", "is required with --store rados");
            require(client != null && !client.isBlank(), "--ceph-client", "is required");
            require(pool != null && !pool.isBlank(), "--ceph-pool", "is required");
        }
    }

    /**
     * The NVMe tier: a preallocated file (put it on an NVMe device; opened with O_DIRECT where allowed).
     *
     * @param file  the tier file, created or truncated at start (its content is a cache, not kept across restarts)
     * @param bytes its size, at least 1M
     */
    public record NvmeTier(Path file, long bytes) {
        public NvmeTier {
            require(file != null, "--nvme-tier-file", "is required with --nvme-tier");
            require(bytes >= (1 << 20), "--nvme-tier", "must be at least 1M, was " + bytes);
        }
    }

    public EmbeddedOptions {
        require(prefetch != null, "--prefetch-policy", "is required");
        require(dataDir != null, "--data-dir", "is required");
        require(host != null && !host.isBlank(), "--host", "is required");
        require(nbdPort >= 0 && nbdPort <= 65535, "--nbd-port", "must be 0-65535, was " + nbdPort);
        require(restPort >= 0 && restPort <= 65535, "--rest-port", "must be 0-65535, was " + restPort);
        require(iscsiPort >= -1 && iscsiPort <= 65535, "--iscsi-port", "must be -1 (off) or 0-65535, was " + iscsiPort);
        require(serverId != null && serverId.matches("[A-Za-z0-9._-]{1,64}"), "--server-id",
                "must be 1-64 characters of [A-Za-z0-9._-], was " + serverId);
        require(region != null && !region.isBlank(), "--region", "is required");
        require(spine != null && !spine.isBlank(), "--spine", "is required");
        require(iops > 0, "--iops", "must be > 0, was " + iops);
        require(bandwidthMBps > 0, "--bandwidth-mbps", "must be > 0, was " + bandwidthMBps);
        require(Integer.bitCount(chunkSize) == 1 && chunkSize >= (64 << 10) && chunkSize <= (64 << 20), "--chunk-size",
                "must be a power of two from 64K to 64M, was " + chunkSize);
        require(storeThreads >= 1 && storeThreads <= 256, "--store-threads", "must be 1-256, was " + storeThreads);
        require(loadIntervalMs >= 100 && loadIntervalMs <= 3_600_000, "--load-interval",
                "must be 100 ms to 1 hour, was " + loadIntervalMs + " ms");
        require(ramTierBytes == 0 || ramTierBytes >= (1 << 20), "--ram-tier", "must be 0 (none) or at least 1M, was "
                + ramTierBytes);
    }

    private static void require(boolean ok, String flag, String message) {
        if (!ok) {
            throw new IllegalArgumentException(flag + " " + message);
        }
    }
}
