package io.shardgate.openstack.tiers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TiersFileTest {
    private static final String GOOD = """
            volume_backend_name: shardgate
            tiers:
              gold:
                iops: 20000
                throughput_mbps: 400
                latency_us: 500
                workload: database
                fallback_types: [silver]
                qos:
                  read_iops_sec: 15000
              silver:
                iops: "5000"
                fallback_types: bronze
                volume_backend_name: other
              bronze:
                iops: 0
            """;

    @Test
    void parsesEveryKeyInFileOrder() {
        List<Tier> tiers = TiersFile.parse(GOOD, "t.yaml").tiers();
        assertEquals(List.of("gold", "silver", "bronze"), tiers.stream().map(Tier::name).toList());
        Tier gold = tiers.get(0);
        assertEquals(new Tier("gold", "shardgate", 20000, OptionalLong.of(400), OptionalLong.of(500), "database",
                List.of("silver"), Map.of("read_iops_sec", "15000")), gold);
        assertEquals(List.of("volume_backend_name", "sharding:iops", "sharding:throughput_mbps", "sharding:latency_us",
                "sharding:workload", "sharding:fallback_types"), List.copyOf(gold.extraSpecs().keySet()));
        assertEquals("silver", gold.extraSpecs().get("sharding:fallback_types"));
        assertEquals(Map.of("total_iops_sec", "20000", "total_bytes_sec", "400000000", "read_iops_sec", "15000"),
                gold.qosSpecs());
        assertEquals("gold-qos", gold.qosName());
        Tier silver = tiers.get(1);
        assertEquals("other", silver.backendName());
        assertEquals(5000, silver.iops());
        assertEquals(Map.of("volume_backend_name", "other", "sharding:iops", "5000",
                "sharding:fallback_types", "bronze"), silver.extraSpecs(), "unset keys are absent, not empty");
        assertTrue(tiers.stream().flatMap(t -> t.extraSpecs().keySet().stream())
                .allMatch(k -> k.startsWith("sharding:") || k.equals("volume_backend_name")), "no unscoped keys");
    }

    @Test
    void theBackendDefaultsToShardgate() {
        assertEquals("shardgate", TiersFile.parse("tiers: {a: {iops: 1}}", "t").tiers().get(0).backendName());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "negative iops|tiers: {gold: {iops: -5}}|gold|iops|whole number >= 0",
            "fractional throughput|tiers: {gold: {iops: 5, throughput_mbps: 1.5}}|gold|throughput_mbps|whole number",
            "text latency|tiers: {gold: {iops: 5, latency_us: fast}}|gold|latency_us|whole number",
            "missing iops|tiers: {gold: {workload: vdi}}|gold|iops|is required",
            "unknown key|tiers: {gold: {iops: 5, iopz: 6}}|gold|iopz|unknown key",
            "unscoped qos key|tiers: {gold: {iops: 5, qos: {Total-IOPS: 6}}}|gold|qos.Total-IOPS|lower case",
            "negative qos|tiers: {gold: {iops: 5, qos: {total_iops_sec: -1}}}|gold|qos.total_iops_sec|>= 0",
            "bad workload|tiers: {gold: {iops: 5, workload: oltp}}|gold|workload|must be one of",
            "unknown fallback|tiers: {gold: {iops: 5, fallback_types: [tin]}}|gold|fallback_types|not a tier",
            "self fallback|tiers: {gold: {iops: 5, fallback_types: gold}}|gold|fallback_types|the tier itself",
            "twice fallback|tiers: {gold: {iops: 5, fallback_types: 'a,a'}}|gold|fallback_types|twice",
            "bad tier name|tiers: {'go ld': {iops: 5}}|go ld||tier name",
            "tier not a map|tiers: {gold: 5}|gold||must be a mapping",
            "no tiers|volume_backend_name: x||tiers|non-empty",
            "empty tiers|tiers: {}||tiers|non-empty",
            "unknown top key|tier: {gold: {iops: 5}}||tier|unknown key",
            "bad backend|{volume_backend_name: 'a b', tiers: {g: {iops: 1}}}||volume_backend_name|name",
    })
    void badInputNamesTheTierAndTheKey(String what, String yaml, String tier, String key, String text) {
        TiersFileException e = assertThrows(TiersFileException.class, () -> TiersFile.parse(yaml, "t.yaml"), what);
        assertEquals(tier, e.tier(), e.getMessage());
        assertEquals(key, e.key(), e.getMessage());
        assertTrue(e.getMessage().startsWith("t.yaml: ") && e.getMessage().contains(text), e.getMessage());
    }

    @Test
    void duplicateKeysAndNonYamlAreRefused() {
        assertTrue(assertThrows(TiersFileException.class, () -> TiersFile.parse(
                "tiers:\n  gold: {iops: 1}\n  gold: {iops: 2}\n", "t")).getMessage().contains("Duplicate"));
        assertTrue(assertThrows(TiersFileException.class, () -> TiersFile.parse("tiers: [", "t"))
                .getMessage().contains("not valid YAML"));
        assertTrue(assertThrows(TiersFileException.class, () -> TiersFile.parse("- a\n- b\n", "t"))
                .getMessage().contains("must be a mapping"));
    }
}
