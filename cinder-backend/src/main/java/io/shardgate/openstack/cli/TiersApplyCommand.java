package io.shardgate.openstack.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardgate.openstack.client.CinderRest;
import io.shardgate.openstack.client.OpenStackException;
import io.shardgate.openstack.client.OpenStackSession;
import io.shardgate.openstack.tiers.TierDiff;
import io.shardgate.openstack.tiers.TierDiff.Change;
import io.shardgate.openstack.tiers.TierDiff.TierChanges;
import io.shardgate.openstack.tiers.TiersApplier;
import io.shardgate.openstack.tiers.TiersFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code openstack tiers apply}: creates or updates one volume type and QoS spec per tier of a YAML file,
 * idempotently, and prints what changed. Exit 0 done, 1 Keystone or Cinder failed, 2 bad file or options.
 */
@Command(name = "apply", mixinStandardHelpOptions = true,
        description = {"Creates or updates, idempotently, one Cinder volume type per tier of the file (extra specs "
                + "volume_backend_name and sharding:*) and its back-end QoS spec <tier>-qos associated with it; "
                + "removes sharding: keys the file no longer has. Needs an admin user.",
                "The file: 'tiers:' maps tier names to iops (required), throughput_mbps, latency_us, workload, "
                        + "fallback_types, volume_backend_name and qos (extra Cinder QoS keys); see "
                        + "cinder-backend/README.md."})
public final class TiersApplyCommand implements Callable<Integer> {
    @Option(names = "--file", required = true, description = "the tiers YAML file")
    Path file;
    @Option(names = "--dry-run", description = "only print what would change")
    boolean dryRun;
    @Option(names = "--json", description = "print JSON instead of text")
    boolean json;
    @Mixin
    OsOptions os;

    @Override
    public Integer call() {
        TiersFile tiers;
        try {
            tiers = TiersFile.read(file);
            os.credentials();
        } catch (IllegalArgumentException e) { // TiersFileException included
            System.err.println("openstack tiers apply: " + e.getMessage() + "; nothing was applied");
            return 2;
        }
        try (CinderRest cinder = new CinderRest(OpenStackSession.connect(os.credentials()))) {
            List<TierChanges> result = new TiersApplier(cinder).apply(tiers, dryRun);
            if (json) {
                System.out.println(toJson(result, dryRun));
            } else {
                print(System.out, result, dryRun);
            }
            return 0;
        } catch (OpenStackException | IOException e) {
            System.err.println("openstack tiers apply: " + e.getMessage());
            return 1;
        }
    }

    /** One line per change: {@code tier: created}, {@code tier: updated KEY from A to B}, {@code tier: unchanged}. */
    static void print(PrintStream out, List<TierChanges> result, boolean dryRun) {
        String verb = dryRun ? "would be " : "";
        for (TierChanges t : result) {
            String name = t.tier().name();
            switch (t.status()) {
                case UNCHANGED -> out.println(name + ": unchanged");
                case CREATED -> out.println(name + ": " + verb + "created (volume type " + name + " with "
                        + t.tier().extraSpecs().size() + " extra specs, QoS spec " + t.tier().qosName() + ")");
                case UPDATED -> t.changes().forEach(c -> out.println(name + ": " + verb + describe(t, c)));
            }
        }
        if (dryRun) {
            out.println("(dry run: nothing was changed)");
        }
    }

    private static String describe(TierChanges t, Change c) {
        String where = c.kind() == TierDiff.Kind.QOS_SPEC ? t.tier().qosName() + " " : "";
        return switch (c.kind()) {
            case TYPE -> "created volume type " + c.to();
            case QOS -> "created QoS spec " + c.to();
            case QOS_ASSOCIATION -> "associated " + c.to() + (c.from() == null ? "" : " instead of " + c.from());
            case EXTRA_SPEC, QOS_SPEC -> c.from() == null ? "added " + where + c.key() + " = " + c.to()
                    : c.to() == null ? "removed " + where + c.key() + " (was " + c.from() + ")"
                    : "updated " + where + c.key() + " from " + c.from() + " to " + c.to();
        };
    }

    /** {@code {"dryRun", "changed", "tiers": [{"name", "status", "changes": [{"kind", "key", "from", "to"}]}]}}. */
    static String toJson(List<TierChanges> result, boolean dryRun) {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = m.createObjectNode().put("dryRun", dryRun)
                .put("changed", result.stream().anyMatch(t -> t.status() != TierDiff.Status.UNCHANGED));
        ArrayNode tiers = root.putArray("tiers");
        for (TierChanges t : result) {
            ObjectNode o = tiers.addObject().put("name", t.tier().name())
                    .put("status", t.status().name().toLowerCase(Locale.ROOT));
            ArrayNode cs = o.putArray("changes");
            t.changes().forEach(c -> cs.addObject().put("kind", c.kind().name().toLowerCase(Locale.ROOT))
                    .put("key", c.key()).put("from", c.from()).put("to", c.to()));
        }
        try {
            return m.writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
