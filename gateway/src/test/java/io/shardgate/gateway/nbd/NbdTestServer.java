package io.shardgate.gateway.nbd;

import io.shardgate.gateway.io.BlockVolume;
import io.vertx.core.Vertx;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** A started NBD server on 127.0.0.1 and a free port, over test volumes, with its own Vert.x and workers. */
final class NbdTestServer implements AutoCloseable {
    final Vertx vertx = Vertx.vertx();
    final ExecutorService workers = Executors.newFixedThreadPool(3, r -> {
        Thread t = new Thread(r, "test-volume-worker");
        t.setDaemon(true);
        return t;
    });
    final MapVolumeResolver resolver = new MapVolumeResolver();
    private NbdServer server;
    int port;

    /** Wraps {@code volume} so it completes late, off the event loop, out of order. */
    BlockVolume async(BlockVolume volume) {
        return new AsyncShuffledVolume(volume, workers, 200);
    }

    NbdTestServer add(BlockVolume volume) {
        resolver.add(volume);
        return this;
    }

    NbdTestServer start(NbdServerOptions options) throws Exception {
        server = new NbdServer(vertx, resolver, options.setHost("127.0.0.1").setPort(0));
        port = server.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return this;
    }

    String uri(String export) {
        return "nbd://127.0.0.1:" + port + "/" + export;
    }

    /** SHA-256 of a whole volume, read in process (not through NBD). */
    static String sha256(BlockVolume volume) throws Exception {
        MessageDigest md = sha();
        int step = 1 << 20;
        for (long off = 0; off < volume.sizeBytes(); off += step) {
            int len = (int) Math.min(step, volume.sizeBytes() - off);
            md.update(volume.read(off, len).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                    .getBytes());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws Exception {
        if (server != null) {
            server.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        workers.shutdownNow();
    }
}
