package io.shardgate.gateway.cluster;

import io.shardgate.core.map.ShardMap;
import io.shardgate.gateway.io.BlockVolume;
import io.shardgate.gateway.io.VolumeIoException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * The owner side of the internal protocol: serves pieces routed to this server from its own shards, refusing pieces
 * routed with another map version (MOVED). A malformed frame closes that connection and changes nothing.
 */
final class InternalServer {
    private static final Logger LOG = LoggerFactory.getLogger(InternalServer.class);

    /** What the server needs of its volumes: the owned face and the current map. */
    interface Owned {
        /** The volume's local face (owner-checked), or null for an unknown volume. */
        BlockVolume local(String volume);

        ShardMap map(String volume);
    }

    private final Vertx vertx;
    private volatile Owned owned;
    private NetServer server;

    InternalServer(Vertx vertx) {
        this.vertx = vertx;
    }

    /** Starts answering for these volumes; until then every volume is unknown. */
    void serve(Owned volumes) {
        this.owned = volumes;
    }

    Future<Integer> start(String host, int port) {
        server = vertx.createNetServer(new NetServerOptions().setHost(host).setPort(port).setTcpNoDelay(true))
                .connectHandler(this::connection);
        return server.listen().map(NetServer::actualPort);
    }

    Future<Void> stop() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    private void connection(NetSocket socket) {
        RecordParser parser = RecordParser.newFixed(4);
        int[] expecting = {-1};
        parser.handler(b -> {
            if (expecting[0] < 0) {
                int n = b.getInt(0);
                if (n < 31 || n > InternalProtocol.MAX_FRAME) {
                    LOG.warn("closing internal connection from {}: bad frame length {}", socket.remoteAddress(), n);
                    socket.close();
                    return;
                }
                expecting[0] = n;
                parser.fixedSizeMode(n);
            } else {
                expecting[0] = -1;
                parser.fixedSizeMode(4);
                InternalProtocol.Request r;
                try {
                    r = InternalProtocol.Request.decode(b);
                } catch (RuntimeException e) {
                    LOG.warn("closing internal connection from {}: malformed request ({})", socket.remoteAddress(),
                            e.toString());
                    socket.close();
                    return;
                }
                handle(r).onComplete(ar -> socket.write(ar.succeeded() ? ar.result()
                        : InternalProtocol.reply(r.id(), (byte) (InternalProtocol.IO_KIND_BASE
                        + VolumeIoException.Kind.IO_ERROR.ordinal()), 0, InternalProtocol.text(ar.cause().toString()))));
            }
        });
        socket.handler(parser);
    }

    private Future<Buffer> handle(InternalProtocol.Request r) {
        Owned o = owned;
        ShardMap map = o == null ? null : o.map(r.volume());
        BlockVolume v = map == null ? null : o.local(r.volume());
        if (v == null) {
            return Future.succeededFuture(InternalProtocol.reply(r.id(), InternalProtocol.UNKNOWN_VOLUME, 0,
                    InternalProtocol.text("no volume " + r.volume())));
        }
        if (r.mapVersion() != map.version()) {
            String owner = r.offset() >= 0 && r.offset() < map.sizeBytes() ? map.owner(map.shardIndexOf(r.offset())) : "";
            return Future.succeededFuture(InternalProtocol.reply(r.id(), InternalProtocol.MOVED, map.version(),
                    InternalProtocol.text(owner)));
        }
        Future<?> op = switch (r.op()) {
            case InternalProtocol.READ -> v.read(r.offset(), r.length());
            case InternalProtocol.WRITE -> v.write(r.offset(), r.data(), true);
            case InternalProtocol.TRIM -> v.trim(r.offset(), r.length());
            case InternalProtocol.WRITE_ZEROES -> v.writeZeroes(r.offset(), r.length(), true);
            default -> Future.failedFuture(new VolumeIoException(VolumeIoException.Kind.INVALID, "unknown op " + r.op()));
        };
        return op.map(result -> InternalProtocol.reply(r.id(), InternalProtocol.OK, map.version(),
                result instanceof Buffer data ? data : null))
                .recover(e -> Future.succeededFuture(InternalProtocol.reply(r.id(), (byte) (InternalProtocol.IO_KIND_BASE
                        + (e instanceof VolumeIoException x ? x.kind() : VolumeIoException.Kind.IO_ERROR).ordinal()),
                        map.version(), InternalProtocol.text(String.valueOf(e.getMessage())))));
    }
}
