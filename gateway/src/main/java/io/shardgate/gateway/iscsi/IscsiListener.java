package io.shardgate.gateway.iscsi;

import io.shardgate.gateway.io.VolumeResolver;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServerOptions;

/** One accepting server on one event loop; {@link IscsiServer} deploys several sharing one port. */
final class IscsiListener extends VerticleBase {
    private final VolumeResolver resolver;
    private final IscsiServerOptions options;
    private final TargetRegistry registry;
    private final int port;

    IscsiListener(VolumeResolver resolver, IscsiServerOptions options, TargetRegistry registry, int port) {
        this.resolver = resolver;
        this.options = options;
        this.registry = registry;
        this.port = port;
    }

    @Override
    public Future<?> start() {
        return vertx.createNetServer(new NetServerOptions().setHost(options.getHost()).setPort(port)
                        .setTcpNoDelay(true).setReuseAddress(true))
                .connectHandler(socket -> new IscsiConnection(vertx, socket, resolver, options, registry))
                .listen();
    }
}
