package io.shardgate.gateway.nbd;

import io.shardgate.gateway.io.VolumeResolver;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;

/**
 * One accepting server on one event loop. {@link NbdServer} deploys several on the same port; Vert.x
 * spreads the accepted connections over them, so connections run on different event loops.
 */
final class NbdListener extends VerticleBase {
    private final VolumeResolver resolver;
    private final NbdServerOptions options;
    private final int port;
    private volatile int actualPort;

    NbdListener(VolumeResolver resolver, NbdServerOptions options, int port) {
        this.resolver = resolver;
        this.options = options;
        this.port = port;
    }

    @Override
    public Future<?> start() {
        NetServer server = vertx.createNetServer(new NetServerOptions()
                .setHost(options.getHost())
                .setPort(port)
                .setTcpNoDelay(true)
                .setReuseAddress(true));
        server.connectHandler(socket -> new NbdConnection(vertx, socket, resolver, options));
        return server.listen().onSuccess(s -> actualPort = s.actualPort());
    }

    int actualPort() {
        return actualPort;
    }
}
