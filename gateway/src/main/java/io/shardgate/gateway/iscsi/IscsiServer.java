package io.shardgate.gateway.iscsi;

import io.shardgate.gateway.io.VolumeResolver;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Objects;

/**
 * The iSCSI front end: serves every volume of a {@link VolumeResolver} as target
 * {@code <iqn prefix><volume>} with one LUN (0), over RFC 7143 with CHAP, digests and SendTargets discovery, so the
 * router, sharding and tiers behind {@link io.shardgate.gateway.io.BlockVolume} apply unchanged.
 *
 * <p>Lifecycle: {@link #start()} once, then {@link #stop()}. Both return at once and may be called from any thread.
 * Connections are spread over {@link IscsiServerOptions#getEventLoops()} event loops; each stays on one.
 */
public final class IscsiServer {
    private final Vertx vertx;
    private final VolumeResolver resolver;
    private final IscsiServerOptions options;
    private final TargetRegistry registry = new TargetRegistry();
    private String deployment;
    private volatile int port = -1;

    /**
     * @param vertx    the Vert.x instance whose event loops serve the connections
     * @param resolver finds the volume of a target; called once per login, on an event loop
     * @param options  settings, copied here
     */
    public IscsiServer(Vertx vertx, VolumeResolver resolver, IscsiServerOptions options) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.options = new IscsiServerOptions(Objects.requireNonNull(options, "options"));
    }

    /**
     * Binds and starts accepting. Port 0 picks a free port first (Vert.x shares one listening socket only between
     * servers binding the same explicit port).
     *
     * @return the bound TCP port; fails if the address is in use or the server was already started
     */
    public synchronized Future<Integer> start() {
        if (port != -1) {
            return Future.failedFuture(new IllegalStateException("iSCSI server already started"));
        }
        port = 0;
        return deploy(options.getPort() == 0 ? 3 : 1).onFailure(e -> port = -1); // a failed start may be retried
    }

    /** Binds the chosen port; with port 0 another process may take the probed port first, so try again. */
    private Future<Integer> deploy(int attemptsLeft) {
        int wanted;
        try {
            wanted = options.getPort() != 0 ? options.getPort() : freePort(options.getHost());
        } catch (IOException e) {
            return Future.failedFuture(e);
        }
        return vertx.deployVerticle(() -> new IscsiListener(resolver, options, registry, wanted),
                new DeploymentOptions().setInstances(options.getEventLoops())).compose(id -> {
                    synchronized (this) {
                        deployment = id;
                    }
                    port = wanted;
                    return Future.succeededFuture(wanted);
                }, failure -> attemptsLeft > 1 && failure instanceof java.net.BindException
                        ? deploy(attemptsLeft - 1) : Future.failedFuture(failure));
    }

    private static int freePort(String host) throws IOException {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(host, 0));
            return probe.getLocalPort();
        }
    }

    /** The bound port once {@link #start()} succeeded, else -1 (0 while starting). */
    public int port() {
        return port;
    }

    /** The target name of a volume, as initiators must give it. */
    public String targetName(String volume) {
        return options.targetName(volume);
    }

    /** Stops accepting and closes every connection; commands in flight may be cut short. */
    public synchronized Future<Void> stop() {
        String id = deployment;
        deployment = null;
        return id == null ? Future.succeededFuture() : vertx.undeploy(id);
    }
}
