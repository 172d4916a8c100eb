package io.shardgate.gateway.nbd;

import io.shardgate.gateway.io.MemoryBlockVolume;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Start, stop, port reuse, connection hooks. */
class NbdServerLifecycleIT {

    private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void startServeStopAndRestartOnTheSamePort() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            AtomicInteger opened = new AtomicInteger();
            AtomicInteger closed = new AtomicInteger();
            NbdMetrics hook = new NbdMetrics() {
                @Override
                public void onRequest(String volume, Op op, long bytes, long latencyNanos, int errno) {
                }

                @Override
                public void onConnectionOpened(String volume) {
                    opened.incrementAndGet();
                }

                @Override
                public void onConnectionClosed(String volume) {
                    closed.incrementAndGet();
                }
            };
            MapVolumeResolver resolver = new MapVolumeResolver().add(new MemoryBlockVolume("v", 1 << 20, 4096));
            NbdServerOptions options = new NbdServerOptions().setPort(0).setEventLoops(3).setMetrics(hook);
            NbdServer server = new NbdServer(vertx, resolver, options);
            int port = await(server.start());
            assertTrue(port > 0);
            assertEquals(port, server.port());
            assertThrows(ExecutionException.class, () -> await(server.start()), "a second start fails");

            RawNbdClient[] clients = new RawNbdClient[4];
            for (int i = 0; i < clients.length; i++) { // spread over the event loops
                clients[i] = new RawNbdClient(port);
                assertEquals(1 << 20, clients[i].handshake("v", i % 2 == 0));
            }
            assertEquals(clients.length, opened.get());
            clients[0].close();
            await(server.stop());
            for (int i = 1; i < clients.length; i++) {
                assertTrue(clients[i].closedByServer(2000), "stop closes open connections");
                clients[i].close();
            }
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (closed.get() < clients.length && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(clients.length, closed.get());

            NbdServer again = new NbdServer(vertx, resolver, new NbdServerOptions(options).setPort(port));
            assertEquals(port, startWithin(again, 2000), "the port is free again after stop");
            try (RawNbdClient c = new RawNbdClient(port)) {
                assertEquals(1 << 20, c.handshake("v", true));
            }
            await(again.stop());
        } finally {
            await(vertx.close());
        }
    }

    /**
     * Starts the server, retrying a bind that fails for up to {@code millis}: the kernel may release the listening
     * socket a moment after the close completes (seen once in CI, under load), and a port from the ephemeral range
     * can be taken meanwhile by another process's outgoing connection.
     */
    private static int startWithin(NbdServer server, long millis) throws Exception {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (true) {
            try {
                return await(server.start());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof java.net.BindException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }
}
