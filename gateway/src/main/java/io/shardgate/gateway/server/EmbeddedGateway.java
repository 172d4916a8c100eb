package io.shardgate.gateway.server;

import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.shardgate.core.plan.SpreadingPlanner;
import io.shardgate.core.topology.Server;
import io.shardgate.core.topology.ServerCapacity;
import io.shardgate.gateway.cluster.ClusterVolumeManager;
import io.shardgate.gateway.engine.CapacityEmulator;
import io.shardgate.gateway.engine.LoadMonitor;
import io.shardgate.gateway.prefetch.Prefetcher;
import io.shardgate.gateway.prefetch.PolicyChooser;
import io.shardgate.core.spec.WorkloadType;
import io.shardgate.gateway.engine.LocalVolumeManager;
import io.shardgate.gateway.engine.Owner;
import io.shardgate.gateway.io.VolumeResolver;
import io.shardgate.gateway.volume.ClusterView;
import io.shardgate.gateway.volume.FrontEnd;
import io.shardgate.gateway.volume.VolumeManager;
import io.shardgate.gateway.iscsi.IscsiServer;
import io.shardgate.gateway.iscsi.IscsiServerOptions;
import io.shardgate.gateway.iscsi.MemoryIscsiAuth;
import io.shardgate.gateway.nbd.NbdServer;
import io.shardgate.gateway.nbd.NbdServerOptions;
import io.shardgate.gateway.rest.KeystoneTokenValidator;
import io.shardgate.gateway.rest.RestApi;
import io.shardgate.gateway.rest.TokenValidator;
import io.shardgate.gateway.store.DurableStore;
import io.shardgate.gateway.store.LocalDirectoryStore;
import io.shardgate.gateway.store.RadosStore;
import io.shardgate.gateway.tier.NvmeFileTier;
import io.shardgate.gateway.tier.RamTier;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * A gateway server: the durable store (local directory or RADOS), the RAM tier, the volumes (one server owning every
 * shard with {@code serve --embedded}, or a member of a cluster sharing the store), NBD and REST front ends.
 * {@link #start} blocks until everything listens.
 */
public final class EmbeddedGateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedGateway.class);

    private final EmbeddedOptions options;
    private Vertx vertx;
    private WorkerExecutor storePool;
    private DurableStore store;
    private RamTier ram;
    private NvmeFileTier nvme;
    private LoadMonitor load;
    private Prefetcher prefetcher;
    /** Set once the volume manager is up (before any volume is served); read by the prefetcher's thread. */
    private volatile VolumeManager volumeManager;
    private VolumeResolver volumeNames;
    private ClusterVolumeManager cluster;
    private NbdServer nbd;
    private IscsiServer iscsi;
    /** Per-volume CHAP credentials of the iSCSI targets (in memory until the volume records hold them). */
    private final MemoryIscsiAuth iscsiAuth = new MemoryIscsiAuth();
    private Exports exports;
    private HttpServer http;
    private String token;

    public EmbeddedGateway(EmbeddedOptions options) {
        this.options = options;
    }

    public EmbeddedGateway start() throws Exception {
        Files.createDirectories(options.dataDir());
        token = loadOrCreateToken(options.dataDir().resolve("admin.token"));
        vertx = Vertx.vertx();
        storePool = vertx.createSharedWorkerExecutor("store-io", options.storeThreads(), 60, TimeUnit.SECONDS);
        store = options.rados() == null
                ? new LocalDirectoryStore(options.dataDir().resolve("store"), options.chunkSize())
                : new RadosStore(options.rados().conf().toFile(), options.rados().client(), options.rados().pool(),
                        options.chunkSize());
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        Server self = new Server(options.serverId(), options.region(), options.spine(),
                new ServerCapacity(options.iops(), options.bandwidthMBps(), 0, 0));
        ram = options.ramTierBytes() == 0 ? null : new RamTier(options.ramTierBytes(), 16);
        nvme = options.nvmeTier() == null ? null
                : NvmeFileTier.create(options.nvmeTier().file(), options.nvmeTier().bytes(), 16);
        Owner owner = new Owner(options.serverId(), store, storePool, registry, ram, nvme);
        load = new LoadMonitor(owner, vertx, options.loadIntervalMs()).start();
        EmbeddedOptions.Prefetch pf = options.prefetch();
        if (pf.active()) {
            PolicyChooser chooser = PolicyChooser.of(pf.policy(), pf.models()); // bad names or models fail the start
            prefetcher = new Prefetcher(chooser, name -> workloadOf(volumeManager, name),
                    pf.recordTraces() ? options.dataDir().resolve("traces") : null, pf.maxInFlight(),
                    pf.maxMBps() * 1_000_000);
            owner.listenTo(prefetcher);
            LOG.info("owner accesses: {}, prefetch policy {}", pf.recordTraces() ? "recorded under "
                    + options.dataDir().resolve("traces") : "not recorded", pf.policy());
        }
        if (options.emulateCapacity()) {
            owner.emulateCapacity(new CapacityEmulator(vertx, options.iops(), options.bandwidthMBps()));
            LOG.warn("EMULATION: owner-side I/O of server {} is capped at {} IOPS and {} MB/s (--emulate-capacity);"
                    + " for benchmarks on one machine, not for production", options.serverId(), options.iops(),
                    options.bandwidthMBps());
        }
        VolumeManager manager;
        ClusterView view;
        VolumeResolver resolver;
        if (options.cluster() == null) {
            LocalVolumeManager local = LocalVolumeManager.open(self, owner, new SpreadingPlanner(), load);
            manager = local;
            view = local;
            resolver = local;
        } else {
            cluster = ClusterVolumeManager.start(options.cluster(), self, owner, new SpreadingPlanner(), vertx,
                    load);
            manager = cluster;
            view = cluster;
            resolver = cluster;
        }
        volumeNames = resolver;
        volumeManager = manager;
        nbd = new NbdServer(vertx, resolver, new NbdServerOptions().setHost(options.host()).setPort(options.nbdPort()));
        int nbdPort = nbd.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        if (options.iscsiPort() >= 0) {
            iscsi = new IscsiServer(vertx, resolver, new IscsiServerOptions().setHost(options.host())
                    .setPort(options.iscsiPort()).setAuth(iscsiAuth));
            int port = iscsi.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            LOG.info("iSCSI on {}:{}, targets {}<volume>, LUN 0", options.host(), port,
                    IscsiServerOptions.DEFAULT_IQN_PREFIX);
        }
        FrontEnd frontEnd = new FrontEnd(options.serverId(), options.host(), nbdPort,
                iscsi == null ? -1 : iscsi.port());
        if (cluster == null) {
            exports = new Exports(store, new java.util.concurrent.ConcurrentHashMap<>(), iscsiAuth,
                    () -> List.of(frontEnd));
        } else {
            cluster.publishFrontEnd(frontEnd);
            Exports[] holder = new Exports[1];
            java.util.Map<String, byte[]> shared = cluster.exports((volume, bytes) -> {
                if (holder[0] != null) {
                    holder[0].apply(volume, bytes);
                }
            });
            exports = new Exports(store, shared, iscsiAuth, cluster::frontEnds);
            holder[0] = exports;
        }
        TokenValidator tokens = TokenValidator.staticSecret(token);
        if (options.keystone() != null) {
            tokens = KeystoneTokenValidator.either(tokens, new KeystoneTokenValidator(options.keystone()));
            LOG.info("API tokens: the admin secret, or Keystone tokens from {} with role {}",
                    options.keystone().url(), options.keystone().requiredRole());
        }
        RestApi api = new RestApi(manager, view, tokens, registry, exports);
        http = vertx.createHttpServer(new HttpServerOptions().setHost(options.host()).setPort(options.restPort())
                        .setHttp2ClearTextEnabled(false))
                .requestHandler(api.router(vertx));
        http.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        LOG.info("ShardGate gateway {} started: {} volume(s) in {}; NBD on {}:{}, REST on http://{}:{}",
                options.serverId(), volumeNames.names().size(), options.rados() == null
                        ? "local directory " + options.dataDir().toAbsolutePath().resolve("store")
                        : "RADOS pool " + options.rados().pool() + " (" + options.rados().conf() + ")",
                options.host(), nbdPort, options.host(), http.actualPort());
        LOG.info("admin token in {}; try: java -jar gateway.jar volume create --name vol1 --size 1G --iops 1000"
                + " --url http://{}:{} && nbdinfo nbd://{}:{}/vol1", options.dataDir().resolve("admin.token"),
                options.host(), http.actualPort(), options.host(), nbdPort);
        return this;
    }

    public int nbdPort() {
        return nbd.port();
    }

    /** The bound iSCSI port, or -1 when the iSCSI front end is off. */
    public int iscsiPort() {
        return iscsi == null ? -1 : iscsi.port();
    }

    /** The CHAP credentials the iSCSI targets require (none unless set here). */
    public MemoryIscsiAuth iscsiAuth() {
        return iscsiAuth;
    }

    public int restPort() {
        return http.actualPort();
    }

    public String token() {
        return token;
    }

    /**
     * Reads the admin token, creating it if absent. Servers sharing a data directory may race here: the token is
     * written to a private temporary file and published with a hard link, which fails if another server published
     * first; everyone then reads the one that won.
     */
    static String loadOrCreateToken(Path file) throws IOException {
        if (!Files.exists(file)) {
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            Path tmp = Files.createTempFile(file.getParent(), ".admin.token", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.writeString(tmp, HexFormat.of().formatHex(random) + "\n");
                Files.createLink(file, tmp);
                LOG.info("generated a new admin token in {}", file);
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another server sharing this directory published its token first: use that one
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        String t = Files.readString(file).trim();
        if (t.length() < 16) {
            throw new IOException(file + " holds a token shorter than 16 characters: delete it to get a new one");
        }
        return t;
    }

    @Override
    public void close() throws Exception {
        if (http != null) {
            http.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        if (iscsi != null) {
            iscsi.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        if (nbd != null) {
            nbd.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        if (load != null) {
            load.close();
        }
        if (prefetcher != null) {
            prefetcher.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (storePool != null) {
            storePool.close();
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        if (store != null) {
            store.close();
        }
        if (ram != null) {
            ram.close();
        }
        if (nvme != null) {
            nvme.close();
        }
        LOG.info("ShardGate embedded gateway {} stopped", options.serverId());
    }

    /** A volume's workload type, asked of the volume manager (blocks: for the prefetcher's own thread only). */
    private static WorkloadType workloadOf(VolumeManager manager, String volume) {
        if (manager == null) {
            throw new IllegalStateException("the volume manager is not started yet");
        }
        try {
            return manager.get(volume).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).spec()
                    .workload();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("workload of " + volume + ": " + e.getMessage(), e);
        }
    }
}
