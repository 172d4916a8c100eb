package io.shardgate.gateway.cluster;

import io.shardgate.gateway.io.VolumeIoException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The router side of the internal protocol: one connection per peer, requests pipelined and matched to replies by
 * id. A lost connection fails its pending requests with an I/O error and is reopened on the next request.
 */
final class InternalClient {
    private final NetClient client;
    private final AtomicLong ids = new AtomicLong();
    private final Map<String, Future<Connection>> connections = new ConcurrentHashMap<>();

    InternalClient(Vertx vertx) {
        client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(5000));
    }

    /** One open connection and its pending requests. */
    private final class Connection {
        final NetSocket socket;
        final Map<Long, Promise<InternalProtocol.Reply>> pending = new ConcurrentHashMap<>();

        Connection(NetSocket socket, String key) {
            this.socket = socket;
            RecordParser parser = RecordParser.newFixed(4);
            int[] expecting = {-1};
            parser.handler(b -> {
                if (expecting[0] < 0) {
                    expecting[0] = b.getInt(0);
                    parser.fixedSizeMode(expecting[0]);
                } else {
                    expecting[0] = -1;
                    parser.fixedSizeMode(4);
                    InternalProtocol.Reply r = InternalProtocol.Reply.decode(b);
                    Promise<InternalProtocol.Reply> p = pending.remove(r.id());
                    if (p != null) {
                        p.complete(r);
                    }
                }
            });
            socket.handler(parser);
            socket.closeHandler(v -> {
                connections.remove(key);
                VolumeIoException lost = new PeerUnreachableException("connection to " + key + " lost", null);
                pending.values().forEach(p -> p.tryFail(lost));
                pending.clear();
            });
        }
    }

    private Future<Connection> connection(Peer peer) {
        String key = peer.internalHost() + ":" + peer.internalPort();
        return connections.computeIfAbsent(key, k -> client.connect(peer.internalPort(), peer.internalHost())
                .map(s -> new Connection(s, k))
                .onFailure(e -> connections.remove(k)));
    }

    /** Sends one piece; the future fails with {@link MovedException} or {@link VolumeIoException}. */
    Future<Buffer> send(Peer peer, byte op, String volume, long mapVersion, long offset, int length, Buffer data) {
        return connection(peer).compose(c -> {
            long id = ids.incrementAndGet();
            Promise<InternalProtocol.Reply> p = Promise.promise();
            c.pending.put(id, p);
            c.socket.write(InternalProtocol.request(id, op, mapVersion, offset, length, volume, data));
            return p.future();
        }, e -> Future.failedFuture(new PeerUnreachableException("cannot reach server " + peer.server().id() + " at "
                + peer.internalHost() + ":" + peer.internalPort() + ": " + e.getMessage(), e))).compose(r -> switch (r.status()) {
                    case InternalProtocol.OK -> Future.succeededFuture(r.payload());
                    case InternalProtocol.MOVED -> Future.failedFuture(new MovedException(r.mapVersion(), r.text()));
                    case InternalProtocol.UNKNOWN_VOLUME -> Future.failedFuture(new VolumeIoException(
                            VolumeIoException.Kind.NOT_PERMITTED, r.text()));
                    default -> {
                        int kind = r.status() - InternalProtocol.IO_KIND_BASE;
                        VolumeIoException.Kind[] kinds = VolumeIoException.Kind.values();
                        yield Future.failedFuture(new VolumeIoException(kind >= 0 && kind < kinds.length ? kinds[kind]
                                : VolumeIoException.Kind.IO_ERROR, r.text()));
                    }
                });
    }

    Future<Void> close() {
        return client.close();
    }
}
