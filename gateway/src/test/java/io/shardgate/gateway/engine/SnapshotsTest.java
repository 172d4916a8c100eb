package io.shardgate.gateway.engine;

import io.shardgate.gateway.store.DurableStore;
import io.shardgate.gateway.store.LocalDirectoryStore;
import io.shardgate.gateway.store.MemoryStore;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/** The snapshot contract on the local-directory store (the embedded default) and the memory store. */
class SnapshotsTest {
    @TempDir
    Path dir;
    private final AtomicInteger n = new AtomicInteger();

    @TestFactory
    Stream<DynamicTest> localDirectory() {
        return SnapshotContract.tests("local directory", new SnapshotContract.Stores() {
            private Path last;

            @Override
            public DurableStore create() throws Exception {
                last = dir.resolve("store-" + n.incrementAndGet());
                return new LocalDirectoryStore(last, 64 << 10);
            }

            @Override
            public DurableStore reopen(DurableStore closed) throws Exception {
                return new LocalDirectoryStore(last, 64 << 10);
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> memory() {
        return SnapshotContract.tests("memory", new SnapshotContract.Stores() {
            @Override
            public DurableStore create() {
                return new MemoryStore(64 << 10);
            }

            @Override
            public DurableStore reopen(DurableStore closed) {
                return closed; // memory keeps its data after close()
            }
        });
    }
}
