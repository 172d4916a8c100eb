package io.shardgate.tests.store;

import io.shardgate.gateway.store.DurableStore;
import io.shardgate.gateway.store.DurableStoreContract;
import io.shardgate.gateway.store.RadosStore;
import io.shardgate.tests.fixture.CephCluster;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

/** The durable-store contract against a real Ceph cluster (memstore OSD on loopback). */
class RadosStoreIT {
    private static final int CHUNK = 64 << 10;

    @TestFactory
    Stream<DynamicTest> rados() {
        return DurableStoreContract.tests("rados", new DurableStoreContract.Factory() {
            @Override
            public DurableStore create() throws Exception {
                // the contract expects an empty store: clear the volumes and keys it uses (a fresh pool per test
                // would cost seconds each)
                RadosStore s = new RadosStore(CephCluster.conf(), CephCluster.CLIENT, CephCluster.POOL, CHUNK);
                for (String v : new String[] {"vol", "a", "b"}) {
                    s.deleteVolume(v);
                }
                for (String k : s.listMeta("")) {
                    s.deleteMeta(k);
                }
                return s;
            }

            @Override
            public DurableStore reopen(DurableStore closed) throws Exception {
                return new RadosStore(CephCluster.conf(), CephCluster.CLIENT, CephCluster.POOL, CHUNK);
            }
        });
    }
}
