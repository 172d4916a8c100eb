package io.shardgate.gateway.iscsi;

import io.shardgate.gateway.io.BlockVolume;
import io.shardgate.gateway.io.MemoryBlockVolume;
import io.shardgate.gateway.io.VolumeResolver;
import io.vertx.core.Vertx;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A started iSCSI server on 127.0.0.1 and a free port over in-memory volumes, with its own Vert.x; for tests and,
 * through {@link #main}, for manual runs with real initiators ({@code IscsiTestTarget [--port N] [--size-mib N]}:
 * serves volumes {@code scratch} and {@code chap}, the latter with one-way CHAP user/secret
 * {@code user}/{@code secret-123456}).
 */
final class IscsiTestTarget implements AutoCloseable, VolumeResolver {
    final Vertx vertx = Vertx.vertx();
    final MemoryIscsiAuth auth = new MemoryIscsiAuth();
    private final Map<String, BlockVolume> volumes = new ConcurrentHashMap<>();
    private IscsiServer server;
    int port;

    IscsiTestTarget add(BlockVolume volume) {
        volumes.put(volume.name(), volume);
        return this;
    }

    /** Starts on a free port (never the shared 3260). */
    IscsiTestTarget start(IscsiServerOptions options) throws Exception {
        return listen(options.setPort(0));
    }

    private IscsiTestTarget listen(IscsiServerOptions options) throws Exception {
        server = new IscsiServer(vertx, this, options.setHost("127.0.0.1").setAuth(auth));
        port = server.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return this;
    }

    /** The libiscsi URL of LUN 0 of a volume, with optional {@code user%password@}. */
    String url(String volume, String credentials) {
        return "iscsi://" + (credentials == null ? "" : credentials + "@") + "127.0.0.1:" + port + "/"
                + server.targetName(volume) + "/0";
    }

    String iqn(String volume) {
        return server.targetName(volume);
    }

    @Override
    public BlockVolume open(String name) {
        return volumes.get(name);
    }

    @Override
    public List<String> names() {
        return List.copyOf(new TreeMap<>(volumes).keySet());
    }

    /** SHA-256 of a whole volume, read in process. */
    static String sha256(BlockVolume volume) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (long off = 0; off < volume.sizeBytes(); off += 1 << 20) {
            int len = (int) Math.min(1 << 20, volume.sizeBytes() - off);
            md.update(volume.read(off, len).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                    .getBytes());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    @Override
    public void close() throws Exception {
        if (server != null) {
            server.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    public static void main(String[] args) throws Exception {
        int port = 3260;
        int sizeMib = 64;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--size-mib" -> sizeMib = Integer.parseInt(args[++i]);
                default -> {
                    System.out.println("usage: IscsiTestTarget [--port N] [--size-mib N (<2048)]");
                    return;
                }
            }
        }
        IscsiTestTarget t = new IscsiTestTarget();
        t.add(new MemoryBlockVolume("scratch", sizeMib << 20, 4096)).add(new MemoryBlockVolume("chap", 16 << 20, 4096));
        t.auth.setVolume("chap", IscsiAuth.Credentials.oneWay("user", "secret-123456"));
        t.listen(new IscsiServerOptions().setPort(port).setEventLoops(2));
        System.out.println("ISCSI_PORT " + t.port);
        Thread.currentThread().join();
    }
}
