package io.shardgate.gateway.nbd;

import io.shardgate.gateway.io.BlockVolume;
import io.shardgate.gateway.io.MemoryBlockVolume;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs the NBD server standalone over one in-memory volume, for benchmarks and manual tests with real
 * clients. Prints {@code NBD_PORT <port>} once listening and serves until killed.
 *
 * <p>Usage: {@code NbdBenchServer [--port N] [--size-mib N] [--name NAME] [--event-loops N] [--async] [--native] [--stats]}
 * ({@code --async} completes every request on a worker thread, out of order; {@code --stats} prints, every
 * 5 s, the requests served and their mean time inside the server, from header decoded to reply queued).
 */
public final class NbdBenchServer {
    private NbdBenchServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = 0;
        int sizeMib = 1024;
        String name = "bench";
        int eventLoops = Math.max(1, Runtime.getRuntime().availableProcessors());
        boolean async = false;
        boolean nativeTransport = false;
        boolean stats = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--size-mib" -> sizeMib = Integer.parseInt(args[++i]);
                case "--name" -> name = args[++i];
                case "--event-loops" -> eventLoops = Integer.parseInt(args[++i]);
                case "--async" -> async = true;
                case "--native" -> nativeTransport = true;
                case "--stats" -> stats = true;
                case "--help", "-h" -> {
                    System.out.println("usage: NbdBenchServer [--port N] [--size-mib N (<2048)] [--name NAME]"
                            + " [--event-loops N] [--async] [--native] [--stats]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + " (see --help)");
            }
        }
        if (sizeMib <= 0 || sizeMib >= 2048) {
            throw new IllegalArgumentException("--size-mib must be in [1, 2047]");
        }
        BlockVolume volume = new MemoryBlockVolume(name, sizeMib << 20, 4096);
        if (async) {
            ExecutorService workers = Executors.newFixedThreadPool(2);
            volume = new AsyncShuffledVolume(volume, workers, 0);
        }
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(nativeTransport));
        if (nativeTransport && !vertx.isNativeTransportEnabled()) {
            System.err.println("native transport unavailable: " + vertx.unavailableNativeTransportCause());
        }
        LongAdder requests = new LongAdder();
        LongAdder nanos = new LongAdder();
        NbdServerOptions options = new NbdServerOptions().setPort(port).setEventLoops(eventLoops)
                .setDefaultExport(name);
        if (stats) {
            options.setMetrics((v, op, bytes, latencyNanos, errno) -> {
                requests.increment();
                nanos.add(latencyNanos);
            });
            vertx.setPeriodic(5000, id -> {
                long n = requests.sumThenReset();
                long t = nanos.sumThenReset();
                System.err.println("requests " + n + " mean in-server us " + (n == 0 ? 0 : t / n / 1000.0));
            });
        }
        NbdServer server = new NbdServer(vertx, new MapVolumeResolver().add(volume), options);
        int bound = server.start().toCompletionStage().toCompletableFuture().get();
        System.out.println("NBD_PORT " + bound);
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
