package io.shardgate.gateway.nbd;

import io.shardgate.gateway.io.BlockVolume;
import io.shardgate.gateway.io.VolumeResolver;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: runs the handshake, then hands the socket to a {@link NbdTransmission}. Enforces
 * the handshake timeout. All methods run on the socket's event loop.
 */
final class NbdConnection implements NbdHandshake.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(NbdConnection.class);

    private final Vertx vertx;
    private final NetSocket socket;
    private final NbdServerOptions options;
    private final NbdHandshake handshake;
    private final long timerId;
    private NbdTransmission transmission;
    private String volumeName;

    NbdConnection(Vertx vertx, NetSocket socket, VolumeResolver resolver, NbdServerOptions options) {
        this.vertx = vertx;
        this.socket = socket;
        this.options = options;
        this.handshake = new NbdHandshake(socket, resolver, options, this);
        this.timerId = vertx.setTimer(options.getHandshakeTimeout().toMillis(), id -> {
            if (transmission == null) {
                LOG.debug("NBD client {} stalled in the handshake: closing", socket.remoteAddress());
                socket.close();
            }
        });
        socket.handler(this::onData);
        socket.exceptionHandler(e -> LOG.debug("NBD connection {} failed", socket.remoteAddress(), e));
        socket.closeHandler(v -> onClosed());
        handshake.begin();
    }

    private void onData(Buffer chunk) {
        try {
            if (transmission != null) {
                transmission.onData(chunk);
            } else {
                handshake.onData(chunk);
            }
        } catch (RuntimeException e) {
            // A bug must cost this connection only, never leave it half-decoded.
            LOG.error("NBD connection {} failed while decoding: closing it", socket.remoteAddress(), e);
            if (transmission != null) {
                transmission.onClosed();
            }
            socket.close();
        }
    }

    @Override
    public void transmission(BlockVolume volume, boolean structuredReplies, Buffer leftover) {
        vertx.cancelTimer(timerId);
        Context context = vertx.getOrCreateContext();
        transmission = new NbdTransmission(socket, context, volume, structuredReplies, options);
        volumeName = volume.name();
        options.getMetrics().onConnectionOpened(volumeName);
        if (leftover != null && leftover.length() > 0) {
            transmission.onData(leftover);
        }
    }

    @Override
    public void close(String reason) {
        vertx.cancelTimer(timerId);
        LOG.debug("NBD handshake with {} ended: {}", socket.remoteAddress(), reason);
        socket.end();
    }

    private void onClosed() {
        vertx.cancelTimer(timerId);
        if (transmission != null) {
            transmission.onClosed();
            options.getMetrics().onConnectionClosed(volumeName);
        }
    }
}
