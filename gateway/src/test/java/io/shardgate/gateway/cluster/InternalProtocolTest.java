package io.shardgate.gateway.cluster;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shardgate.core.map.Shard;
import io.shardgate.core.map.ShardMap;
import io.shardgate.core.topology.Server;
import io.shardgate.core.topology.ServerCapacity;
import io.shardgate.gateway.engine.LocalVolume;
import io.shardgate.gateway.engine.Layers;
import io.shardgate.gateway.engine.Owner;
import io.shardgate.gateway.io.BlockVolume;
import io.shardgate.gateway.io.VolumeIoException;
import io.shardgate.gateway.store.MemoryStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** The owner side of the internal protocol: versions are checked, bad frames close only their connection. */
class InternalProtocolTest {
    private static final int CHUNK = 64 << 10;
    private Vertx vertx;
    private InternalServer server;
    private InternalClient client;
    private Peer peer;
    private final AtomicReference<ShardMap> map = new AtomicReference<>();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        map.set(ShardMap.of("v", "sp", 2, 4L * CHUNK, CHUNK, List.of(new Shard(0, 4L * CHUNK, "owner"))));
        LocalVolume local = new Owner("owner", new MemoryStore(CHUNK), vertx.createSharedWorkerExecutor("t", 2),
                new SimpleMeterRegistry(), null, null).open("v", map::get, Layers.of("v"));
        server = new InternalServer(vertx);
        server.serve(new InternalServer.Owned() {
            @Override
            public BlockVolume local(String volume) {
                return volume.equals("v") ? local : null;
            }

            @Override
            public ShardMap map(String volume) {
                return volume.equals("v") ? map.get() : null;
            }
        });
        int port = await(server.start("127.0.0.1", 0));
        client = new InternalClient(vertx);
        peer = new Peer(new Server("owner", "r", "sp", new ServerCapacity(1, 1, 0, 0)), "127.0.0.1", port);
    }

    @AfterEach
    void stop() {
        vertx.close();
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static Throwable failure(Future<?> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().handle((ok, e) -> e).get(10, TimeUnit.SECONDS);
    }

    @Test
    void piecesRoutedWithTheCurrentVersionAreServed() throws Exception {
        byte[] data = new byte[5000];
        new java.util.Random(1).nextBytes(data);
        await(client.send(peer, InternalProtocol.WRITE, "v", 2, 70_000, data.length, Buffer.buffer(data)));
        assertArrayEquals(data, await(client.send(peer, InternalProtocol.READ, "v", 2, 70_000, 5000, null)).getBytes());
    }

    @Test
    void aStaleVersionIsRefusedWithTheCurrentOneAndChangesNothing() throws Exception {
        Throwable e = failure(client.send(peer, InternalProtocol.WRITE, "v", 1, 0, 3, Buffer.buffer(new byte[] {9, 9, 9})));
        assertEquals(2, assertInstanceOf(MovedException.class, e).currentVersion());
        assertArrayEquals(new byte[3], await(client.send(peer, InternalProtocol.READ, "v", 2, 0, 3, null)).getBytes());
    }

    @Test
    void unknownVolumesAndBadRangesAreErrorsOfThatRequest() throws Exception {
        assertEquals(VolumeIoException.Kind.NOT_PERMITTED, assertInstanceOf(VolumeIoException.class,
                failure(client.send(peer, InternalProtocol.READ, "nope", 2, 0, 1, null))).kind());
        assertEquals(VolumeIoException.Kind.OUT_OF_RANGE, assertInstanceOf(VolumeIoException.class,
                failure(client.send(peer, InternalProtocol.READ, "v", 2, 4L * CHUNK - 1, 2, null))).kind());
    }

    @Test
    void aMalformedFrameClosesItsConnectionOnly() throws Exception {
        NetSocket raw = await(vertx.createNetClient().connect(peer.internalPort(), "127.0.0.1"));
        java.util.concurrent.CompletableFuture<Void> closed = new java.util.concurrent.CompletableFuture<>();
        raw.closeHandler(v -> closed.complete(null));
        raw.write(Buffer.buffer().appendInt(7).appendLong(1)); // a frame too short to be a request
        closed.get(10, TimeUnit.SECONDS);
        assertEquals(0, await(client.send(peer, InternalProtocol.READ, "v", 2, 0, 1, null)).getByte(0),
                "other connections still served");
    }
}
