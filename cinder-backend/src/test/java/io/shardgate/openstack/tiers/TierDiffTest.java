package io.shardgate.openstack.tiers;

import io.shardgate.openstack.tiers.TierDiff.Change;
import io.shardgate.openstack.tiers.TierDiff.Current;
import io.shardgate.openstack.tiers.TierDiff.Kind;
import io.shardgate.openstack.tiers.TierDiff.Status;
import io.shardgate.openstack.tiers.TierDiff.TierChanges;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TierDiffTest {
    private static final Tier GOLD = TiersFile.parse("""
            tiers:
              gold: {iops: 20000, throughput_mbps: 400, workload: database, fallback_types: [silver]}
              silver: {iops: 5000}
            """, "t").tiers().get(0);

    /** What Cinder holds once GOLD was applied. */
    private static Current applied() {
        return new Current(new HashMap<>(GOLD.extraSpecs()), new HashMap<>(GOLD.qosSpecs()), "back-end", "gold-qos");
    }

    @Test
    void nothingInCinderCreatesTheTypeTheSpecAndTheAssociation() {
        TierChanges c = TierDiff.diff(GOLD, Current.NONE);
        assertEquals(Status.CREATED, c.status());
        assertEquals(new Change(Kind.TYPE, null, null, "gold"), c.changes().get(0));
        assertTrue(c.changes().contains(new Change(Kind.EXTRA_SPEC, "sharding:iops", null, "20000")));
        assertTrue(c.changes().contains(new Change(Kind.QOS, null, null, "gold-qos")));
        assertTrue(c.changes().contains(new Change(Kind.QOS_SPEC, "total_bytes_sec", null, "400000000")));
        assertEquals(new Change(Kind.QOS_ASSOCIATION, null, null, "gold-qos"), c.changes().get(c.changes().size() - 1));
    }

    @Test
    void whatWasAppliedIsUnchanged() {
        TierChanges c = TierDiff.diff(GOLD, applied());
        assertEquals(Status.UNCHANGED, c.status());
        assertEquals(List.of(), c.changes());
    }

    @Test
    void changedValuesAreUpdatedFromOldToNew() {
        Current cur = applied();
        cur.extraSpecs().put("sharding:iops", "100");
        cur.qosSpecs().put("total_iops_sec", "100");
        TierChanges c = TierDiff.diff(GOLD, cur);
        assertEquals(Status.UPDATED, c.status());
        assertEquals(List.of(new Change(Kind.EXTRA_SPEC, "sharding:iops", "100", "20000"),
                new Change(Kind.QOS_SPEC, "total_iops_sec", "100", "20000")), c.changes());
    }

    @Test
    void staleShardingKeysAreRemovedOthersAreLeftAlone() {
        Current cur = applied();
        cur.extraSpecs().put("sharding:latency_us", "500");
        cur.extraSpecs().put("capabilities:foo", "bar");
        cur.extraSpecs().put("multiattach", "<is> True");
        cur.qosSpecs().put("read_iops_sec", "7");
        TierChanges c = TierDiff.diff(GOLD, cur);
        assertEquals(List.of(new Change(Kind.EXTRA_SPEC, "sharding:latency_us", "500", null),
                new Change(Kind.QOS_SPEC, "read_iops_sec", "7", null)), c.changes(),
                "the QoS spec is the tier's own: its stray keys go too");
    }

    @Test
    void aWrongBackendNameAndConsumerAreFixed() {
        Current cur = new Current(new HashMap<>(Map.of("volume_backend_name", "lvm", "sharding:iops", "20000",
                "sharding:throughput_mbps", "400", "sharding:workload", "database", "sharding:fallback_types",
                "silver")), GOLD.qosSpecs(), "front-end", "gold-qos");
        assertEquals(List.of(new Change(Kind.EXTRA_SPEC, "volume_backend_name", "lvm", "shardgate"),
                new Change(Kind.QOS_SPEC, "consumer", "front-end", "back-end")), TierDiff.diff(GOLD, cur).changes());
    }

    @Test
    void anotherAssociatedSpecIsReplaced() {
        Current cur = applied();
        TierChanges c = TierDiff.diff(GOLD, new Current(cur.extraSpecs(), cur.qosSpecs(), "back-end", "legacy"));
        assertEquals(List.of(new Change(Kind.QOS_ASSOCIATION, null, "legacy", "gold-qos")), c.changes());
        assertEquals(Status.UPDATED, c.status());
    }

    @Test
    void anExistingTypeWithoutItsSpecGetsOne() {
        Current cur = applied();
        TierChanges c = TierDiff.diff(GOLD, new Current(cur.extraSpecs(), null, null, null));
        assertEquals(Status.UPDATED, c.status());
        assertEquals(new Change(Kind.QOS, null, null, "gold-qos"), c.changes().get(0));
        assertTrue(c.changes().stream().noneMatch(ch -> ch.kind() == Kind.EXTRA_SPEC || "consumer".equals(ch.key())));
    }
}
