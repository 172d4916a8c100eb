package io.shardgate.gateway.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Locale;

/** {@code gateway.jar volume snapshot create|list|delete} and {@code volume revert}: snapshots over the REST API. */
@Command(name = "snapshot", mixinStandardHelpOptions = true,
        description = "Create, list and delete snapshots (no data is copied; see docs/gateway.md).",
        subcommands = {SnapshotCommand.Create.class, SnapshotCommand.ListSnapshots.class, SnapshotCommand.Delete.class})
final class SnapshotCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The volume, and a snapshot of it. */
    abstract static class OfVolume extends VolumeCommand.Base {
        @Parameters(index = "0", description = "volume name")
        String volume;
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Take a crash-consistent snapshot.")
    static final class Create extends OfVolume {
        @Parameters(index = "1", description = "snapshot name ([A-Za-z0-9._-], up to 128)")
        String name;

        @Override
        ApiClient.Reply request() throws IOException {
            return api.send("POST", "/v1/volumes/" + volume + "/snapshots", new JsonObject().put("name", name));
        }

        @Override
        void print(PrintStream out, JsonObject body) {
            out.printf(Locale.ROOT, "snapshot %s of %s taken (%,d bytes)%n", body.getString("name"),
                    body.getString("volume"), body.getLong("sizeBytes"));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a volume's snapshots.")
    static final class ListSnapshots extends OfVolume {
        @Override
        ApiClient.Reply request() throws IOException {
            return api.send("GET", "/v1/volumes/" + volume + "/snapshots", null);
        }

        @Override
        void print(PrintStream out, JsonObject body) {
            out.printf(Locale.ROOT, "%-24s %16s  %s%n", "NAME", "SIZE", "CREATED");
            for (Object o : body.getJsonArray("snapshots", new JsonArray())) {
                JsonObject s = (JsonObject) o;
                out.printf(Locale.ROOT, "%-24s %16d  %s%n", s.getString("name"), s.getLong("sizeBytes"),
                        Instant.ofEpochMilli(s.getLong("createdAtMs")));
            }
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a snapshot (refused while volumes created from it exist).")
    static final class Delete extends OfVolume {
        @Parameters(index = "1", description = "snapshot name")
        String name;

        @Override
        ApiClient.Reply request() throws IOException {
            return api.send("DELETE", "/v1/volumes/" + volume + "/snapshots/" + name, null);
        }

        @Override
        void print(PrintStream out, JsonObject body) {
            out.println("deleted snapshot " + name + " of " + volume);
        }
    }

    @Command(name = "revert", mixinStandardHelpOptions = true,
            description = "Make a volume's content one of its snapshots' again (the size stays).")
    static final class Revert extends OfVolume {
        @Parameters(index = "1", description = "snapshot name")
        String name;

        @Override
        ApiClient.Reply request() throws IOException {
            return api.send("POST", "/v1/volumes/" + volume + "/revert", new JsonObject().put("snapshot", name));
        }

        @Override
        void print(PrintStream out, JsonObject body) {
            out.println("reverted to snapshot " + name);
            VolumeCommand.printVolume(out, body);
        }
    }
}
