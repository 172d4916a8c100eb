package io.shardgate.gateway.cli;

import io.shardgate.gateway.server.EmbeddedGateway;
import io.shardgate.gateway.server.EmbeddedOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code gateway.jar serve}: runs one gateway server in the foreground until SIGTERM or Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Runs a gateway server in the foreground (Ctrl-C or SIGTERM stops it cleanly).",
                "--embedded: a single-node gateway, NBD on 10809, iSCSI on 3260 and REST on 8080; the admin token is"
                        + " written to DATA_DIR/admin.token. Data lives in a local directory under --data-dir (the default) or in"
                        + " Ceph RADOS (--store rados --ceph-conf FILE)."})
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--embedded", description = "single-node gateway with a local-directory durable store")
    boolean embedded;
    @Option(names = "--data-dir", defaultValue = "./data", description = "data directory (default ${DEFAULT-VALUE})")
    Path dataDir;
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "bind address (default ${DEFAULT-VALUE})")
    String host;
    @Option(names = "--nbd-port", defaultValue = "10809", description = "NBD port (default ${DEFAULT-VALUE})")
    int nbdPort;
    @Option(names = "--iscsi-port",
            description = "iSCSI port, 0 for any free port, -1 for none (default 3260 with --embedded, none for a"
                    + " cluster member)")
    Integer iscsiPort;
    @Option(names = "--rest-port", defaultValue = "8080", description = "REST port (default ${DEFAULT-VALUE})")
    int restPort;
    @Option(names = "--server-id", defaultValue = "gw-1", description = "server id (default ${DEFAULT-VALUE})")
    String serverId;
    @Option(names = "--region", defaultValue = "region-1", description = "region (default ${DEFAULT-VALUE})")
    String region;
    @Option(names = "--spine", defaultValue = "spine-1", description = "spine (default ${DEFAULT-VALUE})")
    String spine;
    @Option(names = "--iops", defaultValue = "100000", description = "advertised IOPS capacity (default ${DEFAULT-VALUE})")
    long iops;
    @Option(names = "--bandwidth-mbps", defaultValue = "2500",
            description = "advertised network bandwidth, MB/s (default ${DEFAULT-VALUE})")
    double bandwidthMBps;
    @Option(names = "--chunk-size", defaultValue = "4M", description = "chunk size (default ${DEFAULT-VALUE})")
    String chunkSize;
    @Option(names = "--store", defaultValue = "local",
            description = "durable store: local (a directory under --data-dir) or rados (default ${DEFAULT-VALUE})")
    String storeKind;
    @Option(names = "--ceph-conf", description = "ceph.conf of the cluster (with --store rados)")
    Path cephConf;
    @Option(names = "--ceph-client", defaultValue = "admin", description = "cephx client id (default ${DEFAULT-VALUE})")
    String cephClient;
    @Option(names = "--ceph-pool", defaultValue = "shardgate", description = "RADOS pool (default ${DEFAULT-VALUE})")
    String cephPool;
    @Option(names = "--ram-tier", defaultValue = "256M",
            description = "off-heap RAM tier in front of the store, 0 for none (default ${DEFAULT-VALUE})")
    String ramTier;
    @Option(names = "--nvme-tier", defaultValue = "0",
            description = "NVMe tier size behind the RAM tier, 0 for none (default ${DEFAULT-VALUE})")
    String nvmeTier;
    @Option(names = "--nvme-tier-file",
            description = "the NVMe tier's file, preallocated at start (default DATA_DIR/nvme-tier.bin)")
    Path nvmeTierFile;
    @Option(names = "--load-interval", defaultValue = "5000",
            description = "milliseconds between per-shard load samples (default ${DEFAULT-VALUE})")
    long loadIntervalMs;
    @Option(names = "--reshard-interval", defaultValue = "10000",
            description = "cluster: milliseconds between runs of the automatic re-shard planner, 0 = off"
                    + " (default ${DEFAULT-VALUE})")
    long reshardIntervalMs;
    @Option(names = "--prefetch-policy", defaultValue = "auto",
            description = "owner-side prefetch policy: auto (per volume, the --prefetch-model of its workload type,"
                    + " else the best baseline for that type), or one for every volume: none, readahead8, readahead32,"
                    + " linux, rbd, stride, markov, lstm (with one --prefetch-model) (default ${DEFAULT-VALUE})")
    String prefetchPolicy;
    @Option(names = "--prefetch-model", description = "a model file from predict train (repeatable: one per workload"
            + " type with --prefetch-policy auto)")
    List<Path> prefetchModels = new ArrayList<>();
    @Option(names = "--record-traces", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "record every owner access to rotating trace files under DATA_DIR/traces (default on)")
    boolean recordTraces;
    @Option(names = "--prefetch-inflight", defaultValue = "16",
            description = "prefetch reads in flight at once (default ${DEFAULT-VALUE})")
    int prefetchInFlight;
    @Option(names = "--prefetch-mbps", defaultValue = "200",
            description = "backend MB/s prefetching may read (default ${DEFAULT-VALUE})")
    long prefetchMBps;
    @Option(names = "--keystone-url", description = "also accept Keystone v3 tokens, validated at this URL"
            + " (e.g. http://keystone:5000/v3)")
    java.net.URI keystoneUrl;
    @Option(names = "--keystone-user", defaultValue = "shardgate",
            description = "the gateway's service user in Keystone (default ${DEFAULT-VALUE})")
    String keystoneUser;
    @Option(names = "--keystone-password-file", description = "file holding that user's password")
    Path keystonePasswordFile;
    @Option(names = "--keystone-project", defaultValue = "service",
            description = "project of the service token (default ${DEFAULT-VALUE})")
    String keystoneProject;
    @Option(names = "--keystone-domain", defaultValue = "Default",
            description = "domain of the user and project (default ${DEFAULT-VALUE})")
    String keystoneDomain;
    @Option(names = "--keystone-role", defaultValue = "admin",
            description = "role a Keystone token needs to manage volumes (default ${DEFAULT-VALUE})")
    String keystoneRole;
    @Option(names = "--emulate-capacity",
            description = "EMULATION for benchmarks on one machine: cap this server's I/O at --iops and"
                    + " --bandwidth-mbps with token buckets")
    boolean emulateCapacity;
    @Option(names = "--hazelcast-port", description = "join a cluster: this member's Hazelcast port")
    Integer hazelcastPort;
    @Option(names = "--member", description = "host:port of a Hazelcast member to join (repeatable)")
    java.util.List<String> members = new java.util.ArrayList<>();
    @Option(names = "--cluster-name", defaultValue = "shardgate", description = "cluster name (default ${DEFAULT-VALUE})")
    String clusterName;
    @Option(names = "--internal-port", defaultValue = "0",
            description = "port of the protocol between servers, 0 for any (default ${DEFAULT-VALUE})")
    int internalPort;
    @Option(names = "--store-threads", defaultValue = "16",
            description = "bounded worker pool for durable-store calls (default ${DEFAULT-VALUE})")
    int storeThreads;

    private io.shardgate.gateway.rest.KeystoneTokenValidator.Settings keystone() {
        if (keystoneUrl == null) {
            return null;
        }
        if (keystonePasswordFile == null) {
            throw new IllegalArgumentException("--keystone-password-file is required with --keystone-url");
        }
        try {
            return new io.shardgate.gateway.rest.KeystoneTokenValidator.Settings(keystoneUrl, keystoneUser,
                    java.nio.file.Files.readString(keystonePasswordFile).trim(), keystoneProject, keystoneDomain,
                    keystoneRole);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("--keystone-password-file " + keystonePasswordFile
                    + " cannot be read: " + e.getMessage());
        }
    }

    @Override
    public Integer call() throws Exception {
        if (embedded == (hazelcastPort != null)) {
            System.err.println("serve: give either --embedded (one server) or --hazelcast-port (a cluster member,"
                    + " with --member for the others and a store they share: --store rados)");
            return 2;
        }
        EmbeddedOptions options;
        try {
            long chunk = Sizes.parse(chunkSize);
            if (chunk > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("--chunk-size is too large");
            }
            EmbeddedOptions.Rados rados = switch (storeKind) {
                case "local" -> null;
                case "rados" -> new EmbeddedOptions.Rados(cephConf, cephClient, cephPool);
                default -> throw new IllegalArgumentException("--store must be local or rados, was " + storeKind);
            };
            io.shardgate.gateway.cluster.ClusterOptions cluster = hazelcastPort == null ? null
                    : new io.shardgate.gateway.cluster.ClusterOptions(clusterName, host, hazelcastPort, members,
                    internalPort, reshardIntervalMs);
            EmbeddedOptions.NvmeTier nvme = nvmeTier.equals("0") ? null : new EmbeddedOptions.NvmeTier(
                    nvmeTierFile != null ? nvmeTierFile : dataDir.resolve("nvme-tier.bin"), Sizes.parse(nvmeTier));
            options = new EmbeddedOptions(dataDir, host, nbdPort, restPort, serverId, region, spine, iops,
                    bandwidthMBps, (int) chunk, storeThreads, ramTier.equals("0") ? 0 : Sizes.parse(ramTier), nvme,
                    rados, cluster, loadIntervalMs, emulateCapacity, iscsiPort != null ? iscsiPort : embedded ? 3260 : -1,
                    new EmbeddedOptions.Prefetch(prefetchPolicy, prefetchModels, recordTraces, prefetchInFlight,
                            prefetchMBps), keystone());
        } catch (IllegalArgumentException e) {
            System.err.println("serve: " + e.getMessage());
            return 2;
        }
        EmbeddedGateway gateway = new EmbeddedGateway(options).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                gateway.close();
            } catch (Exception e) {
                System.err.println("serve: error while stopping: " + e);
            } finally {
                stopped.countDown();
            }
        }, "shutdown"));
        stopped.await();
        return 0;
    }
}
