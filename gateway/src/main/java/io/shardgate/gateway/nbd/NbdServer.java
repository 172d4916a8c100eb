package io.shardgate.gateway.nbd;

import io.shardgate.gateway.io.VolumeResolver;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The NBD front end: serves every volume of a {@link VolumeResolver} as an NBD export of the same name
 * ({@code nbd://host:port/<volume>}), over the fixed-newstyle protocol with structured replies,
 * FLUSH/FUA/TRIM/WRITE_ZEROES and multi-connection support.
 *
 * <p>Lifecycle: {@link #start()} once, then {@link #stop()} once. Both return at once and may be called
 * from any thread. Connections are spread over {@link NbdServerOptions#getEventLoops()} event loops; each
 * connection stays on one. The volumes' futures may complete on any thread.
 */
public final class NbdServer {
    private final Vertx vertx;
    private final VolumeResolver resolver;
    private final NbdServerOptions options;
    private final List<String> deployments = new ArrayList<>();
    private volatile int port = -1;

    /**
     * @param vertx    the Vert.x instance whose event loops serve the connections
     * @param resolver finds a volume by export name; called once per connection, on an event loop
     * @param options  settings, copied here (later changes to {@code options} have no effect)
     */
    public NbdServer(Vertx vertx, VolumeResolver resolver, NbdServerOptions options) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.options = new NbdServerOptions(Objects.requireNonNull(options, "options"));
    }

    /**
     * Binds and starts accepting. With port 0 the first listener picks a free port and the others share it.
     *
     * @return the bound TCP port; fails if the address is in use or the server was already started
     */
    public synchronized Future<Integer> start() {
        if (port != -1) {
            return Future.failedFuture(new IllegalStateException("NBD server already started"));
        }
        port = 0;
        return deploy(options.getPort() == 0 ? 3 : 1).onFailure(e -> port = -1); // a failed start may be retried
    }

    /**
     * Vert.x shares one listening socket between servers that bind the same explicit host and port, but
     * gives each server its own port when asked for port 0: so a free port is picked first, then every
     * listener binds it. Another process may take that port in between; then we try again.
     */
    private Future<Integer> deploy(int attemptsLeft) {
        int wanted;
        try {
            wanted = options.getPort() != 0 ? options.getPort() : freePort(options.getHost());
        } catch (IOException e) {
            return Future.failedFuture(e);
        }
        List<NbdListener> listeners = new CopyOnWriteArrayList<>();
        return vertx.deployVerticle(() -> {
            NbdListener listener = new NbdListener(resolver, options, wanted);
            listeners.add(listener);
            return listener;
        }, new DeploymentOptions().setInstances(options.getEventLoops())).compose(id -> {
            record(id);
            port = wanted;
            return Future.succeededFuture(wanted);
        }, failure -> attemptsLeft > 1 && failure instanceof BindException
                ? deploy(attemptsLeft - 1)
                : Future.failedFuture(failure));
    }

    private static int freePort(String host) throws IOException {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host, 0));
            return probe.getLocalPort();
        }
    }

    private synchronized void record(String deploymentId) {
        deployments.add(deploymentId);
    }

    /** The bound port once {@link #start()} succeeded, else -1 (0 while starting). */
    public int port() {
        return port;
    }

    /** Stops accepting and closes every connection; in-flight requests may be cut short. */
    public synchronized Future<Void> stop() {
        List<Future<Void>> undeployed = new ArrayList<>();
        for (String id : deployments) {
            undeployed.add(vertx.undeploy(id));
        }
        deployments.clear();
        return Future.all(undeployed).mapEmpty();
    }
}
