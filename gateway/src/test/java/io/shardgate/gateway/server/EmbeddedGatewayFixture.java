package io.shardgate.gateway.server;

import io.shardgate.gateway.cluster.ClusterOptions;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;

/** Starts an embedded gateway on free loopback ports with a small chunk size, for tests. */
public final class EmbeddedGatewayFixture {
    private EmbeddedGatewayFixture() {
    }

    public static EmbeddedOptions options(Path dataDir) {
        return new EmbeddedOptions(dataDir, "127.0.0.1", 0, 0, "gw-test", "region-1", "spine-1", 100_000, 2500,
                64 << 10, 8, 16 << 20, null, null, null, 1000, false);
    }

    public static EmbeddedGateway start(Path dataDir) throws Exception {
        return new EmbeddedGateway(options(dataDir)).start();
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * Three servers of 10,000 IOPS in one spine sharing {@code dir/shared} (64 KiB chunks, load sampled every
     * 500 ms), started in parallel on free loopback ports.
     *
     * @param reshardIntervalMs the controller's interval, 0 for no automatic re-sharding
     * @param tweak             changes each server's settings (e.g. {@code o -> o.withIscsiPort(0)})
     */
    public static List<EmbeddedGateway> startCluster(Path dir, int[] hzPorts, long reshardIntervalMs,
                                                     UnaryOperator<EmbeddedOptions> tweak) throws Exception {
        List<String> members = new ArrayList<>();
        for (int p : hzPorts) {
            members.add("127.0.0.1:" + p);
        }
        ExecutorService starter = Executors.newFixedThreadPool(3);
        try {
            List<Future<EmbeddedGateway>> fs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                EmbeddedOptions o = tweak.apply(new EmbeddedOptions(dir.resolve("shared"), "127.0.0.1", 0, 0, "gw-" + i,
                        "region-1", "spine-1", 10_000, 1000, 64 << 10, 8, 4 << 20, null, null,
                        new ClusterOptions("it-" + ProcessHandle.current().pid() + "-" + hzPorts[0], "127.0.0.1",
                                hzPorts[i], members, 0, reshardIntervalMs), 500, false));
                fs.add(starter.submit(() -> new EmbeddedGateway(o).start()));
            }
            List<EmbeddedGateway> out = new ArrayList<>();
            for (Future<EmbeddedGateway> f : fs) {
                out.add(f.get());
            }
            return out;
        } finally {
            starter.shutdown();
        }
    }
}
