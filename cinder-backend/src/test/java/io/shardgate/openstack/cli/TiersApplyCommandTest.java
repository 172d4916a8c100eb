package io.shardgate.openstack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardgate.openstack.tiers.Tier;
import io.shardgate.openstack.tiers.TierDiff;
import io.shardgate.openstack.tiers.TiersFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TiersApplyCommandTest {
    @TempDir
    Path dir;

    private static final List<Tier> TIERS = TiersFile.parse(
            "tiers: {gold: {iops: 20000}, silver: {iops: 5000}, bronze: {iops: 10}}", "t").tiers();

    /** gold new, silver drifted, bronze as applied. */
    private static List<TierDiff.TierChanges> result() {
        var silver = new HashMap<>(TIERS.get(1).extraSpecs());
        silver.put("sharding:iops", "4000");
        silver.put("sharding:latency_us", "9");
        Tier b = TIERS.get(2);
        return List.of(TierDiff.diff(TIERS.get(0), TierDiff.Current.NONE),
                TierDiff.diff(TIERS.get(1), new TierDiff.Current(silver, TIERS.get(1).qosSpecs(), "back-end",
                        "silver-qos")),
                TierDiff.diff(b, new TierDiff.Current(b.extraSpecs(), b.qosSpecs(), "back-end", "bronze-qos")));
    }

    @Test
    void humanOutputSaysCreatedUpdatedFromToAndUnchanged() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TiersApplyCommand.print(new PrintStream(out, true, StandardCharsets.UTF_8), result(), false);
        assertEquals("""
                gold: created (volume type gold with 2 extra specs, QoS spec gold-qos)
                silver: updated sharding:iops from 4000 to 5000
                silver: removed sharding:latency_us (was 9)
                bronze: unchanged
                """, out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void jsonOutputListsEveryChange() throws Exception {
        JsonNode j = new ObjectMapper().readTree(TiersApplyCommand.toJson(result(), true));
        assertTrue(j.path("dryRun").asBoolean());
        assertTrue(j.path("changed").asBoolean());
        assertEquals("created", j.path("tiers").path(0).path("status").asText());
        JsonNode silver = j.path("tiers").path(1);
        assertEquals("updated", silver.path("status").asText());
        assertEquals("extra_spec", silver.path("changes").path(0).path("kind").asText());
        assertEquals("4000", silver.path("changes").path(0).path("from").asText());
        assertTrue(silver.path("changes").path(1).path("to").isNull());
        assertEquals(0, j.path("tiers").path(2).path("changes").size());
    }

    private int run(ByteArrayOutputStream err, String... args) {
        PrintStream saved = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return new CommandLine(new OpenStackCommand()).execute(args);
        } finally {
            System.setErr(saved);
        }
    }

    @Test
    void aBadFileIsRefusedBeforeAnyConnection() throws Exception {
        Path bad = Files.writeString(dir.resolve("tiers.yaml"), "tiers: {gold: {iops: 5, workload: oltp}}");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // the auth URL points nowhere: a connection attempt would fail with exit 1, not 2
        assertEquals(2, run(err, "tiers", "apply", "--file", bad.toString(), "--os-auth-url", "http://127.0.0.1:9",
                "--os-username", "u", "--os-project-name", "p"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("tier 'gold', key 'workload'"), err.toString());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("nothing was applied"), err.toString());
    }

    @Test
    void anUnreachableKeystoneIsExitOne() throws Exception {
        Path good = Files.writeString(dir.resolve("tiers.yaml"), "tiers: {gold: {iops: 5}}");
        Path pw = Files.writeString(dir.resolve("pw"), "secret\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(1, run(err, "tiers", "apply", "--file", good.toString(), "--os-auth-url", "http://127.0.0.1:9",
                "--os-username", "u", "--os-project-name", "p", "--os-password-file", pw.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("cannot reach Keystone at http://127.0.0.1:9/v3"),
                err.toString());
    }

    @Test
    void everyLevelHasHelp() {
        for (String[] args : new String[][]{{"--help"}, {"tiers", "--help"}, {"tiers", "apply", "--help"}}) {
            StringWriter out = new StringWriter();
            CommandLine cl = new CommandLine(new OpenStackCommand());
            cl.setOut(new PrintWriter(out));
            assertEquals(0, cl.execute(args), String.join(" ", args));
            assertTrue(out.toString().startsWith("Usage: openstack"), out.toString());
        }
    }
}
