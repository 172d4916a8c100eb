package io.shardgate.gateway.server;

import java.nio.file.Path;

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
}
