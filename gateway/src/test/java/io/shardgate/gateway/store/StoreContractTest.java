package io.shardgate.gateway.store;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The durable-store contract against the in-process implementations (RADOS runs it in the tests module). */
class StoreContractTest {
    private static final int CHUNK = 64 << 10;

    @TempDir
    Path dir;

    @TestFactory
    Stream<DynamicTest> memory() {
        return DurableStoreContract.tests("memory", () -> new MemoryStore(CHUNK));
    }

    @TestFactory
    Stream<DynamicTest> localDirectory() {
        return DurableStoreContract.tests("local-directory", new DurableStoreContract.Factory() {
            private int n;
            private Path last;

            @Override
            public DurableStore create() throws Exception {
                last = Files.createDirectories(dir.resolve("store-" + n++));
                return new LocalDirectoryStore(last, CHUNK);
            }

            @Override
            public DurableStore reopen(DurableStore closed) throws Exception {
                return new LocalDirectoryStore(last, CHUNK);
            }
        });
    }
}
